"""Progression and economy commands through the fake Discord: check-in, daily tasks,
expeditions, the shops, SSR tokens, gift codes, achievements, leaderboards and raids."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import asyncpg
import pytest

from tests.discord.fake_discord import (answer, autocomplete, deliver, image_of, interaction,
                                        is_callback, is_edit, slash)
from tests.helpers import assert_ledger_balanced


pytestmark = pytest.mark.usefixtures("steady_bot_clocks")   # day and hour rules: a steady clock


REPO = Path(__file__).resolve().parents[2]


# --- helpers ---------------------------------------------------------------------------------
def private(data: dict) -> bool:
    return bool(data.get("flags", 0) & 64)


def embed(data: dict) -> dict:
    return data["embeds"][0]


def fields(data: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed(data).get("fields", [])}


def in_guild(payload: dict, guild_id: int) -> dict:
    """The same interaction, from another server (each raid test has a server of its own)."""
    payload["guild_id"] = str(guild_id)
    payload["channel"]["guild_id"] = str(guild_id)
    payload["authorizing_integration_owners"] = {"0": str(guild_id)}
    return payload


def in_dm(payload: dict) -> dict:
    """The same interaction, from a direct message: no guild, a user instead of a member."""
    member = payload.pop("member")
    payload.pop("guild_id")
    payload.pop("channel")
    payload["user"] = member["user"]
    payload["context"] = 1
    payload["authorizing_integration_owners"] = {"1": member["user"]["id"]}
    return payload


def sub_autocomplete(fake, name: str, sub: str, user_id: int, focused: str, value, **others):
    """An autocomplete request for an option of a subcommand (/expedition start unit2:…)."""
    opts = [{"name": k, "type": 4, "value": v} for k, v in others.items()]
    opts.append({"name": focused, "type": 4, "value": value, "focused": True})
    return interaction(fake, kind=4, user_id=user_id, data={
        "id": fake.command_id(name), "name": name, "type": 1,
        "options": [{"name": sub, "type": 1, "options": opts}]})


async def units(bot, user: int, rarity: str, n: int, dupe: int = 0, skip: int = 0) -> list[int]:
    """Give a user n units of a rarity (owner SQL, as an admin would)."""
    await bot.admin.execute("select stardust.get_user($1)", user)
    return [r[0] for r in await bot.admin.fetch(
        "insert into stardust.inventory (user_id, anilist_id, dupe_level)"
        " select $1, anilist_id, $3 from stardust.characters where rarity = $2"
        " order by anilist_id offset $5 limit $4 returning id", user, rarity, dupe, n, skip)]


async def team(bot, user: int) -> list[int]:
    """Five SSR at dupe 10 in the team: wins easy NPC battles, hits raid bosses hard."""
    ids = await units(bot, user, "SSR", 5, dupe=10)
    await bot.admin.execute("select stardust.set_team($1, $2::bigint[])", user, ids)
    return ids


async def ledger(bot, user: int, reason: str) -> list[asyncpg.Record]:
    return await bot.admin.fetch("select * from stardust.ledger where user_id = $1"
                                 " and reason = $2 order by id", user, reason)


# --- registration and privileges -------------------------------------------------------------
async def test_the_new_commands_are_registered_with_their_subcommands(bot):
    registered = {c["name"]: c for cmds in bot.fake.commands.values() for c in cmds}
    subs = {name: {o["name"] for o in cmd.get("options", []) if o["type"] == 1}
            for name, cmd in registered.items()}
    assert {"checkin", "achievements", "leaderboard", "token", "redeem"} <= set(registered)
    assert subs["tasks"] == {"view", "claim"}
    assert subs["expedition"] == {"start", "status", "claim", "stop"}
    assert subs["shop"] == {"daily", "buy", "items", "item"}
    assert subs["raid"] == {"status", "attack", "leaderboard"}


async def test_the_bot_role_may_call_every_function_the_bot_calls(bot):
    """In production the bot logs in as a member of stardust_bot: every function db.py
    calls must be granted to it; the admin-only ones it must not call are not."""
    called = set(re.findall(r"stardust\.(\w+)\(", (REPO / "bot/db.py").read_text()))
    assert {"checkin", "raid_attack", "end_raid", "shop_buy", "redeem_code"} <= called
    assert not called & {"create_gift_code", "start_raid"}
    rows = await bot.admin.fetch(
        "select p.proname, has_function_privilege('stardust_bot', p.oid, 'execute') as ok"
        " from pg_proc p where p.pronamespace = 'stardust'::regnamespace"
        " and p.proname = any($1::text[])", sorted(called | {"create_gift_code", "start_raid"}))
    allowed = {r["proname"]: r["ok"] for r in rows}
    assert {n for n in called if not allowed.get(n)} == set()
    assert not allowed["create_gift_code"] and not allowed["start_raid"]


# --- check-in --------------------------------------------------------------------------------
async def test_checkin_once_a_day_and_the_streak(bot):
    call, data = await answer(bot, slash(bot.fake, "checkin", 401))
    assert embed(data)["title"] == "player checked in"
    assert "**+1,500** gems" in embed(data)["description"]
    assert "**1 day**" in embed(data)["description"]
    assert "Next check-in <t:" in embed(data)["description"]
    call, data = await answer(bot, slash(bot.fake, "checkin", 401))
    assert private(data) and embed(data)["title"] == "Already done"
    assert "Already checked in today" in embed(data)["description"]
    # yesterday was day 6 of a streak: today makes 7 and unlocks "Regular"
    await bot.admin.execute("update stardust.users set checkin_streak = 6,"
                            " last_checkin = (stardust._now() at time zone 'UTC')::date - 1"
                            " where user_id = 401")
    call, data = await answer(bot, slash(bot.fake, "checkin", 401))
    assert "**7 days**" in embed(data)["description"]
    assert "Achievement unlocked: **Regular**" in embed(data)["description"]
    assert [r["gems_delta"] for r in await ledger(bot, 401, "checkin")] == [1500, 1500]
    call, data = await answer(bot, slash(bot.fake, "profile", 401))
    assert fields(data)["Check-in streak"].startswith("7 days · last ")


# --- daily tasks -----------------------------------------------------------------------------
async def test_tasks_view_claim_one_and_claim_all(bot):
    await team(bot, 402)
    call, data = await answer(bot, slash(bot.fake, "tasks", 402, "view"))
    lines = embed(data)["description"].splitlines()
    assert len(lines) == 7 and all(line.endswith("not done") for line in lines)
    call, data = await answer(bot, slash(bot.fake, "tasks", 402, "claim"))
    assert private(data) and embed(data)["title"] == "Nothing to claim"

    outcome = await bot.admin.fetchval("select outcome from stardust.battle_npc(402, 'easy')")
    assert outcome == "WIN"                                     # 5 SSR at +10 vs 5 R
    call, data = await answer(bot, slash(bot.fake, "tasks", 402, "view"))
    assert "easy" in embed(data)["description"].splitlines()[0]
    assert "done — claim it" in embed(data)["description"].splitlines()[0]
    call, data = await answer(bot, slash(bot.fake, "tasks", 402, "claim", task="easy"))
    assert embed(data)["title"] == "player claimed 1 task"
    assert fields(data)["Total"] == "+500 gems"
    call, data = await answer(bot, slash(bot.fake, "tasks", 402, "claim", task="easy"))
    assert private(data) and embed(data)["title"] == "Already done"
    call, data = await answer(bot, slash(bot.fake, "tasks", 402, "claim", task="hell"))
    assert private(data) and "is not done yet" in embed(data)["description"]

    await team(bot, 403)
    await bot.admin.execute("select * from stardust.battle_pvp(402, 403)")
    call, data = await answer(bot, slash(bot.fake, "tasks", 402, "claim"))
    assert "`pvp` +500 gems" in embed(data)["description"]
    assert "easy" not in embed(data)["description"]             # claimed once only
    call, data = await answer(bot, slash(bot.fake, "tasks", 402, "view"))
    claimed = [line for line in embed(data)["description"].splitlines() if "claimed" in line]
    assert len(claimed) == 2
    assert sum(r["gems_delta"] for r in await ledger(bot, 402, "daily_task")) == 1000


# --- expeditions -----------------------------------------------------------------------------
async def test_expedition_start_status_claim_stop(bot):
    squad = await team(bot, 404)
    away = await units(bot, 404, "SR", 3)
    p = await deliver(bot.fake, sub_autocomplete(bot.fake, "expedition", "start", 404, "unit2",
                                                 "", unit1=away[0]))
    choices = (await bot.fake.wait_for(is_callback(p, 8))).payload["data"]["choices"]
    assert set(away) <= {c["value"] for c in choices}

    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "status"))
    assert private(data) and embed(data)["title"] == "No expedition out"
    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "start",
                                         unit1=away[0], unit2=squad[0]))
    assert private(data) and embed(data)["title"] == "That unit is protected"
    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "start", unit1=away[0],
                                         unit2=away[1], unit3=away[2]))
    assert embed(data)["title"] == "player's expedition sets out"
    assert embed(data)["description"].count("\n") == 2
    assert fields(data)["Earning"].endswith("gems per hour")
    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "start", unit1=away[0]))
    assert private(data) and embed(data)["title"] == "Already done"
    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "claim"))
    assert private(data) and embed(data)["title"] == "Too soon to claim"    # a minute between claims
    assert "only just set out" in embed(data)["description"] and "Already" not in str(data)

    await bot.admin.execute("update stardust.expeditions set started_at = started_at"
                            " - interval '2 hours', last_claim_at = last_claim_at"
                            " - interval '2 hours' where user_id = 404")
    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "status"))
    assert "120 team XP" in fields(data)["Accrued"]
    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "claim"))
    paid = await ledger(bot, 404, "expedition")
    assert len(paid) == 1 and paid[0]["gems_delta"] > 0
    text = embed(data)["description"]
    assert f"**+{paid[0]['gems_delta']:,}** gems and **120** team XP" in text
    assert "Team level up! Your team is now **level 2**" in text          # 100 XP: level 2
    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "stop"))
    assert "Your units are home." in embed(data)["description"]
    assert await bot.admin.fetchval("select count(*) from stardust.inventory where user_id = 404"
                                    " and expedition_slot is not null") == 0
    call, data = await answer(bot, slash(bot.fake, "expedition", 404, "claim"))
    assert private(data) and "no expedition" in embed(data)["description"]
    call, data = await answer(bot, slash(bot.fake, "profile", 404))
    assert fields(data)["Team level"] == "Lv 2 · 120 / 500 XP"


# --- shops and tokens ------------------------------------------------------------------------
async def test_daily_shop_buy_twice_and_not_enough_gems(bot):
    call, data = await answer(bot, slash(bot.fake, "shop", 405, "daily"))
    assert embed(data)["title"] == "Daily shop"
    assert image_of(call).size == (872, 644)
    lines = embed(data)["description"].splitlines()
    assert len(lines) == 10 and "R **" in lines[5] and "1,000 gems" in lines[5]
    call, data = await answer(bot, slash(bot.fake, "shop", 405, "buy", slot=6))
    name = await bot.admin.fetchval(
        "select c.name from stardust.shop_listings l join stardust.characters c using"
        " (anilist_id) where l.day = (stardust._now() at time zone 'UTC')::date and l.slot = 6")
    assert embed(data)["title"] == f"player bought {name}"
    assert image_of(call).size[0] > 200
    call, data = await answer(bot, slash(bot.fake, "shop", 405, "buy", slot=6))
    assert private(data) and embed(data)["title"] == "Already done"
    call, data = await answer(bot, slash(bot.fake, "shop", 405, "buy", slot=1))
    assert private(data) and "more gems" in embed(data)["description"]     # an SSR: 100,000
    assert [r["gems_delta"] for r in await ledger(bot, 405, "shop")] == [-1000]
    call, data = await answer(bot, slash(bot.fake, "shop", 405, "daily"))
    assert "✅ bought" in embed(data)["description"].splitlines()[5]


async def test_item_shop_buy_and_use_tokens(bot):
    call, data = await answer(bot, slash(bot.fake, "shop", 406, "items"))
    assert "**SSR Token** (`ssr_token`) — **2,000** coins" in embed(data)["description"]
    call, data = await answer(bot, slash(bot.fake, "shop", 406, "item", item="ssr_token"))
    assert private(data) and "You need **2,000** more coins." in embed(data)["description"]
    await bot.admin.execute("select stardust.grant(406, 0, 4000)")
    call, data = await answer(bot, slash(bot.fake, "shop", 406, "item", item="ssr_token",
                                         qty=2))
    assert "**2× ssr_token** for 4,000 coins. You hold 2; 0 coins left." in \
        embed(data)["description"]

    (ssr,) = await units(bot, 406, "SSR", 1, dupe=9)
    (r_unit,) = await units(bot, 406, "R", 1)
    p = await deliver(bot.fake, autocomplete(bot.fake, "token", 406, "unit", ""))
    choices = (await bot.fake.wait_for(is_callback(p, 8))).payload["data"]["choices"]
    assert choices[0]["value"] == ssr                            # rarest first
    call, data = await answer(bot, slash(bot.fake, "token", 406, unit=r_unit))
    assert private(data) and "tokens work on SSRs only" in embed(data)["description"]
    call, data = await answer(bot, slash(bot.fake, "token", 406, unit=ssr))
    assert embed(data)["title"] == "SSR Token used"
    assert "is now **+10**" in embed(data)["description"]
    assert "1 token left." in embed(data)["description"]
    call, data = await answer(bot, slash(bot.fake, "token", 406, unit=ssr))
    assert private(data) and "already at dupe level 10" in embed(data)["description"]
    assert await bot.admin.fetchval("select qty from stardust.user_items where user_id = 406"
                                    " and item = 'ssr_token'") == 1      # the token was kept
    await bot.admin.execute("update stardust.user_items set qty = 0 where user_id = 406")
    (other,) = await units(bot, 406, "SSR", 1, skip=1)
    call, data = await answer(bot, slash(bot.fake, "token", 406, unit=other))
    assert private(data) and embed(data)["title"] == "Not enough"


# --- gift codes ------------------------------------------------------------------------------
async def test_redeem_a_gift_code_once(bot):
    # admins create codes in the SQL editor: the bot has no command for it
    await bot.admin.execute("select stardust.create_gift_code('WELCOME1',"
                            " '{\"gems\": 5000, \"items\": {\"ssr_token\": 1}}', 1)")
    call, data = await answer(bot, slash(bot.fake, "redeem", 407, code=" welcome1 "))
    assert private(data) and embed(data)["title"] == "Code WELCOME1 redeemed"
    assert embed(data)["description"] == "+5,000 gems, 1× SSR Token"          # a name, not a key
    call, data = await answer(bot, slash(bot.fake, "redeem", 407, code="WELCOME1"))
    assert private(data) and embed(data)["title"] == "Already done"
    call, data = await answer(bot, slash(bot.fake, "redeem", 408, code="WELCOME1"))
    assert private(data) and "fully redeemed" in embed(data)["description"]
    call, data = await answer(bot, slash(bot.fake, "redeem", 408, code="NOPE"))
    assert private(data) and embed(data)["title"] == "That didn't work"
    assert [r["gems_delta"] for r in await ledger(bot, 407, "gift_code")] == [5000]
    assert await ledger(bot, 408, "gift_code") == []


# --- achievements, profile, leaderboards -----------------------------------------------------
async def test_achievements_and_the_profile(bot):
    await units(bot, 409, "R", 20)                                    # the whole catalogue's R
    await units(bot, 409, "SR", 5)
    await bot.admin.execute("select * from stardust.claim_starter(409)")  # unlocks "Collector"
    call, data = await answer(bot, slash(bot.fake, "achievements", 409))
    total = await bot.admin.fetchval("select count(*) from stardust.achievements")
    done = await bot.admin.fetchval("select count(*) from stardust.user_achievements"
                                    " where user_id = 409")
    assert done >= 1
    assert embed(data)["title"] == f"player's achievements ({done}/{total})"
    text = embed(data)["description"]
    assert "🏆 **Collector** — Own 25 units. *(+2,000 gems" in text
    owned = await bot.admin.fetchval("select count(*) from stardust.inventory"
                                     " where user_id = 409")             # 25 and new ones
    assert f"▫️ **Curator** — Own 100 units.\n  ▰▰▱▱▱▱▱▱▱▱ {owned} / 100 · +10,000 gems" in text
    call, data = await answer(bot, slash(bot.fake, "profile", 409))
    f = fields(data)
    assert f["Achievements"] == f"{done}/{total}"
    assert f["Team level"] == "Lv 1 · 0 / 100 XP"
    assert f["Check-in streak"] == "0 days" and f["Pulls made"] == "10"
    assert image_of(call).size == (900, 420)


async def test_leaderboards(bot):
    await team(bot, 410)
    call, data = await answer(bot, slash(bot.fake, "leaderboard", 410))
    assert embed(data)["title"] == "Leaderboard · Team power"
    lines = embed(data)["description"].splitlines()
    assert lines[0].startswith("**1.** <@") and len(lines) <= 10
    top = await bot.admin.fetch("select * from stardust.leaderboard('team_power', 10)")
    assert lines[0] == f"**1.** <@{top[0]['user_id']}> — {top[0]['value']:,} power" + (
        " ← you" if top[0]["user_id"] == 410 else "")
    call, data = await answer(bot, slash(bot.fake, "leaderboard", 410, kind="collection"))
    assert embed(data)["title"] == "Leaderboard · Collection"
    assert embed(data)["description"].splitlines()[0].endswith(" units") or \
        embed(data)["description"].splitlines()[0].endswith(" units ← you")


# --- raids -----------------------------------------------------------------------------------
RAID_GUILDS = iter(range(870000000000000001, 870000000000000100))


async def start_raid(bot, guild: int, hp: int, name: str = "The Onyx Moon") -> int:
    """Admins start raids in the SQL editor (the bot role may not)."""
    return await bot.admin.fetchval(
        "select id from stardust.start_raid($1, $2, $3, stardust._now() + interval '1 day')",
        guild, name, hp)


async def raid(bot, guild: int, user: int, sub: str) -> tuple:
    return await answer(bot, in_guild(slash(bot.fake, "raid", user, sub), guild))


async def test_raid_commands_need_a_server(bot):
    for sub in ("status", "attack", "leaderboard"):
        call, data = await answer(bot, in_dm(slash(bot.fake, "raid", 411, sub)))
        assert private(data), sub
        assert embed(data)["description"] == ("Raids belong to a server: use this command "
                                              "in one.")


async def test_raid_attack_until_the_killing_blow_pays_once(bot):
    guild = next(RAID_GUILDS)
    call, data = await raid(bot, guild, 412, "status")
    assert private(data) and embed(data)["title"] == "No raid yet"
    call, data = await raid(bot, guild, 412, "attack")
    assert private(data) and "No raid is running in this server" in embed(data)["description"]
    call, data = await raid(bot, guild, 412, "leaderboard")
    assert private(data) and "Nobody has attacked" in embed(data)["description"]

    # a hit of five SSR at +10 deals about 80,000: rewards are shares of the boss's HP
    raid_id = await start_raid(bot, guild, 1_000_000)
    call, data = await raid(bot, guild, 412, "status")
    assert embed(data)["title"] == "Raid · The Onyx Moon"
    assert fields(data)["Your tickets"] == "3 left today"
    assert image_of(call).size == (900, 360)
    call, data = await raid(bot, guild, 412, "attack")
    assert private(data) and embed(data)["title"] == "Your team is empty"

    await team(bot, 412)
    await team(bot, 413)
    call, data = await raid(bot, guild, 412, "attack")
    first = await bot.admin.fetchval("select damage from stardust.raid_attacks"
                                     " where raid_id = $1 and user_id = 412", raid_id)
    assert first > 0 and f"**{first:,}** damage!" in embed(data)["description"]
    assert fields(data)["Tickets left"] == "2 today" and "Rewards paid" not in fields(data)
    assert embed(data)["footer"]["text"].startswith("battle #")
    call, data = await raid(bot, guild, 413, "attack")
    call, data = await raid(bot, guild, 413, "leaderboard")
    lines = embed(data)["description"].splitlines()
    assert len(lines) == 2 and "gems" not in embed(data)["description"]   # not paid yet

    # the boss is nearly dead: 413's next attack is the killing blow and ends the raid
    await bot.admin.execute("update stardust.raids set hp = 1 where id = $1", raid_id)
    p = in_guild(slash(bot.fake, "raid", 413, "attack"), guild)
    call, data = await answer(bot, p)
    assert "**Killing blow!**" in embed(data)["description"]
    paid = fields(data)["Rewards paid"]
    assert "<@412>" in paid and "<@413>" in paid and "💥" in paid
    row = await bot.admin.fetchrow("select * from stardust.raids where id = $1", raid_id)
    assert row["hp"] == 0 and row["killed_by"] == 413 and row["ended_at"] is not None
    rewards = await bot.admin.fetch("select * from stardust.raid_rewards where raid_id = $1",
                                    raid_id)
    assert len(rewards) == 2
    for user in (412, 413):
        assert len(await ledger(bot, user, "raid")) == 1

    # Discord delivers the killing blow again: the same answer, nothing paid twice
    await deliver(bot.fake, p)
    await bot.fake.wait_for(lambda c: is_edit(p)(c) and c is not call)       # its answer
    edits = [c for c in bot.fake.calls if is_edit(p)(c)]
    assert len(edits) == 2
    assert embed(edits[1].payload)["description"] == embed(data)["description"]
    for user in (412, 413):
        assert len(await ledger(bot, user, "raid")) == 1

    # afterwards: the card shows the end, the leaderboard the rewards, attacks are refused
    call, data = await raid(bot, guild, 412, "status")
    assert "the boss was defeated." in embed(data)["description"]
    assert "Killing blow: <@413>" in embed(data)["description"]
    assert "Rewards paid" not in fields(data)
    call, data = await raid(bot, guild, 412, "leaderboard")
    assert embed(data)["description"].count("gems") == 2
    call, data = await raid(bot, guild, 412, "attack")
    assert private(data) and "No raid is running" in embed(data)["description"]
    for user in (412, 413):
        assert len(await ledger(bot, user, "raid")) == 1
    await assert_ledger_balanced(bot.admin)


async def test_raid_tickets_run_out(bot):
    guild = next(RAID_GUILDS)
    await start_raid(bot, guild, 10**9)
    await team(bot, 414)
    for left in (2, 1, 0):
        call, data = await raid(bot, guild, 414, "attack")
        assert fields(data)["Tickets left"] == f"{left} today"
    call, data = await raid(bot, guild, 414, "attack")
    assert private(data) and embed(data)["title"] == "No raid tickets left"
    call, data = await raid(bot, guild, 414, "status")
    assert fields(data)["Your tickets"] == "0 left today"


async def test_raid_status_ends_a_raid_whose_time_is_up_even_if_someone_else_did(bot):
    """/raid status on a raid whose time is up calls end_raid. Here an admin ends it in the
    same moment: the bot's end_raid waits for the admin's locks, then finds it ended
    (SDDON), and shows the rewards the admin's call paid, which are paid once."""
    guild = next(RAID_GUILDS)
    raid_id = await start_raid(bot, guild, 1_000_000, "Slow Golem")
    await team(bot, 415)
    await raid(bot, guild, 415, "attack")
    await bot.admin.execute("update stardust.raids set starts_at = starts_at - interval '2 days',"
                            " ends_at = stardust._now() - interval '1 second' where id = $1", raid_id)
    other = await asyncpg.connect(bot.url)
    try:
        tx = other.transaction()
        await tx.start()
        await other.fetch("select * from stardust.end_raid($1)", raid_id)
        p = await deliver(bot.fake, in_guild(slash(bot.fake, "raid", 415, "status"), guild))
        for _ in range(200):                   # the bot's end_raid waits for our locks
            if await bot.admin.fetchval("select count(*) from pg_locks where not granted"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the bot's end_raid never waited for the admin's")
        await tx.commit()
    finally:
        await other.close()
    edit = await bot.fake.wait_for(is_edit(p))
    data = edit.payload
    assert embed(data)["title"] == "Raid · Slow Golem"
    assert "The raid ended <t:" in embed(data)["description"]
    assert "the boss escaped." in embed(data)["description"]
    assert "<@415>" in fields(data)["Rewards paid"] and "gems" in fields(data)["Rewards paid"]
    assert list(edit.files) == ["raid.png"]
    assert len(await ledger(bot, 415, "raid")) == 1
    call, data = await raid(bot, guild, 415, "status")
    assert "Rewards paid" not in fields(data)
    assert len(await ledger(bot, 415, "raid")) == 1


async def test_raid_status_of_a_raid_whose_time_is_up_pays_it(bot):
    guild = next(RAID_GUILDS)
    raid_id = await start_raid(bot, guild, 1_000_000)
    await team(bot, 416)
    await raid(bot, guild, 416, "attack")
    await bot.admin.execute("update stardust.raids set starts_at = starts_at - interval '2 days',"
                            " ends_at = stardust._now() - interval '1 second' where id = $1", raid_id)
    call, data = await raid(bot, guild, 416, "status")
    assert "<@416>" in fields(data)["Rewards paid"]
    assert await bot.admin.fetchval("select ended_at is not null from stardust.raids"
                                    " where id = $1", raid_id)
    assert len(await ledger(bot, 416, "raid")) == 1
