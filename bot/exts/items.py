"""/items, /gift."""

from __future__ import annotations

import interactions
from interactions import OptionType, SlashCommandChoice, slash_command, slash_option

from bot.exts._base import StardustExtension
from bot.handlers import collection
from bot.handlers import items as gifts


class Items(StardustExtension):
    @slash_command(name="items", description="Your items (bond gifts)")
    async def items(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, gifts.items, renders=False)

    @slash_command(name="gift", description="Gift bond items to a unit (bond raises its power)")
    @slash_option("unit", "The unit", OptionType.INTEGER, required=True, autocomplete=True)
    @slash_option("item", "The gift", OptionType.STRING, required=True,
                  choices=[SlashCommandChoice(name=i, value=i) for i in gifts.BOND_ITEMS])
    @slash_option("qty", "How many", OptionType.INTEGER, min_value=1, max_value=10000)
    async def gift(self, ctx: interactions.SlashContext, unit: int, item: str,
                   qty: int = 1) -> None:
        await self.run(ctx, gifts.gift, renders=False, unit=unit, item=item, qty=qty)

    @gift.autocomplete("unit")
    async def gift_unit(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)


def setup(bot, services) -> None:
    Items(bot, services=services)
