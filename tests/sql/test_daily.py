"""Daily check-in and daily battle tasks: once per UTC day each, streaks, races."""

import asyncio

import asyncpg
import pytest

from tests.helpers import (assert_ledger_balanced, load_catalogue, player_with_team, sqlstate,
                           unchanged)


pytestmark = pytest.mark.usefixtures("steady_game_clock")   # day and hour rules: a steady clock


TODAY = "(stardust._now() at time zone 'UTC')::date"


async def gems(conn, uid=1):
    return await conn.fetchval("select gems from stardust.users where user_id = $1", uid)


async def test_checkin_pays_once_per_day_and_starts_a_streak(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    row = await conn.fetchrow("select * from stardust.checkin(1, 'c1')")
    assert (row["gems"], row["streak"], row["achievements"]) == (1500, 1, [])
    assert row["next_reset"] == await conn.fetchval(
        f"select ({TODAY} + 1)::timestamp at time zone 'UTC'")
    assert await gems(conn) == 11500
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'checkin'") == 1
    # the same interaction again: the same answer, nothing paid
    again = await conn.fetchrow("select * from stardust.checkin(1, 'c1')")
    assert dict(again) == dict(row)
    async with unchanged(conn):
        with sqlstate("SDDON") as err:
            await conn.fetchrow("select * from stardust.checkin(1, 'c2')")
    assert "UTC" in err.value.hint


async def test_streak_grows_on_consecutive_days_and_restarts_after_a_gap(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetchrow("select * from stardust.checkin(1)")
    for expected in (2, 3):
        await conn.execute(f"update stardust.users set last_checkin = {TODAY} - 1")
        assert (await conn.fetchrow("select * from stardust.checkin(1)"))["streak"] == expected
    # a missed day: the streak starts again, and the profile already shows it broken
    await conn.execute(f"update stardust.users set last_checkin = {TODAY} - 2")
    assert (await conn.fetchrow("select * from stardust.profile(1)"))["checkin_streak"] == 0
    assert (await conn.fetchrow("select * from stardust.checkin(1)"))["streak"] == 1
    assert (await conn.fetchrow("select * from stardust.profile(1)"))["checkin_streak"] == 1


async def test_a_seven_day_streak_unlocks_its_achievement_once(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.execute(f"update stardust.users set last_checkin = {TODAY} - 1,"
                       " checkin_streak = 6")
    row = await conn.fetchrow("select * from stardust.checkin(1)")
    assert (row["streak"], row["achievements"]) == (7, ["Regular"])
    assert await gems(conn) == 10000 + 1500 + 5000
    await conn.execute(f"update stardust.users set last_checkin = {TODAY} - 1")
    row = await conn.fetchrow("select * from stardust.checkin(1)")
    assert (row["streak"], row["achievements"]) == (8, [])
    assert await conn.fetchval(
        "select count(*) from stardust.ledger where reason = 'achievement'") == 1
    await assert_ledger_balanced(conn)


async def test_checkin_amount_is_a_setting(conn):
    await conn.execute("select stardust.set_setting('checkin_gems', '2500')")
    await conn.fetchrow("select * from stardust.get_user(1)")
    assert (await conn.fetchrow("select * from stardust.checkin(1)"))["gems"] == 2500


async def test_twenty_concurrent_checkins_pay_once(conn, connections):
    await conn.fetchrow("select * from stardust.get_user(1)")
    conns = await connections(20, as_bot=True)

    async def checkin(c, i):
        try:
            return (await c.fetchrow("select * from stardust.checkin(1, $1)", f"r{i}"))["gems"]
        except asyncpg.PostgresError as exc:
            return exc.sqlstate

    results = await asyncio.gather(*(checkin(c, i) for i, c in enumerate(conns)))
    assert sorted(results, key=str) == [1500] + ["SDDON"] * 19
    assert await gems(conn) == 11500
    await assert_ledger_balanced(conn)


# --- daily battle tasks --------------------------------------------------------------------
async def fight_npc(conn, difficulty, outcome="WIN", uid=1):
    """A real NPC battle whose recorded outcome is then set (the tasks read the record)."""
    bid = (await conn.fetchrow("select * from stardust.battle_npc($1, $2)", uid,
                               difficulty))["battle_id"]
    await conn.execute("update stardust.battles set outcome = $2 where id = $1", bid, outcome)
    return bid


async def tasks(conn, uid=1):
    return {r["task"]: (r["done"], r["claimed"])
            for r in await conn.fetch("select * from stardust.daily_tasks($1)", uid)}


async def test_tasks_are_done_by_wins_at_their_difficulty_and_any_pvp(conn):
    await load_catalogue(conn, n_ssr=12, n_sr=10, n_r=10)
    await player_with_team(conn, 1)
    await player_with_team(conn, 2)
    rows = await conn.fetch("select * from stardust.daily_tasks(1)")
    assert [(r["task"], r["gems"]) for r in rows] == [
        ("easy", 500), ("normal", 1000), ("hard", 1500), ("expert", 2500),
        ("nightmare", 3500), ("hell", 5000), ("pvp", 500)]
    assert not any(r["done"] or r["claimed"] for r in rows)
    await fight_npc(conn, "easy", "WIN")
    await fight_npc(conn, "hard", "LOSS")          # a loss does not count
    await fight_npc(conn, "hell", "DRAW")          # nor a draw
    pvp = await conn.fetchrow("select * from stardust.battle_pvp(1, 2)")
    await conn.execute("update stardust.battles set outcome = 'LOSS' where id = $1",
                       pvp["battle_id"])           # any PvP battle counts, even lost
    t = await tasks(conn)
    assert {k for k, (done, _) in t.items() if done} == {"easy", "pvp"}
    # the defender of a PvP battle did not fight it
    assert not (await tasks(conn, 2))["pvp"][0]


async def test_claim_task_pays_once_and_refuses_what_is_not_done(conn):
    await load_catalogue(conn, n_ssr=10, n_sr=10, n_r=10)
    await player_with_team(conn, 1)
    before = await gems(conn)
    await fight_npc(conn, "normal")
    assert [tuple(r) for r in await conn.fetch(
        "select * from stardust.claim_task(1, 'normal', 't1')")] == [("normal", 1000)]
    assert await gems(conn) == before + 1000
    assert (await tasks(conn))["normal"] == (True, True)
    async with unchanged(conn):
        with sqlstate("SDDON"):
            await conn.fetch("select * from stardust.claim_task(1, 'normal', 't2')")
        with sqlstate("SDARG"):                    # not done
            await conn.fetch("select * from stardust.claim_task(1, 'expert')")
        with sqlstate("SDARG"):                    # not a task
            await conn.fetch("select * from stardust.claim_task(1, 'legendary')")
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.claim_task(1, null)")
        with sqlstate("SDIDM"):                    # the interaction id of another claim
            await conn.fetch("select * from stardust.claim_task(1, 'easy', 't1')")
    # a retry of the first claim is its answer again
    assert [tuple(r) for r in await conn.fetch(
        "select * from stardust.claim_task(1, 'normal', 't1')")] == [("normal", 1000)]
    await assert_ledger_balanced(conn)


async def test_claim_all_pays_every_done_task_in_one_ledger_row(conn):
    await load_catalogue(conn, n_ssr=12, n_sr=10, n_r=10)
    await player_with_team(conn, 1)
    await player_with_team(conn, 2)
    for d in ("easy", "expert", "hell"):
        await fight_npc(conn, d)
    await conn.fetchrow("select * from stardust.battle_pvp(1, 2)")
    before = await gems(conn)
    await conn.fetch("select * from stardust.claim_task(1, 'expert')")
    paid = [tuple(r) for r in await conn.fetch("select * from stardust.claim_all_tasks(1)")]
    assert paid == [("easy", 500), ("hell", 5000), ("pvp", 500)]
    assert await gems(conn) == before + 2500 + 6000
    assert [r[0] for r in await conn.fetch(
        "select gems_delta from stardust.ledger where reason = 'daily_task' order by id")] == [
        2500, 6000]
    # nothing left: an empty answer, not an error, and nothing written
    async with unchanged(conn):
        assert await conn.fetch("select * from stardust.claim_all_tasks(1)") == []


async def test_tasks_reset_at_midnight_utc(conn):
    await load_catalogue(conn, n_ssr=10, n_sr=10, n_r=10)
    await player_with_team(conn, 1)
    await fight_npc(conn, "easy")
    await conn.fetch("select * from stardust.claim_task(1, 'easy')")
    # yesterday's win and claim: today the task is neither done nor claimed
    await conn.execute("update stardust.battles set fought_at = fought_at - interval '1 day'")
    await conn.execute("update stardust.task_claims set day = day - 1")
    assert (await tasks(conn))["easy"] == (False, False)
    with sqlstate("SDARG"):
        await conn.fetch("select * from stardust.claim_task(1, 'easy')")
    await fight_npc(conn, "easy")
    assert [tuple(r) for r in await conn.fetch(
        "select * from stardust.claim_task(1, 'easy')")] == [("easy", 500)]


async def test_twenty_concurrent_task_claims_pay_once(conn, connections):
    await load_catalogue(conn, n_ssr=10, n_sr=10, n_r=10)
    await player_with_team(conn, 1)
    await fight_npc(conn, "hell")
    before = await gems(conn)
    conns = await connections(20, as_bot=True)

    async def claim(c, i):
        fn = "claim_task(1, 'hell', $1)" if i % 2 else "claim_all_tasks(1, $1)"
        try:
            return sum(r["gems"] for r in await c.fetch(f"select * from stardust.{fn}", f"r{i}"))
        except asyncpg.PostgresError as exc:
            return exc.sqlstate

    results = await asyncio.gather(*(claim(c, i) for i, c in enumerate(conns)))
    assert results.count(5000) == 1
    assert set(results) <= {5000, 0, "SDDON"}
    assert await gems(conn) == before + 5000
    assert await conn.fetchval("select count(*) from stardust.task_claims") == 1
    await assert_ledger_balanced(conn)
