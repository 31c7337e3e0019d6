"""The 5-slot team."""

from __future__ import annotations

from bot import render
from bot.handlers import OK_COLOUR, RARITY_COLOUR, Context, Reply


async def _team_reply(ctx: Context, rows, title: str) -> Reply:
    total = sum(r["power"] for r in rows)
    art = await ctx.art.fetch([r["image_url"] for r in rows])
    image = await ctx.render(render.team_card, rows, art, total_power=total)
    lines = [f"**{r['slot']}.** {r['name']} ({r['rarity']}) · {r['power']:,}" for r in rows]
    best = max((r["rarity"] for r in rows), key=("R", "SR", "SSR").index, default="R")
    return Reply(title=title, text="\n".join(lines) or "No unit in the team.",
                 fields=[("Team power", f"{total:,}", False)], colour=RARITY_COLOUR[best],
                 image=image, image_name="team.png")


async def team_view(ctx: Context) -> Reply:
    rows = await ctx.db.team_details(ctx.user_id)
    if not rows:
        return Reply(title="Team", text="Your team is empty: `/team set unit1:… unit2:…`",
                     ephemeral=True)
    return await _team_reply(ctx, rows, f"{ctx.display_name}'s team")


async def team_set(ctx: Context, unit1: int | None = None, unit2: int | None = None,
                   unit3: int | None = None, unit4: int | None = None,
                   unit5: int | None = None) -> Reply:
    await ctx.db.set_team(ctx.user_id, [unit1, unit2, unit3, unit4, unit5])
    rows = await ctx.db.team_details(ctx.user_id)
    if not rows:
        return Reply(title="Team cleared", text="Your team is now empty.", colour=OK_COLOUR)
    return await _team_reply(ctx, rows, "Team saved")
