"""The daily check-in, daily battle tasks, achievements, leaderboards."""

from __future__ import annotations

import json
import logging

from bot.handlers import (INFO_COLOUR, OK_COLOUR, RARITY_COLOUR, Context, Reply, item_name,
                          whose)

log = logging.getLogger("stardust.handlers")

# the slash commands' choices (the database holds what each task is and pays)
TASKS = ("easy", "normal", "hard", "expert", "nightmare", "hell", "pvp")
LEADERBOARDS = {"team_power": ("Team power", "power"), "collection": ("Collection", "units")}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def rewards_text(gems: int | None = 0, coins: int | None = 0, items: dict | None = None) -> str:
    """'+5,000 gems, +100 coins, 1× SSR Token' (what a reward object or a payout holds)."""
    parts = []
    if gems:
        parts.append(f"+{gems:,} gems")
    if coins:
        parts.append(f"+{coins:,} coins")
    parts += [f"{qty}× {item_name(item)}" for item, qty in (items or {}).items()]
    return ", ".join(parts) or "nothing"


# --- announcing what a command unlocked ---------------------------------------------------------
MAX_FIELDS = 25                                         # Discord's limit per embed


async def announce(ctx: Context, reply: Reply) -> Reply:
    """Add to a successful command's reply what it unlocked for the player: one field
    "🏆 Achievement unlocked" per achievement, name and reward (stardust.take_notifications
    returns each once). Both front ends call it after every successful command; a failure
    here never spoils the reply (the notifications stay queued for the next command)."""
    try:
        rows = await ctx.db.take_notifications(ctx.user_id)
    except Exception:
        log.exception("could not take the notifications of %s", ctx.user_id)
        return reply
    lines = []
    for r in rows:
        payload = r["payload"]
        if isinstance(payload, str):
            payload = json.loads(payload)
        if r["kind"] == "achievement":
            reward = payload.get("reward") or {}
            lines.append(f"**{payload.get('name')}** — " + rewards_text(
                reward.get("gems"), reward.get("coins"), reward.get("items")))
    if not lines:
        return reply
    if len(reply.fields) + len(lines) <= MAX_FIELDS:
        reply.fields += [("🏆 Achievement unlocked", line, False) for line in lines]
    else:
        reply.fields = reply.fields[:MAX_FIELDS - 1] + [
            ("🏆 Achievements unlocked", "\n".join(lines)[:1024], False)]
    return reply


# --- check-in --------------------------------------------------------------------------------
async def checkin(ctx: Context) -> Reply:
    row = await ctx.db.checkin(ctx.user_id, ctx.request_id)
    lines = [f"**+{row['gems']:,}** gems · check-in streak **{_plural(row['streak'], 'day')}**"]
    if row["achievements"]:
        lines.append("🏆 Achievement unlocked: "
                     + ", ".join(f"**{a}**" for a in row["achievements"]))
    nxt = int(row["next_reset"].timestamp())
    lines.append(f"Next check-in <t:{nxt}:R>.")
    return Reply(title=f"{ctx.display_name} checked in", text="\n".join(lines),
                 colour=OK_COLOUR)


# --- daily tasks -----------------------------------------------------------------------------
async def tasks_view(ctx: Context) -> Reply:
    rows = await ctx.db.daily_tasks(ctx.user_id)
    lines = []
    for r in rows:
        state = ("✅ claimed" if r["claimed"] else "🎁 **done — claim it**" if r["done"]
                 else "not done")
        lines.append(f"`{r['task']:<9}` {r['description']} · {r['gems']:,} gems — {state}")
    ready = sum(1 for r in rows if r["done"] and not r["claimed"])
    return Reply(title="Daily tasks", text="\n".join(lines) or "No tasks today.",
                 colour=OK_COLOUR if ready else INFO_COLOUR,
                 footer="/tasks claim claims every done task · tasks reset at 00:00 UTC")


async def tasks_claim(ctx: Context, task: str | None = None) -> Reply:
    if task:
        rows = await ctx.db.claim_task(ctx.user_id, task, ctx.request_id)
    else:
        rows = await ctx.db.claim_all_tasks(ctx.user_id, ctx.request_id)
    if not rows:
        return Reply(title="Nothing to claim",
                     text="No done task is waiting. Win NPC battles (`/battle npc`) or fight "
                          "a PvP battle (`/battle pvp`), then claim. `/tasks view` shows them.",
                     ephemeral=True)
    total = sum(r["gems"] for r in rows)
    lines = [f"✅ `{r['task']}` +{r['gems']:,} gems" for r in rows]
    return Reply(title=f"{ctx.display_name} claimed {_plural(len(rows), 'task')}",
                 text="\n".join(lines), fields=[("Total", f"+{total:,} gems", True)],
                 colour=OK_COLOUR)


# --- achievements ----------------------------------------------------------------------------
def _progress_bar(progress: int, threshold: int, width: int = 10) -> str:
    filled = 0 if threshold <= 0 else min(width, width * progress // threshold)
    return "▰" * filled + "▱" * (width - filled)


async def achievements(ctx: Context, user: int | None = None, user_name: str | None = None
                       ) -> Reply:
    """user: another player to look at (user_name: how Discord shows them)."""
    user_id, name, refusal = await whose(ctx, user, user_name)
    if refusal is not None:
        return refusal
    rows = await ctx.db.achievements(user_id)
    unlocked = [r for r in rows if r["unlocked_at"] is not None]
    lines = []
    for r in rows:
        reward = rewards_text(**{k: v for k, v in (r["reward"] or {}).items()
                                 if k in ("gems", "coins", "items")})
        if r["unlocked_at"] is not None:
            when = int(r["unlocked_at"].timestamp())
            lines.append(f"🏆 **{r['name']}** — {r['description']} *({reward}, <t:{when}:d>)*")
        else:
            lines.append(f"▫️ **{r['name']}** — {r['description']}\n"
                         f"  {_progress_bar(r['progress'], r['threshold'])} "
                         f"{r['progress']:,} / {r['threshold']:,} · {reward}")
    return Reply(title=f"{name}'s achievements ({len(unlocked)}/{len(rows)})",
                 text="\n".join(lines)[:4000] or "No achievements are defined.",
                 colour=RARITY_COLOUR["SSR"] if unlocked else INFO_COLOUR,
                 footer="rewards are paid the moment an achievement unlocks")


# --- leaderboards ----------------------------------------------------------------------------
async def leaderboard(ctx: Context, kind: str = "team_power") -> Reply:
    rows = await ctx.db.leaderboard(kind, 10)
    title, unit = LEADERBOARDS.get(kind, (kind, ""))
    lines = []
    for r in rows:
        you = " ← you" if r["user_id"] == ctx.user_id else ""
        lines.append(f"**{r['rank']}.** <@{r['user_id']}> — {r['value']:,} {unit}{you}")
    return Reply(title=f"Leaderboard · {title}", text="\n".join(lines) or "Nobody yet.",
                 colour=INFO_COLOUR)
