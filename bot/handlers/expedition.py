"""Expeditions: units away from the team earning gems and team XP."""

from __future__ import annotations

from bot import clock
from bot.handlers import INFO_COLOUR, OK_COLOUR, RARITY_COLOUR, Context, Reply, hours_text


def _rate(value) -> str:
    return f"{float(value):,.1f}"


async def expedition_start(ctx: Context, unit1: int, unit2: int | None = None,
                           unit3: int | None = None, unit4: int | None = None,
                           unit5: int | None = None) -> Reply:
    # the options left empty are not sent; the database checks the rest
    ids = [u for u in (unit1, unit2, unit3, unit4, unit5) if u is not None]
    rows = await ctx.db.expedition_start(ctx.user_id, ids, ctx.request_id)
    lines = [f"**{r['slot']}.** {r['name']} ({r['rarity']}) · {r['power']:,} power"
             for r in rows]
    rate = rows[0]["gems_per_hour"] if rows else 0
    best = max((r["rarity"] for r in rows), key=("R", "SR", "SSR").index, default="R")
    return Reply(title=f"{ctx.display_name}'s expedition sets out", text="\n".join(lines),
                 fields=[("Earning", f"{_rate(rate)} gems per hour", True),
                         ("Power", f"{sum(r['power'] for r in rows):,}", True)],
                 colour=RARITY_COLOUR[best],
                 footer="/expedition status · /expedition claim · units away cannot be "
                        "scrapped or put in the team")


async def expedition_status(ctx: Context) -> Reply:
    row = await ctx.db.expedition_status(ctx.user_id)
    if row is None:
        return Reply(title="No expedition out",
                     text="Send up to five units that are not in your team: "
                          "`/expedition start unit1:… unit2:…`", ephemeral=True)
    started = int(row["started_at"].timestamp())
    claimable = ("now" if row["next_claim_at"] <= clock.now()
                 else f"<t:{int(row['next_claim_at'].timestamp())}:R>")
    return Reply(
        title=f"{ctx.display_name}'s expedition",
        text=f"{', '.join(row['units'])}\nout since <t:{started}:R>",
        fields=[("Power", f"{row['power']:,}", True),
                ("Rate", f"{_rate(row['gems_per_hour'])} gems/h"
                         + (f" × {float(row['multiplier']):g} (skills)"
                            if row["multiplier"] != 1 else ""), True),
                ("Accrued", f"**{row['accrued_gems']:,}** gems · {row['accrued_xp']:,} team "
                            f"XP ({hours_text(row['hours'])})", False),
                ("Claimable", claimable, True)],
        colour=INFO_COLOUR, footer="/expedition claim collects · /expedition stop brings "
                                   "them home")


def _collected(ctx: Context, row, title: str) -> Reply:
    lines = [f"**+{row['gems']:,}** gems and **{row['xp']:,}** team XP for "
             f"{hours_text(row['hours'])} away."]
    if row["level_ups"]:
        lines.append(f"⬆️ Team level up! Your team is now **level {row['team_level']}**.")
    if row["stopped"]:
        lines.append("Your units are home.")
    return Reply(title=title, text="\n".join(lines), colour=OK_COLOUR)


async def expedition_claim(ctx: Context) -> Reply:
    row = await ctx.db.expedition_claim(ctx.user_id, ctx.request_id)
    return _collected(ctx, row, f"{ctx.display_name} collects the expedition")


async def expedition_stop(ctx: Context) -> Reply:
    row = await ctx.db.expedition_stop(ctx.user_id, ctx.request_id)
    return _collected(ctx, row, f"{ctx.display_name}'s expedition returns")
