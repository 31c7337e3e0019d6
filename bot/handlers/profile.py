"""The player's profile card."""

from __future__ import annotations

from bot import render
from bot.db import GameError
from bot.handlers import INFO_COLOUR, Context, Reply, whose


def _streak(row) -> str:
    days = row["checkin_streak"]
    text = f"{days} day{'' if days == 1 else 's'}"
    if row["last_checkin"] is not None:
        text += f" · last {row['last_checkin']:%Y-%m-%d}"
    return text


async def profile(ctx: Context, user: int | None = None, user_name: str | None = None) -> Reply:
    """user: another player to look at (user_name: how Discord shows them)."""
    user_id, name, refusal = await whose(ctx, user, user_name)
    if refusal is not None:
        return refusal
    row = dict(await ctx.db.profile(user_id))
    row["display_name"] = name
    # the strongest unit takes the favourite's frame (players do not pick a favourite)
    best = await ctx.db.inventory(user_id, "power", None, 1, 0)
    row["favourite"] = dict(best[0]) if best else None
    art = await ctx.art.fetch([best[0]["image_url"]]) if best else {}
    try:
        pity_hard = (await ctx.db.fairness(user_id))["pity_hard"]
    except GameError:                 # no active seed yet: the counter alone
        pity_hard = None
    row["pity_hard"] = pity_hard
    image = await ctx.render(render.profile_card, row, art)
    col = row["collection"] or {}
    return Reply(
        title=f"{name}'s profile",
        fields=[("Gems", f"{row['gems']:,}", True), ("Coins", f"{row['coins']:,}", True),
                ("Team power", f"{row['team_power']:,}", True),
                ("Collection", f"{row['units']} units · {col.get('SSR', 0)} SSR · "
                               f"{col.get('SR', 0)} SR · {col.get('R', 0)} R", False),
                ("Pity", f"{row['pity_counter']}" + (f"/{pity_hard}" if pity_hard else ""),
                 True),
                ("Spark points", str(row["banner_points"]), True),
                ("Bounty keys", str(row["bounty_keys"]), True),
                ("Team level", f"Lv {row['team_level']} · {row['team_xp']:,} / "
                               f"{row['next_level_xp']:,} XP", True),
                ("Check-in streak", _streak(row), True),
                ("Achievements", f"{row['achievements']}/{row['achievements_total']}", True),
                ("Pulls made", f"{row['pulls_made']:,}", True)],
        colour=INFO_COLOUR, image=image, image_name="profile.png")
