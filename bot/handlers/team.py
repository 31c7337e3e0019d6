"""The 5-slot team."""

from __future__ import annotations

from bot import render
from bot.handlers import OK_COLOUR, RARITY_COLOUR, Context, Reply, whose


async def _team_reply(ctx: Context, rows, title: str) -> Reply:
    total = sum(r["power"] for r in rows)
    art = await ctx.art.fetch([r["image_url"] for r in rows])
    image = await ctx.render(render.team_card, rows, art, total_power=total)
    lines = [f"**{r['slot']}.** {r['name']} ({r['rarity']}) · {r['power']:,}" for r in rows]
    best = max((r["rarity"] for r in rows), key=("R", "SR", "SSR").index, default="R")
    return Reply(title=title, text="\n".join(lines) or "No unit in the team.",
                 fields=[("Team power", f"{total:,}", False)], colour=RARITY_COLOUR[best],
                 image=image, image_name="team.png")


async def _with_skills(ctx: Context, rows) -> list[dict]:
    """Rows returned by set_team / load_preset, with each unit's skills (team_details).

    Those rows are what the call set: on Discord's retry of the interaction, the team the
    first delivery set, which a later change may have replaced (its units then show no
    skills). Showing team_details instead would show the team as it is now."""
    skills = {r["inventory_id"]: r["skills"] for r in await ctx.db.team_details(ctx.user_id)}
    return [{**dict(r), "skills": skills.get(r["inventory_id"])} for r in rows]


async def team_view(ctx: Context, user: int | None = None, user_name: str | None = None
                    ) -> Reply:
    """user: another player to look at (user_name: how Discord shows them)."""
    user_id, name, refusal = await whose(ctx, user, user_name)
    if refusal is not None:
        return refusal
    rows = await ctx.db.team_details(user_id)
    if not rows and user_id != ctx.user_id:
        return Reply(title="Team", text=f"{name} has no team yet.", ephemeral=True)
    if not rows:
        return Reply(title="Team", text="Your team is empty: `/team set unit1:… unit2:…`",
                     ephemeral=True)
    return await _team_reply(ctx, rows, f"{name}'s team")


async def team_set(ctx: Context, unit1: int | None = None, unit2: int | None = None,
                   unit3: int | None = None, unit4: int | None = None,
                   unit5: int | None = None) -> Reply:
    rows = await ctx.db.set_team(ctx.user_id, [unit1, unit2, unit3, unit4, unit5],
                                 ctx.request_id)
    if not rows:
        return Reply(title="Team cleared", text="Your team is now empty.", colour=OK_COLOUR)
    return await _team_reply(ctx, await _with_skills(ctx, rows), "Team saved")


# --- presets ---------------------------------------------------------------------------------
async def preset_save(ctx: Context, name: str) -> Reply:
    row = await ctx.db.save_preset(ctx.user_id, name, ctx.request_id)
    units = sum(1 for x in row["inventory_ids"] if x is not None)
    return Reply(text=f"Preset **{row['name']}** saved ({units} units).", colour=OK_COLOUR,
                 ephemeral=True)


async def preset_load(ctx: Context, name: str) -> Reply:
    rows = await ctx.db.load_preset(ctx.user_id, name, ctx.request_id)
    return await _team_reply(ctx, await _with_skills(ctx, rows), f"Preset {name} loaded")


async def preset_list(ctx: Context) -> Reply:
    rows = await ctx.db.list_presets(ctx.user_id)
    if not rows:
        return Reply(text="No presets yet: `/preset save name:…` saves your team.",
                     ephemeral=True)
    lines = [f"**{r['name']}** — {', '.join(r['units'])} · {r['power']:,}"
             + (f" ⚠ {r['missing']} unit(s) gone" if r["missing"] else "") for r in rows]
    return Reply(title="Team presets", text="\n".join(lines), ephemeral=True)


async def preset_delete(ctx: Context, name: str) -> Reply:
    await ctx.db.delete_preset(ctx.user_id, name, ctx.request_id)
    return Reply(text=f"Preset **{name}** deleted.", colour=OK_COLOUR, ephemeral=True)
