"""/team view, /team set."""

from __future__ import annotations

import interactions
from interactions import OptionType, slash_command, slash_option

from bot.exts._base import StardustExtension, someone
from bot.handlers import collection, team


class Team(StardustExtension):
    @slash_command(name="team", description="Your 5-slot team", sub_cmd_name="view",
                   sub_cmd_description="Show your team and its power")
    @slash_option("user", "Another player to look at (default: you)", OptionType.USER)
    async def team_view(self, ctx: interactions.SlashContext,
                        user: interactions.User | None = None) -> None:
        await self.run(ctx, team.team_view, renders=True, **someone(user))

    @team_view.subcommand(sub_cmd_name="set", sub_cmd_description="Choose your team (slots 1-5)")
    @slash_option("unit1", "Slot 1", OptionType.INTEGER, required=True, autocomplete=True)
    @slash_option("unit2", "Slot 2", OptionType.INTEGER, autocomplete=True)
    @slash_option("unit3", "Slot 3", OptionType.INTEGER, autocomplete=True)
    @slash_option("unit4", "Slot 4", OptionType.INTEGER, autocomplete=True)
    @slash_option("unit5", "Slot 5", OptionType.INTEGER, autocomplete=True)
    async def team_set(self, ctx: interactions.SlashContext, unit1: int,
                       unit2: int | None = None, unit3: int | None = None,
                       unit4: int | None = None, unit5: int | None = None) -> None:
        await self.run(ctx, team.team_set, renders=True, unit1=unit1, unit2=unit2,
                       unit3=unit3, unit4=unit4, unit5=unit5)

    @team_set.autocomplete("unit1")
    async def unit1(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @team_set.autocomplete("unit2")
    async def unit2(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @team_set.autocomplete("unit3")
    async def unit3(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @team_set.autocomplete("unit4")
    async def unit4(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @team_set.autocomplete("unit5")
    async def unit5(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @slash_command(name="preset", description="Saved teams", sub_cmd_name="save",
                   sub_cmd_description="Save your team under a name")
    @slash_option("name", "1-15 characters", OptionType.STRING, required=True, max_length=15)
    async def preset_save(self, ctx: interactions.SlashContext, name: str) -> None:
        await self.run(ctx, team.preset_save, renders=False, name=name)

    @preset_save.subcommand(sub_cmd_name="load", sub_cmd_description="Make a preset your team")
    @slash_option("name", "The preset", OptionType.STRING, required=True, max_length=15)
    async def preset_load(self, ctx: interactions.SlashContext, name: str) -> None:
        await self.run(ctx, team.preset_load, renders=True, name=name)

    @preset_save.subcommand(sub_cmd_name="list", sub_cmd_description="Your presets")
    async def preset_list(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, team.preset_list, renders=False)

    @preset_save.subcommand(sub_cmd_name="delete", sub_cmd_description="Delete a preset")
    @slash_option("name", "The preset", OptionType.STRING, required=True, max_length=15)
    async def preset_delete(self, ctx: interactions.SlashContext, name: str) -> None:
        await self.run(ctx, team.preset_delete, renders=False, name=name)


def setup(bot, services) -> None:
    Team(bot, services=services)
