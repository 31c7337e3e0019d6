"""/fairness: provably fair pulls (commitment, client seed, nonce, revealed seeds)."""

from __future__ import annotations

import interactions
from interactions import OptionType, slash_command, slash_option

from bot.exts._base import StardustExtension
from bot.handlers import fairness


class Fairness(StardustExtension):
    @slash_command(name="fairness",
                   description="Provably fair pulls: the seed commitment, your client seed")
    @slash_option("seed", "Set your client seed (1-64 characters)", OptionType.STRING,
                  min_length=1, max_length=64)
    async def fairness(self, ctx: interactions.SlashContext, seed: str | None = None) -> None:
        await self.run(ctx, fairness.fairness, renders=False, seed=seed)


def setup(bot, services) -> None:
    Fairness(bot, services=services)
