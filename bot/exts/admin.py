"""/admin grant (only for ADMIN_IDS; the handler checks, the database ledgers)."""

from __future__ import annotations

import interactions
from interactions import OptionType, slash_command, slash_option

from bot.exts._base import StardustExtension
from bot.handlers import admin


class Admin(StardustExtension):
    @slash_command(name="admin", description="Admin tools", sub_cmd_name="grant",
                   sub_cmd_description="Give (or take) gems and coins",
                   default_member_permissions=interactions.Permissions.ADMINISTRATOR)
    @slash_option("user", "Who", OptionType.USER, required=True)
    @slash_option("gems", "Gems (negative takes away)", OptionType.INTEGER)
    @slash_option("coins", "Coins (negative takes away)", OptionType.INTEGER)
    @slash_option("reason", "Written to the ledger", OptionType.STRING, max_length=80)
    async def grant(self, ctx: interactions.SlashContext, user: interactions.User,
                    gems: int = 0, coins: int = 0, reason: str = "admin") -> None:
        await self.run(ctx, admin.grant, renders=False, user=int(user.id), gems=gems,
                       coins=coins, reason=reason)


def setup(bot, services) -> None:
    Admin(bot, services=services)
