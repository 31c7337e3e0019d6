"""/forget-me (+ its Confirm / Cancel buttons)."""

from __future__ import annotations

import re

import interactions
from interactions import component_callback, slash_command

from bot.exts._base import StardustExtension
from bot.handlers import privacy


class Privacy(StardustExtension):
    @slash_command(name="forget-me",
                   description="Erase all your Stardust data (asks you to confirm first)")
    async def forget_me(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, privacy.forget_me, renders=False)

    @component_callback(re.compile(r"^fm:"))
    async def forget_me_button(self, ctx: interactions.ComponentContext) -> None:
        await self.press(ctx, privacy.forget_me_button)


def setup(bot, services) -> None:
    Privacy(bot, services=services)
