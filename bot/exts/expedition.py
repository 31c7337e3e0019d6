"""/expedition start|status|claim|stop."""

from __future__ import annotations

import interactions
from interactions import OptionType, slash_command, slash_option

from bot.exts._base import StardustExtension
from bot.handlers import collection, expedition


class Expedition(StardustExtension):
    @slash_command(name="expedition", description="Send units away to earn gems and team XP",
                   sub_cmd_name="start",
                   sub_cmd_description="Send 1-5 units that are not in your team")
    @slash_option("unit1", "A unit", OptionType.INTEGER, required=True, autocomplete=True)
    @slash_option("unit2", "A unit", OptionType.INTEGER, autocomplete=True)
    @slash_option("unit3", "A unit", OptionType.INTEGER, autocomplete=True)
    @slash_option("unit4", "A unit", OptionType.INTEGER, autocomplete=True)
    @slash_option("unit5", "A unit", OptionType.INTEGER, autocomplete=True)
    async def start(self, ctx: interactions.SlashContext, unit1: int,
                    unit2: int | None = None, unit3: int | None = None,
                    unit4: int | None = None, unit5: int | None = None) -> None:
        await self.run(ctx, expedition.expedition_start, renders=False, unit1=unit1,
                       unit2=unit2, unit3=unit3, unit4=unit4, unit5=unit5)

    @start.subcommand(sub_cmd_name="status", sub_cmd_description="What your expedition earned")
    async def status(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, expedition.expedition_status, renders=False)

    @start.subcommand(sub_cmd_name="claim",
                      sub_cmd_description="Collect the gems and team XP; the units stay out")
    async def claim(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, expedition.expedition_claim, renders=False)

    @start.subcommand(sub_cmd_name="stop",
                      sub_cmd_description="Collect and bring the units home")
    async def stop(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, expedition.expedition_stop, renders=False)

    @start.autocomplete("unit1")
    async def unit1(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @start.autocomplete("unit2")
    async def unit2(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @start.autocomplete("unit3")
    async def unit3(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @start.autocomplete("unit4")
    async def unit4(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @start.autocomplete("unit5")
    async def unit5(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)


def setup(bot, services) -> None:
    Expedition(bot, services=services)
