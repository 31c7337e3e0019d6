"""/pull, /spark, /starter, /banner, /rates, /history."""

from __future__ import annotations

import interactions
from interactions import OptionType, slash_command, slash_option

from bot.exts._base import StardustExtension
from bot.handlers import gacha


class Gacha(StardustExtension):
    @slash_command(name="pull", description="Pull characters (1,000 gems each)")
    @slash_option("count", "How many pulls (1-10)", OptionType.INTEGER, min_value=1,
                  max_value=10)
    @slash_option("banner", "Default: the running banner. Or another banner, or the standard "
                  "pool", OptionType.INTEGER, min_value=0, autocomplete=True)
    async def pull(self, ctx: interactions.SlashContext, count: int = 1,
                   banner: int | None = None) -> None:
        await self.run(ctx, gacha.pull, renders=True, count=count, banner=banner)

    @pull.autocomplete("banner")
    async def pull_banner(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, gacha.pull_banner_choices)

    @slash_command(name="spark", description="Trade spark points for a rate-up unit")
    @slash_option("banner", "The banner", OptionType.INTEGER, required=True, autocomplete=True)
    @slash_option("character", "The rate-up unit", OptionType.INTEGER, required=True,
                  autocomplete=True)
    async def spark(self, ctx: interactions.SlashContext, banner: int, character: int) -> None:
        await self.run(ctx, gacha.spark, renders=True, banner=banner, character=character)

    @spark.autocomplete("banner")
    async def spark_banner(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, gacha.banner_choices)

    @spark.autocomplete("character")
    async def spark_character(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, gacha.rate_up_choices, ctx.kwargs.get("banner"))

    @slash_command(name="starter", description="Claim your starter pack: 10 free pulls, one SSR")
    async def starter(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, gacha.starter, renders=True)

    @slash_command(name="banner", description="The limited banners")
    async def banner(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, gacha.banners, renders=True)

    @slash_command(name="rates", description="The disclosed pull probabilities, pity included")
    @slash_option("banner", "A limited banner", OptionType.INTEGER, autocomplete=True)
    async def rates(self, ctx: interactions.SlashContext, banner: int | None = None) -> None:
        await self.run(ctx, gacha.rates, renders=False, banner=banner)

    @rates.autocomplete("banner")
    async def rates_banner(self, ctx: interactions.AutocompleteContext) -> None:
        await self.choices(ctx, gacha.banner_choices)

    @slash_command(name="history", description="Your pull history")
    @slash_option("before", "Show pulls older than this pull id", OptionType.INTEGER)
    async def history(self, ctx: interactions.SlashContext, before: int | None = None) -> None:
        await self.run(ctx, gacha.history, renders=False, before=before)


def setup(bot, services) -> None:
    Gacha(bot, services=services)
