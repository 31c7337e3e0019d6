"""Admin commands (the bot checks ADMIN_IDS before calling them)."""

from __future__ import annotations

from bot.db import NotEnough
from bot.handlers import ERROR_COLOUR, OK_COLOUR, Context, Reply


async def grant(ctx: Context, user: int, gems: int = 0, coins: int = 0,
                reason: str = "admin") -> Reply:
    if not ctx.is_admin:
        return Reply(text="Only the bot's admins can grant currency.", ephemeral=True,
                     colour=ERROR_COLOUR)
    try:
        row = await ctx.db.grant(user, gems, coins, f"{reason} (by {ctx.user_id})",
                                 ctx.request_id, admin_id=ctx.user_id)
    except NotEnough as exc:
        # the player's hint ("claim your daily…") is not for the admin taking currency away
        short = exc.detail_value("missing_gems")
        what = "gems" if short is not None else "coins"
        short = short if short is not None else exc.detail_value("missing_coins") or 0
        return Reply(title="Nothing was granted",
                     text=f"<@{user}> is {short:,} {what} short of that: a grant cannot take "
                          f"a balance below zero.", colour=ERROR_COLOUR, ephemeral=True)
    return Reply(title="Granted", text=f"<@{user}> now holds {row['gems']:,} gems and "
                 f"{row['coins']:,} coins.", colour=OK_COLOUR, ephemeral=True)
