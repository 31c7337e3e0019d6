"""Battles: NPC difficulties, PvP, the bounty board, battle logs."""

from __future__ import annotations

from bot import render
from bot.handlers import (ERROR_COLOUR, INFO_COLOUR, OK_COLOUR, RARITY_COLOUR, Context, Reply,
                          item_name)

DIFFICULTIES = ("easy", "normal", "hard", "expert", "nightmare", "hell")
OUTCOME_COLOUR = {"WIN": OK_COLOUR, "LOSS": ERROR_COLOUR, "DRAW": INFO_COLOUR}


def _fired(details: dict) -> list[str]:
    """The skills that did something, for the image and the text."""
    out = []
    for e in (details or {}).get("events", []):
        effect = e.get("effect", "")
        if effect in ("no effect", "no partner in the team", "does not stack"):
            continue
        out.append(f"{e.get('skill')}: {effect}" + (f" ({e['unit']})" if e.get("unit") else ""))
    return out


async def _battle_reply(ctx: Context, row, title: str, *, gems=0, coins=0, items=None,
                        keys_left=None, enemy_name=None) -> Reply:
    details = row["details"] or {}
    ours = [u for u in details.get("units", []) if u.get("side") == "A"]
    fired = _fired(details)
    image = await ctx.render(render.battle_result, {
        "outcome": row["outcome"], "team_power": row["team_power"],
        "enemy_power": row["enemy_power"], "gems": gems, "coins": coins,
        "items": {item_name(k): v for k, v in (items or {}).items()}, "keys_left": keys_left,
        "enemy_name": enemy_name,
        "units": [{"name": u.get("name"), "rarity": u.get("rarity"), "power": u.get("final")}
                  for u in ours],
        "skills": fired})
    lines = [f"**{row['outcome']}** — your {row['team_power']:,} against {row['enemy_power']:,}"]
    lines += [f"• {f}" for f in fired[:8]]
    return Reply(title=title, text="\n".join(lines), colour=OUTCOME_COLOUR.get(row["outcome"],
                                                                           INFO_COLOUR),
                 image=image, image_name="battle.png",
                 footer=f"battle #{row['battle_id']} · /battle log battle:{row['battle_id']}")


async def npc(ctx: Context, difficulty: str) -> Reply:
    row = await ctx.db.battle_npc(ctx.user_id, difficulty, ctx.request_id)
    return await _battle_reply(ctx, row, f"{ctx.display_name} vs the {difficulty} NPC team")


async def pvp(ctx: Context, opponent: int, opponent_name: str | None = None) -> Reply:
    """opponent_name: how Discord shows the opponent (the console has only the id)."""
    row = await ctx.db.battle_pvp(ctx.user_id, opponent, ctx.request_id)
    return await _battle_reply(ctx, row, f"{ctx.display_name} vs <@{opponent}>",
                               enemy_name=opponent_name or f"Player {opponent}")


async def log(ctx: Context, battle: int) -> Reply:
    rows = await ctx.db.battle_log(battle)
    lines = []
    for r in rows:
        if r["kind"] == "unit":
            lines.append(f"`{r['side']}{r['slot']}` **{r['name']}** {r['base_power']:,.0f} × "
                         f"{r['multiplier']:.4g} + {r['flat']:,.0f} → × {r['variance']:.4f} = "
                         f"**{r['final_power']:,.0f}**" + (f" ({r['detail']})" if r["detail"] else ""))
        elif r["kind"] == "event":
            lines.append(f"· {r['skill']}: {r['detail']}")
        else:
            lines.append(f"**{r['detail']}**")
    return Reply(title=f"Battle #{battle}", text="\n".join(lines)[:4000], colour=INFO_COLOUR)


def _need_guild(ctx: Context) -> Reply | None:
    if ctx.guild_id is None:
        return Reply(text="Bounty boards belong to a server: use this command in one.",
                     ephemeral=True, colour=ERROR_COLOUR)
    return None


async def bounty_board(ctx: Context) -> Reply:
    if refusal := _need_guild(ctx):
        return refusal
    rows = await ctx.db.bounty_board(ctx.guild_id, ctx.user_id)
    image = await ctx.render(render.bounty_board, rows, guild_name=ctx.guild_name,
                             expires_at=rows[0]["expires_at"] if rows else None)
    lines = [f"**{r['slot']}.** {r['tier']} bounty — {r['enemy_power']:,} power"
             + (" ✅ cleared" if r["cleared"] else "") for r in rows]
    expires = int(rows[0]["expires_at"].timestamp()) if rows else None
    return Reply(title="Bounty board", text="\n".join(lines), image=image,
                 image_name="bounty.png", colour=RARITY_COLOUR["SSR"],
                 footer="/bounty fight slot:<1-3> · a fight costs a key"
                 + (f" · new board <t:{expires}:R>" if expires else ""))


async def bounty_fight(ctx: Context, slot: int) -> Reply:
    if refusal := _need_guild(ctx):
        return refusal
    row = await ctx.db.bounty_claim(ctx.user_id, ctx.guild_id, slot, ctx.request_id)
    reply = await _battle_reply(ctx, row, f"{ctx.display_name} fights bounty #{slot}",
                                gems=row["gems"], coins=row["coins"], items=row["items"],
                                keys_left=row["keys_left"])
    rewards = [f"{qty}× {item_name(item)}" for item, qty in (row["items"] or {}).items()]
    if row["gems"]:
        rewards.append(f"{row['gems']:,} gems, {row['coins']:,} coins")
    reply.fields.append(("Rewards", ", ".join(rewards) or "—", True))
    reply.fields.append(("Keys left", str(row["keys_left"]), True))
    return reply
