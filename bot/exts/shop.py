"""/shop daily|buy|items|item, /token, /redeem."""

from __future__ import annotations

import interactions
from interactions import OptionType, SlashCommandChoice, slash_command, slash_option

from bot.exts._base import StardustExtension
from bot.handlers import collection, shop


class Shop(StardustExtension):
    @slash_command(name="shop", description="The shops", sub_cmd_name="daily",
                   sub_cmd_description="Today's ten units for gems")
    async def daily(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, shop.daily, renders=True)

    @daily.subcommand(sub_cmd_name="buy", sub_cmd_description="Buy a unit of today's shop")
    @slash_option("slot", "The slot (1-10)", OptionType.INTEGER, required=True, min_value=1,
                  max_value=10)
    async def buy(self, ctx: interactions.SlashContext, slot: int) -> None:
        await self.run(ctx, shop.buy, renders=True, slot=slot)

    @daily.subcommand(sub_cmd_name="items", sub_cmd_description="What coins can buy")
    async def items(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, shop.item_shop, renders=False)

    @daily.subcommand(sub_cmd_name="item", sub_cmd_description="Buy items with coins")
    @slash_option("item", "The item", OptionType.STRING, required=True,
                  choices=[SlashCommandChoice(name=label, value=item)
                           for item, label in shop.SHOP_ITEMS.items()])
    @slash_option("qty", "How many (1-100)", OptionType.INTEGER, min_value=1, max_value=100)
    async def item(self, ctx: interactions.SlashContext, item: str, qty: int = 1) -> None:
        await self.run(ctx, shop.buy_item, renders=False, item=item, qty=qty)

    @slash_command(name="token", description="Use an SSR Token: +1 dupe level on an SSR")
    @slash_option("unit", "The SSR", OptionType.INTEGER, required=True, autocomplete=True)
    async def token(self, ctx: interactions.SlashContext, unit: int) -> None:
        await self.run(ctx, shop.token, renders=False, unit=unit)

    @token.autocomplete("unit")
    async def token_unit(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, collection.unit_choices)

    @slash_command(name="redeem", description="Redeem a gift code")
    @slash_option("code", "The code", OptionType.STRING, required=True, max_length=32)
    async def redeem(self, ctx: interactions.SlashContext, code: str) -> None:
        await self.run(ctx, shop.redeem, renders=False, code=code)


def setup(bot, services) -> None:
    Shop(bot, services=services)
