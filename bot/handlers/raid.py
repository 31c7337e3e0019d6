"""Server raids: a shared boss, daily tickets, rewards by damage paid once at the end."""

from __future__ import annotations

import logging

from bot import clock, render
from bot.db import AlreadyDone, NoKey
from bot.handlers import (ERROR_COLOUR, INFO_COLOUR, OK_COLOUR, RARITY_COLOUR, Context, Reply,
                          error_reply)

RAID_COLOUR = RARITY_COLOUR["UR"]
log = logging.getLogger("stardust.handlers")


def _need_guild(ctx: Context) -> Reply | None:
    if ctx.guild_id is None:
        return Reply(text="Raids belong to a server: use this command in one.",
                     ephemeral=True, colour=ERROR_COLOUR)
    return None


def _hp_bar(hp: int, boss_hp: int, width: int = 16) -> str:
    filled = 0 if boss_hp <= 0 else -(-width * max(0, hp) // boss_hp)     # any HP shows
    return "█" * filled + "░" * (width - filled)


def _who(user_id: int | None) -> str:
    """A player's mention; an erased player's attacks stay, without their id."""
    return "an erased player" if user_id is None else f"<@{user_id}>"


def _payout_lines(rows) -> list[str]:
    """end_raid's rows, or raid_leaderboard's once paid: who got what."""
    lines = []
    for r in rows[:10]:
        kill = " 💥" if r["killing_blow"] else ""
        paid = (f"+{r['gems']:,} gems, +{r['coins']:,} coins" if r["gems"] is not None
                else "not paid yet")
        lines.append(f"{_who(r['user_id'])} {r['damage']:,} damage{kill} → {paid}")
    if len(rows) > 10:
        lines.append(f"… and {len(rows) - 10} more (`/raid leaderboard`)")
    return lines


async def _end(ctx: Context, raid_id: int) -> list:
    """End a raid that is due and return the payouts. If another player's command ended it
    first (SDDON), the rewards are already paid: show them from the leaderboard."""
    try:
        return await ctx.db.end_raid(raid_id)
    except AlreadyDone:
        return await ctx.db.raid_leaderboard(ctx.guild_id, 100)


async def raid_status(ctx: Context) -> Reply:
    if refusal := _need_guild(ctx):
        return refusal
    row = await ctx.db.raid_status(ctx.guild_id, ctx.user_id)
    if row is None:
        return Reply(title="No raid yet",
                     text="This server has not had a raid yet. The bot's admins start raids; "
                          "ask one of them.", ephemeral=True)
    payouts = None
    if row["end_due"]:                         # the boss is down or time is up: pay it now
        payouts = await _end(ctx, row["raid_id"])
        row = await ctx.db.raid_status(ctx.guild_id, ctx.user_id)
    image = await ctx.render(render.raid_card, row, now=clock.now())
    hp, boss_hp = row["hp"], row["boss_hp"]
    lines = [f"`{_hp_bar(hp, boss_hp)}` **{hp:,}** / {boss_hp:,} HP"]
    if row["ended_at"] is not None:
        ended = int(row["ended_at"].timestamp())
        how = "the boss was defeated" if hp == 0 else "the boss escaped"
        lines.append(f"The raid ended <t:{ended}:R>: {how}.")
        if row["killed_by"] is not None:
            lines.append(f"Killing blow: <@{row['killed_by']}> 💥")
    else:
        lines.append(f"Ends <t:{int(row['ends_at'].timestamp())}:R>.")
    fields = [("Attackers", f"{row['attackers']:,}", True),
              ("Your damage", f"{row['your_damage']:,}", True),
              ("Your tickets", f"{row['tickets_left']} left today", True)]
    if payouts:
        fields.append(("Rewards paid", "\n".join(_payout_lines(payouts)), False))
    return Reply(title=f"Raid · {row['name']}", text="\n".join(lines), fields=fields,
                 image=image, image_name="raid.png",
                 colour=RAID_COLOUR if row["ended_at"] is None else INFO_COLOUR,
                 footer="/raid attack (a ticket each) · /raid leaderboard · rewards are "
                        "shared by damage when the raid ends" if row["ended_at"] is None
                 else "/raid leaderboard shows who got what")


async def raid_attack(ctx: Context) -> Reply:
    if refusal := _need_guild(ctx):
        return refusal
    try:
        row = await ctx.db.raid_attack(ctx.user_id, ctx.guild_id, ctx.request_id)
    except NoKey as exc:                       # SDKEY here means raid tickets, not bounty keys
        reply = error_reply(exc)
        reply.title = "No raid tickets left"
        return reply
    hp, boss_hp = row["hp"], row["boss_hp"]
    lines = [f"**{row['damage']:,}** damage!",
             f"`{_hp_bar(hp, boss_hp)}` {hp:,} / {boss_hp:,} HP left"]
    if row["killing_blow"]:
        lines.insert(0, "💥 **Killing blow!** The boss is down.")
    fields = [("Tickets left", f"{row['tickets_left']} today", True)]
    if row["raid_over"]:                       # this attack ended the fight: pay everyone
        try:
            payouts = await _end(ctx, row["raid_id"])
        except Exception:
            # the attack stands whatever happens here, and the next /raid status ends the
            # raid: say so rather than answer a successful attack with an apology
            log.exception("end_raid(%s) after a killing blow failed", row["raid_id"])
            fields.append(("Rewards", "Being counted: `/raid status` shows them.", False))
        else:
            fields.append(("Rewards paid", "\n".join(_payout_lines(payouts)) or "—", False))
    return Reply(title=f"{ctx.display_name} attacks the raid boss", text="\n".join(lines),
                 fields=fields, colour=OK_COLOUR if row["killing_blow"] else RAID_COLOUR,
                 footer=f"battle #{row['battle_id']} · /battle log battle:{row['battle_id']}")


async def raid_leaderboard(ctx: Context) -> Reply:
    if refusal := _need_guild(ctx):
        return refusal
    rows = await ctx.db.raid_leaderboard(ctx.guild_id, 10)
    if not rows:
        return Reply(title="Raid leaderboard", text="Nobody has attacked this server's raid "
                     "yet: `/raid attack`.", ephemeral=True)
    lines = []
    for r in rows:
        kill = " 💥" if r["killing_blow"] else ""
        paid = (f" → +{r['gems']:,} gems, +{r['coins']:,} coins" if r["gems"] is not None
                else "")
        lines.append(f"**{r['rank']}.** {_who(r['user_id'])} — {r['damage']:,} damage "
                     f"({float(r['share']):g} %) in {r['attacks']} attack"
                     f"{'' if r['attacks'] == 1 else 's'}{kill}{paid}")
    return Reply(title="Raid leaderboard", text="\n".join(lines), colour=RAID_COLOUR,
                 footer="rewards are shared by damage when the raid ends")
