"""Time rules at their boundaries, with the game's clock pinned (stardust._now(), the clock
seam): the last second of a UTC day against the first of the next (23:59:59 / 00:00:00) and
the top of the hour (xx:59:59 / xx:00:00), instead of moving stored timestamps. Each test
holds whatever the wall clock says while it runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.helpers import (assert_ledger_balanced, load_catalogue, pinned_clock,
                           player_with_team, set_clock, sqlstate, unchanged)
from tests.sql.test_daily import fight_npc, tasks

UTC = dt.timezone.utc
DAY = dt.datetime(2030, 3, 10, tzinfo=UTC)                # 2030-03-10 00:00:00 UTC
SECOND = dt.timedelta(seconds=1)
ONE_DAY = dt.timedelta(days=1)


def at(day: int, hh: int = 0, mm: int = 0, ss: int = 0) -> dt.datetime:
    """`day` days after DAY, at hh:mm:ss UTC."""
    return DAY + dt.timedelta(days=day, hours=hh, minutes=mm, seconds=ss)


@pytest.fixture
async def clock(conn):
    """The game's clock, pinned (at DAY 12:00 until a test moves it); restored afterwards."""
    async with pinned_clock(conn, at(0, 12)):
        async def move(when):
            await set_clock(conn, when)
        yield move


# --- check-in: once per UTC day, the streak over consecutive days ---------------------------
async def checkin(conn, uid=1):
    return await conn.fetchrow("select * from stardust.checkin($1)", uid)


async def streak_shown(conn, uid=1):
    return (await conn.fetchrow("select * from stardust.profile($1)", uid))["checkin_streak"]


async def test_checkin_at_the_turn_of_the_utc_day(conn, clock):
    await conn.fetchrow("select * from stardust.get_user(1)")
    await clock(at(0, 0, 0, 0))                                  # the day's first second
    row = await checkin(conn)
    assert (row["streak"], row["next_reset"]) == (1, at(1))
    await clock(at(0, 23, 59, 59))                               # its last second: done
    async with unchanged(conn):
        with sqlstate("SDDON") as err:
            await checkin(conn)
    assert "00:00" in err.value.hint and "00h00m" in err.value.hint   # opens in 1 s
    await clock(at(1))                                           # one second later: open
    assert (await checkin(conn))["streak"] == 2                  # exactly a day after: kept
    await clock(at(2, 23, 59, 59))                               # almost two days later,
    assert (await checkin(conn))["streak"] == 3                  # but the next UTC day
    await clock(at(3, 23, 59, 59))                               # day 3 not checked in yet:
    assert await streak_shown(conn) == 3                         # the streak still stands
    await clock(at(4))                                           # day 3 missed: broken
    assert await streak_shown(conn) == 0
    assert (await checkin(conn))["streak"] == 1
    await assert_ledger_balanced(conn)


# --- daily tasks ----------------------------------------------------------------------------
async def test_daily_tasks_reset_at_midnight_utc(conn, clock):
    await load_catalogue(conn, n_ssr=12, n_sr=10, n_r=10)
    await player_with_team(conn, 1)
    await clock(at(0, 23, 59, 59))
    await fight_npc(conn, "easy")
    assert (await tasks(conn))["easy"] == (True, False)
    await conn.fetch("select * from stardust.claim_task(1, 'easy')")
    assert (await tasks(conn))["easy"] == (True, True)
    await clock(at(1))                                           # a second later: a new day
    assert (await tasks(conn))["easy"] == (False, False)
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.claim_task(1, 'easy')")
    await fight_npc(conn, "easy")
    assert [tuple(r) for r in await conn.fetch(
        "select * from stardust.claim_task(1, 'easy')")] == [("easy", 500)]
    await clock(at(1, 23, 59, 59))                               # the same day: claimed
    assert (await tasks(conn))["easy"] == (True, True)


# --- the daily shop -------------------------------------------------------------------------
async def test_the_daily_shop_turns_over_at_midnight_utc(conn, clock):
    await load_catalogue(conn, n_ssr=5, n_sr=6, n_r=10)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetchrow("select * from stardust.grant(1, 1000000)")
    await clock(at(0, 23, 59, 59))
    first = await conn.fetch("select * from stardust.shop(1)")
    await conn.fetch("select * from stardust.shop_buy(1, 6)")   # an R slot
    assert [r["bought"] for r in await conn.fetch("select * from stardust.shop(1)")][5]
    async with unchanged(conn):
        with sqlstate("SDDON"):
            await conn.fetch("select * from stardust.shop_buy(1, 6)")
    await clock(at(1))
    second = await conn.fetch("select * from stardust.shop(1)")
    assert not any(r["bought"] for r in second)                  # fresh stock
    assert await conn.fetchval("select array_agg(day order by day) from"
                               " (select distinct day from stardust.shop_listings) d") == [
        at(0).date(), at(1).date()]
    assert len(first) == len(second) == 10
    await conn.fetch("select * from stardust.shop_buy(1, 6)")   # the new day's slot 6
    await assert_ledger_balanced(conn)


# --- raid tickets: per UTC day, not per rolling 24 hours ------------------------------------
GUILD = 77


async def raid_attack(conn, uid=1):
    return await conn.fetchrow("select * from stardust.raid_attack($1, $2)", uid, GUILD)


async def tickets_left(conn, uid=1):
    return (await conn.fetchrow("select * from stardust.raid_status($1, $2)", GUILD, uid)
            )["tickets_left"]


async def test_raid_tickets_are_fresh_at_midnight_utc(conn, clock):
    await load_catalogue(conn, n_ssr=10, n_sr=2, n_r=2)
    await player_with_team(conn, 1, n_bench=0)
    await conn.fetchrow("select * from stardust.start_raid($1, 'Boss', 1000000000,"
                        " stardust._now() + interval '5 days')", GUILD)
    await clock(at(0, 23, 59, 59))
    assert [(await raid_attack(conn))["tickets_left"] for _ in range(3)] == [2, 1, 0]
    assert await tickets_left(conn) == 0
    async with unchanged(conn):
        with sqlstate("SDKEY") as err:
            await raid_attack(conn)
    assert "00:00 UTC" in err.value.hint
    # one second later: a new UTC day, three fresh tickets (the last three attacks were
    # one second ago: a rolling 24 h window would still refuse)
    await clock(at(1))
    assert await tickets_left(conn) == 3
    assert (await raid_attack(conn))["tickets_left"] == 2
    # the same UTC day at its last second: the tickets used at 00:00:00 still count
    await clock(at(1, 23, 59, 59))
    assert [(await raid_attack(conn))["tickets_left"] for _ in range(2)] == [1, 0]
    with sqlstate("SDKEY"):
        await raid_attack(conn)
    assert await conn.fetchval("select count(*) from stardust.raid_attacks") == 6


# --- grants through the bot: capped per UTC day ---------------------------------------------
GRANT = ("select * from stardust.grant(p_user_id => $1, p_gems => $2, p_reason => 'test',"
         " p_admin_id => 4242)")


async def test_the_bot_grant_cap_resets_at_midnight_utc(conn, bot_conn, clock):
    await conn.execute("select stardust.set_setting('bot_grant_daily_gems', '100')")
    await conn.fetchrow("select * from stardust.get_user(1)")
    await clock(at(0, 23, 59, 59))
    await bot_conn.fetchrow(GRANT, 1, 100)
    async with unchanged(conn):
        with sqlstate("SDARG") as err:
            await bot_conn.fetchrow(GRANT, 1, 1)
    assert err.value.detail == "left_gems=0 left_coins=100000"
    await clock(at(1))
    await bot_conn.fetchrow(GRANT, 1, 100)
    with sqlstate("SDARG"):
        await bot_conn.fetchrow(GRANT, 1, 1)
    assert [tuple(r) for r in await conn.fetch(
        "select day, gems from stardust.bot_grant_days order by day")] == [
        (at(0).date(), 100), (at(1).date(), 100)]


# --- bounty boards (a new one at the top of every hour) and keys (one per full hour) --------
async def board(conn, guild=GUILD, uid=1):
    return await conn.fetch("select * from stardust.bounty_board($1, $2)", guild, uid)


async def bounty(conn, slot, uid=1, guild=GUILD):
    return await conn.fetchrow("select * from stardust.bounty_claim($1, $2, $3)", uid, guild,
                               slot)


async def test_bounty_boards_turn_over_at_the_top_of_the_hour(conn, clock):
    await clock(at(0, 13, 0, 0))
    first = await board(conn)
    assert {(r["expires_at"]) for r in first} == {at(0, 14)}
    await clock(at(0, 13, 59, 59))
    assert await board(conn) == first                            # the same board
    await clock(at(0, 14))                                       # the top of the hour: new
    second = await board(conn)
    assert {r["board_id"] for r in second} != {r["board_id"] for r in first}
    assert {(r["expires_at"]) for r in second} == {at(0, 15)}
    assert await conn.fetchval("select array_agg(starts_at order by id)"
                               " from stardust.bounty_boards") == [at(0, 13), at(0, 14)]
    # aligned to midnight UTC, whatever the session's time zone (+05:30 here)
    await conn.execute("set timezone = 'Asia/Kolkata'")
    await clock(at(0, 23, 59, 59))
    assert {(r["expires_at"]) for r in await board(conn)} == {at(1)}
    await clock(at(1))
    assert {(r["expires_at"]) for r in await board(conn)} == {at(1, 1)}
    await conn.execute("reset timezone")


async def test_a_bounty_key_comes_back_after_each_full_hour(conn, clock):
    await load_catalogue(conn, n_ssr=10, n_sr=2, n_r=2)
    await player_with_team(conn, 1, n_bench=0)
    await clock(at(0, 12, 0, 0))
    assert [(await bounty(conn, slot))["keys_left"] for slot in (1, 2, 3)] == [2, 1, 0]
    await clock(at(0, 13, 59, 59))
    assert (await bounty(conn, 1))["keys_left"] == 0             # 1 key after 1 full hour
    async with unchanged(conn):
        with sqlstate("SDKEY"):
            await bounty(conn, 2)                                # 1 h 59 min 59 s: one only
    await clock(at(0, 14, 0, 0))                                 # the second full hour
    assert (await bounty(conn, 2))["keys_left"] == 0
    await clock(at(0, 17, 0, 0))                                 # three more, capped at 3
    assert (await conn.fetchrow("select * from stardust.profile(1)"))["bounty_keys"] == 3


async def test_a_bounty_key_is_not_back_a_second_early(conn, clock):
    await load_catalogue(conn, n_ssr=10, n_sr=2, n_r=2)
    await player_with_team(conn, 1, n_bench=0)
    await clock(at(0, 12, 30, 0))
    for slot in (1, 2, 3):
        await bounty(conn, slot)
    await clock(at(0, 13, 29, 59))
    async with unchanged(conn):
        with sqlstate("SDKEY"):
            await bounty(conn, 1, guild=GUILD + 1)
    await clock(at(0, 13, 30, 0))
    assert (await bounty(conn, 1, guild=GUILD + 1))["keys_left"] == 0


# --- expedition claims: at least expedition_min_claim_seconds apart -------------------------
async def test_an_expedition_claim_waits_to_the_second(conn, clock):
    await load_catalogue(conn, n_ssr=12, n_sr=5, n_r=5)
    units = await player_with_team(conn, 1, n_team=5, n_bench=5)
    await clock(at(0, 23, 59, 0))
    await conn.fetch("select * from stardust.expedition_start(1, $1::bigint[])", units["bench"])
    await clock(at(0, 23, 59, 59))                               # 59 s of the 60
    async with unchanged(conn):
        with sqlstate("SDDON") as err:
            await conn.fetchrow("select * from stardust.expedition_claim(1)")
    assert err.value.detail == "wait_seconds=1 started=1"
    await clock(at(1))                                           # 60 s: claimable
    st = await conn.fetchrow("select * from stardust.expedition_status(1)")
    assert st["next_claim_at"] == at(1)
    row = await conn.fetchrow("select * from stardust.expedition_claim(1)")
    assert (float(row["hours"]), row["xp"]) == (0.017, 1)            # 1 min, shown to 3 places
    await clock(at(1, 0, 0, 59))
    with sqlstate("SDDON") as err:
        await conn.fetchrow("select * from stardust.expedition_claim(1)")
    assert err.value.detail == "wait_seconds=1 started=0"


# --- gift codes expire at expires_at (valid while now < expires_at) -------------------------
async def test_a_gift_code_expires_on_the_second(conn, clock):
    await clock(at(0, 12))
    await conn.fetchrow("select * from stardust.create_gift_code('NEWYEAR', $1::jsonb, 10, $2)",
                        json.dumps({"gems": 100}), at(1))
    for uid in (1, 2):
        await conn.fetchrow("select * from stardust.get_user($1)", uid)
    await clock(at(0, 23, 59, 59))
    assert (await conn.fetchrow("select * from stardust.redeem_code(1, 'NEWYEAR')"))[
        "gems"] == 100
    await clock(at(1))
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.redeem_code(2, 'NEWYEAR')")
    # and an admin cannot create one that has already expired, to the second
    with sqlstate("SDARG"):
        await conn.fetchrow("select * from stardust.create_gift_code('LATE', $1::jsonb, 1, $2)",
                            json.dumps({"gems": 1}), at(1))
    await conn.fetchrow("select * from stardust.create_gift_code('LATE', $1::jsonb, 1, $2)",
                        json.dumps({"gems": 1}), at(1) + SECOND)


# --- banners run while starts_at <= now < ends_at -------------------------------------------
async def test_a_banner_runs_from_its_first_second_to_before_its_end(conn, clock):
    await load_catalogue(conn, n_ssr=4, n_sr=5, n_r=6)
    banner = await conn.fetchval(
        "select id from stardust.create_banner('Gala', array[1000], $1, $2)", at(2), at(1))

    async def running():
        rows = await conn.fetch("select * from stardust.list_banners()")
        active = [r["is_active"] for r in rows if r["id"] == banner]
        try:
            await conn.fetchrow("select * from stardust._check_banner($1)", banner)
            checked = True
        except Exception as exc:                       # noqa: BLE001 - asserted below
            assert getattr(exc, "sqlstate", None) == "SDBNR", exc
            checked = False
        assert active in ([checked], [])
        return checked, active

    await clock(at(0, 23, 59, 59))
    assert await running() == (False, [False])                   # listed, not yet running
    await clock(at(1))
    assert await running() == (True, [True])
    await clock(at(1, 23, 59, 59))
    assert await running() == (True, [True])
    await clock(at(2))
    assert await running() == (False, [])                        # ended: no longer listed
    assert [r["id"] for r in await conn.fetch("select * from stardust.list_banners(true)")
            ] == [banner]
