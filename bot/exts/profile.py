"""/profile."""

from __future__ import annotations

import interactions
from interactions import OptionType, slash_command, slash_option

from bot.exts._base import StardustExtension, someone
from bot.handlers import profile


class Profile(StardustExtension):
    @slash_command(name="profile", description="Your balances, team power and collection")
    @slash_option("user", "Another player to look at (default: you)", OptionType.USER)
    async def profile(self, ctx: interactions.SlashContext,
                      user: interactions.User | None = None) -> None:
        await self.run(ctx, profile.profile, renders=True, **someone(user))


def setup(bot, services) -> None:
    Profile(bot, services=services)
