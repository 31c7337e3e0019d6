"""/inventory, /view, /lock, /unlock, /scrap unit, /scrap mass (+ their buttons)."""

from __future__ import annotations

import re

import interactions
from interactions import (OptionType, SlashCommandChoice, component_callback, slash_command,
                          slash_option)

from bot.exts._base import StardustExtension
from bot.handlers import collection

RARITIES = [SlashCommandChoice(name=r, value=r) for r in ("SSR", "SR", "R")]
SORTS = [SlashCommandChoice(name=s, value=s) for s in ("date", "power", "rarity", "name",
                                                       "dupes")]


class Collection(StardustExtension):
    @slash_command(name="inventory", description="Your collection, page by page")
    @slash_option("rarity", "Only this rarity", OptionType.STRING, choices=RARITIES)
    @slash_option("sort", "Order (default: newest first)", OptionType.STRING, choices=SORTS)
    async def inventory(self, ctx: interactions.SlashContext, rarity: str | None = None,
                        sort: str = "date") -> None:
        await self.run(ctx, collection.inventory, renders=True, rarity=rarity, sort=sort)

    @component_callback(re.compile(r"^inv:"))
    async def inventory_page(self, ctx: interactions.ComponentContext) -> None:
        await self.press(ctx, collection.inventory_page)

    @slash_command(name="view", description="Look at one of your units")
    @slash_option("unit", "The unit", OptionType.INTEGER, required=True, autocomplete=True)
    async def view(self, ctx: interactions.SlashContext, unit: int) -> None:
        await self.run(ctx, collection.view, renders=True, unit=unit)

    @slash_command(name="lock", description="Protect a unit from scrapping")
    @slash_option("unit", "The unit", OptionType.INTEGER, required=True, autocomplete=True)
    async def lock(self, ctx: interactions.SlashContext, unit: int) -> None:
        await self.run(ctx, collection.lock, renders=False, unit=unit)

    @slash_command(name="unlock", description="Allow a unit to be scrapped again")
    @slash_option("unit", "The unit", OptionType.INTEGER, required=True, autocomplete=True)
    async def unlock(self, ctx: interactions.SlashContext, unit: int) -> None:
        await self.run(ctx, collection.unlock, renders=False, unit=unit)

    @slash_command(name="scrap", description="Scrap units for gems and coins",
                   sub_cmd_name="unit", sub_cmd_description="Scrap one unit")
    @slash_option("unit", "The unit", OptionType.INTEGER, required=True, autocomplete=True)
    async def scrap_unit(self, ctx: interactions.SlashContext, unit: int) -> None:
        await self.run(ctx, collection.scrap, renders=False, unit=unit)

    @scrap_unit.subcommand(sub_cmd_name="mass", sub_cmd_description="Scrap every R or SR unit")
    @slash_option("rarity", "Which rarity", OptionType.STRING, required=True,
                  choices=[SlashCommandChoice(name=r, value=r) for r in ("R", "SR")])
    async def scrap_mass(self, ctx: interactions.SlashContext, rarity: str) -> None:
        await self.run(ctx, collection.mass_scrap, renders=False, rarity=rarity)

    @component_callback(re.compile(r"^ms:"))
    async def scrap_mass_button(self, ctx: interactions.ComponentContext) -> None:
        await self.press(ctx, collection.mass_scrap_button)

    @view.autocomplete("unit")
    async def view_unit(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @lock.autocomplete("unit")
    async def lock_unit(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @unlock.autocomplete("unit")
    async def unlock_unit(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @scrap_unit.autocomplete("unit")
    async def scrap_unit_unit(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)


def setup(bot, services) -> None:
    Collection(bot, services=services)
