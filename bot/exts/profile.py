"""/profile."""

from __future__ import annotations

import interactions
from interactions import slash_command

from bot.exts._base import StardustExtension
from bot.handlers import profile


class Profile(StardustExtension):
    @slash_command(name="profile", description="Your balances, team power and collection")
    async def profile(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, profile.profile, renders=True)


def setup(bot, services) -> None:
    Profile(bot, services=services)
