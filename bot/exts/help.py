"""/help, /skills, /skill."""

from __future__ import annotations

import interactions
from interactions import OptionType, slash_command, slash_option

from bot.exts._base import StardustExtension
from bot.handlers import help as pages


class Help(StardustExtension):
    @slash_command(name="help", description="Every command, or one command's options")
    @slash_option("command", "The command to explain", OptionType.STRING, max_length=40,
                  autocomplete=True)
    async def help(self, ctx: interactions.SlashContext, command: str | None = None) -> None:
        await self.run(ctx, pages.help_command, renders=False, command=command)

    @help.autocomplete("command")
    async def help_names(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, pages.command_choices)

    @slash_command(name="skills", description="Every skill and what it does")
    async def skills(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, pages.skills, renders=False)

    @slash_command(name="skill", description="What one skill does")
    @slash_option("name", "The skill", OptionType.STRING, required=True, max_length=40,
                  autocomplete=True)
    async def skill(self, ctx: interactions.SlashContext, name: str) -> None:
        await self.run(ctx, pages.skill, renders=False, name=name)

    @skill.autocomplete("name")
    async def skill_names(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, pages.skill_choices)


def setup(bot, services) -> None:
    Help(bot, services=services)
