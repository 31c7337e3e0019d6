"""Achievements: unlocked inside the functions that change what they measure, once, with
their reward on the ledger; achievements() shows progress."""

import asyncio
import json

import asyncpg
import pytest

from tests.helpers import (assert_ledger_balanced, load_catalogue, player_with_team,
                           sqlstate)


pytestmark = pytest.mark.usefixtures("steady_game_clock")   # day and hour rules: a steady clock


async def unlocked(conn, uid=1):
    return {r[0] for r in await conn.fetch(
        "select key from stardust.user_achievements where user_id = $1", uid)}


async def rewards_paid(conn, uid=1):
    return [tuple(r) for r in await conn.fetch(
        "select gems_delta, coins_delta from stardust.ledger"
        " where user_id = $1 and reason = 'achievement' order by id", uid)]


async def assert_rewards_paid_once(conn):
    """The achievement rewards on the ledger are exactly those of the unlocked ones."""
    bad = await conn.fetch("""
        select u.user_id from stardust.users u
         where (select coalesce(sum(l.gems_delta), 0) from stardust.ledger l
                 where l.user_id = u.user_id and l.reason = 'achievement')
               <> (select coalesce(sum((a.reward ->> 'gems')::bigint), 0)
                     from stardust.user_achievements ua join stardust.achievements a using (key)
                    where ua.user_id = u.user_id)""")
    assert not bad, [r[0] for r in bad]


async def test_definitions_are_seeded_and_listed_with_progress(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    rows = await conn.fetch("select * from stardust.achievements(1)")
    assert len(rows) == 15
    assert {r["condition"] for r in rows} == {
        "pulls_made", "ssr_pulled", "team_power", "bounties_cleared", "ur_cleared",
        "checkin_streak", "collection"}
    assert all(r["progress"] == 0 and r["unlocked_at"] is None for r in rows)
    assert {r["key"] for r in rows} >= {"first_ssr", "pulls_100", "power_1k", "power_20k",
                                        "power_50k", "bounty_1", "ur_takedown", "streak_7",
                                        "collection_25"}
    # unknown players have no progress, and are not created by looking
    assert all(r["progress"] == 0 for r in await conn.fetch(
        "select * from stardust.achievements(999)"))
    assert await conn.fetchval("select count(*) from stardust.users where user_id = 999") == 0


async def test_pulls_unlock_first_ssr_pull_counts_and_collection(conn):
    await load_catalogue(conn, n_ssr=30, n_sr=30, n_r=30)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetchrow("select * from stardust.grant(1, 200000)")
    await conn.execute("select stardust.set_setting('rate_ssr', '1')")      # all SSR
    await conn.fetch("select * from stardust.pull(1, 1)")
    assert await unlocked(conn) == {"first_ssr"}
    assert await rewards_paid(conn) == [(2000, 0)]
    for _ in range(10):
        await conn.fetch("select * from stardust.pull(1, 10)")
    user = await conn.fetchrow("select pulls_made, ssr_pulled from stardust.users"
                               " where user_id = 1")
    assert tuple(user) == (101, 101)
    assert await unlocked(conn) >= {"first_ssr", "ssr_10", "pulls_100", "collection_25"}
    got = {r["key"]: r for r in await conn.fetch("select * from stardust.achievements(1)")}
    assert got["pulls_100"]["progress"] == 100 and got["pulls_100"]["unlocked_at"]
    assert got["pulls_1000"]["progress"] == 101 and got["pulls_1000"]["unlocked_at"] is None
    assert await conn.fetchval("select sum(gems_delta) from stardust.ledger"
                               " where reason = 'achievement'") == sum(
        json.loads(r["reward"]).get("gems", 0) for r in got.values() if r["unlocked_at"])
    await assert_rewards_paid_once(conn)
    await assert_ledger_balanced(conn)


async def test_team_power_thresholds_unlock_when_the_team_changes(conn):
    await load_catalogue(conn, n_ssr=10, n_sr=1, n_r=1)
    await conn.execute("update stardust.characters set true_power = 2000, is_overridden = true")
    units = await player_with_team(conn, 1, n_team=0, n_bench=10)
    ids = units["bench"]
    await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", ids[:1])   # ~2k
    assert await unlocked(conn) == {"power_1k"}
    await conn.execute("update stardust.characters set true_power = 12000")
    await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", ids[:2])   # ~24k
    assert await unlocked(conn) == {"power_1k", "power_20k"}
    # a token on a team member raises the power past 50k (5 x 12k x 1.05 ...)
    await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", ids[:4])
    assert "power_50k" not in await unlocked(conn)
    await conn.execute("update stardust.inventory set dupe_level = 2 where id = any($1::bigint[])",
                       ids[1:4])
    await conn.fetchrow("select * from stardust.grant(1, 0, 2000)")
    await conn.fetchrow("select * from stardust.buy_item(1, 'ssr_token')")
    await conn.fetchrow("select * from stardust.use_token(1, $1)", ids[0])
    assert await conn.fetchval("select stardust.team_power(1)") >= 50000
    assert "power_50k" in await unlocked(conn)
    assert await rewards_paid(conn) == [(500, 0), (3000, 0), (10000, 0)]


async def test_bounty_wins_unlock_bounty_and_ur_achievements(conn):
    await load_catalogue(conn, n_ssr=10, n_sr=1, n_r=1)
    await player_with_team(conn, 1, dupe=10)
    board = await conn.fetch("select * from stardust.bounty_board(7)")
    await conn.execute("update stardust.bounty_slots set tier = 'UR', enemy_power = 1000"
                       " where board_id = $1 and slot = 1", board[0]["board_id"])
    await conn.execute("update stardust.bounty_slots set tier = 'R', enemy_power = 1000"
                       " where board_id = $1 and slot = 2", board[0]["board_id"])  # never UR
    await conn.fetchrow("select * from stardust.bounty_claim(1, 7, 2)")
    assert {"bounty_1"} <= await unlocked(conn) and "ur_takedown" not in await unlocked(conn)
    await conn.fetchrow("select * from stardust.bounty_claim(1, 7, 1)")
    assert {"bounty_1", "ur_takedown"} <= await unlocked(conn)
    user = await conn.fetchrow("select bounties_cleared, ur_cleared from stardust.users"
                               " where user_id = 1")
    assert tuple(user) == (2, 1)
    assert (50 - 0) in [c for _, c in await rewards_paid(conn)]         # bounty_1: 50 coins
    await assert_ledger_balanced(conn)


async def test_unlocked_once_even_when_the_count_falls_and_rises_again(conn):
    await load_catalogue(conn, n_ssr=1, n_sr=1, n_r=40)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.execute("insert into stardust.inventory (user_id, anilist_id) select 1,"
                       " anilist_id from stardust.characters where rarity = 'R' limit 24")
    await conn.fetchrow("select * from stardust.grant(1, 100000)")
    await conn.execute("select stardust.set_setting('rate_ssr', '0')")
    await conn.execute("select stardust.set_setting('rate_sr', '0')")
    while "collection_25" not in await unlocked(conn):
        await conn.fetch("select * from stardust.pull(1, 1)")
    await conn.fetch("select * from stardust.mass_scrap(1, 'R')")
    row = await conn.fetchrow("select * from stardust.achievements(1) where key = 'collection_25'")
    assert row["progress"] == 25 and row["unlocked_at"] is not None   # stays complete
    for _ in range(3):
        await conn.fetch("select * from stardust.pull(1, 10)")
    assert await conn.fetchval("select count(*) from stardust.user_achievements"
                               " where key = 'collection_25'") == 1
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'achievement'"
                               " and gems_delta = 2000") == 1


async def test_admin_defined_rewards_can_be_items(conn):
    await conn.execute("""insert into stardust.achievements (key, name, description, condition,
                            threshold, reward) values ('early_bird', 'Early Bird',
                            'Check in once.', 'checkin_streak', 1,
                            '{"coins": 5, "items": {"ssr_token": 1}}')""")
    await conn.fetchrow("select * from stardust.get_user(1)")
    row = await conn.fetchrow("select * from stardust.checkin(1)")
    assert row["achievements"] == ["Early Bird"]
    assert await conn.fetchval("select qty from stardust.user_items where item = 'ssr_token'") == 1
    assert await rewards_paid(conn) == [(0, 5)]


async def test_a_reward_that_does_not_read_is_refused_when_written(conn):
    # before, such a row was taken, and every pull that reached its threshold failed
    insert = ("insert into stardust.achievements (key, name, description, condition,"
              " threshold, reward) values ('big', 'Big', 'Pull 5 times.', 'pulls_made', 5, $1)")
    for reward in ({"gems": "lots"}, {"gems": 1.5}, {"gems": -1}, {"gem": 100},
                   {"items": {"excalibur": 1}}, {"items": {"ssr_token": 0}}, [100],
                   {"items": {}}, {"gems": 0}):
        with sqlstate("SDARG"):
            await conn.execute(insert, json.dumps(reward))
    with sqlstate("SDARG"):
        await conn.execute("""update stardust.achievements set reward = '{"gems": "x"}'
                               where key = 'first_ssr'""")
    assert await conn.fetchval("select reward from stardust.achievements"
                               " where key = 'first_ssr'") == '{"gems": 2000}'
    # whole numbers written with a decimal point are kept as integers; {} is a badge only
    await conn.execute(insert, '{"gems": 1000.0, "items": {"ssr_token": 2.0}}')
    await conn.execute(insert.replace("'big', 'Big'", "'badge', 'Badge'"), "{}")
    assert json.loads(await conn.fetchval(
        "select reward from stardust.achievements where key = 'big'")) == {
            "gems": 1000, "items": {"ssr_token": 2}}
    await load_catalogue(conn)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetch("select * from stardust.pull(1, 5)")
    assert {"big", "badge"} <= await unlocked(conn)
    assert await conn.fetchval("select qty from stardust.user_items where item = 'ssr_token'") == 2
    await assert_rewards_paid_once(conn)
    await assert_ledger_balanced(conn)


async def test_concurrent_pulls_crossing_a_threshold_unlock_once(conn, connections):
    await load_catalogue(conn)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetchrow("select * from stardust.grant(1, 200000)")
    await conn.execute("update stardust.users set pulls_made = 95 where user_id = 1")
    conns = await connections(10, as_bot=True)

    async def attempt(c):
        try:
            return await c.fetch("select * from stardust.pull(1, 10)")
        except asyncpg.PostgresError as exc:
            return exc.sqlstate

    await asyncio.gather(*(attempt(c) for c in conns))
    assert await conn.fetchval("select pulls_made from stardust.users") == 195
    assert await conn.fetchval("select count(*) from stardust.user_achievements"
                               " where key = 'pulls_100'") == 1
    await assert_rewards_paid_once(conn)
    await assert_ledger_balanced(conn)


async def test_unknown_condition_is_refused_by_the_table(conn):
    with sqlstate("23514"):
        await conn.execute("insert into stardust.achievements (key, name, description,"
                           " condition, threshold) values ('x', 'X', 'X', 'logins', 1)")


# --- announcing (issue 13 section 1): the notification queue ----------------------------------
async def test_a_pull_that_unlocks_queues_one_notification_taken_once(conn):
    await load_catalogue(conn, n_ssr=30, n_sr=30, n_r=30)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.execute("select stardust.set_setting('rate_ssr', '1')")      # all SSR
    assert await conn.fetch("select * from stardust.take_notifications(1)") == []
    await conn.fetch("select * from stardust.pull(1, 1)")
    pending = await conn.fetch("select * from stardust.notifications where user_id = 1")
    assert len(pending) == 1 and pending[0]["kind"] == "achievement"
    taken = await conn.fetch("select * from stardust.take_notifications(p_user_id => 1)")
    assert [(r["kind"], json.loads(r["payload"])) for r in taken] == [
        ("achievement", {"key": "first_ssr", "name": "Lucky Star", "reward": {"gems": 2000}})]
    assert await conn.fetch("select * from stardust.take_notifications(1)") == []
    # a pull that unlocks nothing queues nothing
    await conn.fetch("select * from stardust.pull(1, 1)")
    assert await conn.fetchval("select count(*) from stardust.notifications") == 0


async def test_several_unlocks_come_in_order_and_checkin_queues_none(conn):
    await load_catalogue(conn, n_ssr=30, n_sr=30, n_r=30)
    await conn.fetch("select * from stardust.claim_starter(1)")
    await conn.execute("update stardust.users set checkin_streak = 6,"
                       " last_checkin = (stardust._now() at time zone 'UTC')::date - 1 where user_id = 1")
    await conn.execute("update stardust.users set pulls_made = 99, ssr_pulled = 9"
                       " where user_id = 1")
    await conn.fetchrow("select * from stardust.grant(1, 10000)")
    await conn.execute("select stardust.set_setting('rate_ssr', '1')")
    await conn.fetch("select * from stardust.take_notifications(1)")
    await conn.fetch("select * from stardust.pull(1, 1)")
    row = await conn.fetchrow("select * from stardust.checkin(1)")
    assert row["achievements"] == ["Regular"]                  # listed by checkin itself
    taken = await conn.fetch("select * from stardust.take_notifications(1)")
    assert [json.loads(r["payload"])["key"] for r in taken] == ["ssr_10", "pulls_100"]
    assert [r["id"] for r in taken] == sorted(r["id"] for r in taken)


async def test_take_notifications_refuses_bad_ids_and_creates_nobody(conn, bot_conn):
    for bad in (None, 0, -1):
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.take_notifications($1)", bad)
    assert await bot_conn.fetch("select * from stardust.take_notifications(777)") == []
    assert await conn.fetchval("select count(*) from stardust.users where user_id = 777") == 0


async def test_two_takers_at_once_get_each_notification_once(conn, connections):
    await load_catalogue(conn, n_ssr=30, n_sr=30, n_r=30)
    await conn.fetch("select * from stardust.claim_starter(1)")    # unlocks several
    n = await conn.fetchval("select count(*) from stardust.notifications where user_id = 1")
    assert n >= 1
    a, b = await connections(2)
    got = await asyncio.gather(*(c.fetch("select id from stardust.take_notifications(1)")
                                 for c in (a, b)))
    ids = [r["id"] for rows in got for r in rows]
    assert len(ids) == n == len(set(ids))


async def test_a_pull_measures_only_when_the_stored_next_threshold_is_reached(conn):
    """users.ach_next keeps, per condition, the lowest threshold still locked, so a pull
    usually measures nothing; a definition added or lowered later makes every player measure
    again, so none is missed."""
    await load_catalogue(conn, n_ssr=30, n_sr=30, n_r=30)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetchrow("select * from stardust.grant(1, 1000000)")
    await conn.fetch("select * from stardust.pull(1, 10)")

    async def stored():
        return await conn.fetchval("select ach_next from stardust.users where user_id = 1")

    nxt = json.loads(await stored())
    assert nxt == json.loads(await conn.fetchval("select stardust._ach_next(1)"))
    assert nxt["pulls_made"] == 100
    # pulling below the next threshold unlocks nothing and leaves the stored value alone
    await conn.fetch("select * from stardust.pull(1, 10)")
    assert json.loads(await stored())["pulls_made"] == 100
    # an achievement already earned by the player, defined now: the next pull unlocks it
    await conn.execute("""insert into stardust.achievements (key, name, description, condition,
                            threshold, reward) values ('pulls_5', 'Five Pulls', 'Pull 5 times.',
                            'pulls_made', 5, '{"gems": 10}')""")
    assert await stored() is None
    await conn.fetch("select * from stardust.pull(1, 1)")
    assert "pulls_5" in await unlocked(conn)
    assert json.loads(await stored()) == json.loads(
        await conn.fetchval("select stardust._ach_next(1)"))
    # a threshold lowered below the player's progress: likewise
    await conn.execute("update stardust.achievements set threshold = 20 where key = 'pulls_100'")
    await conn.fetch("select * from stardust.pull(1, 1)")
    assert "pulls_100" in await unlocked(conn)
    await assert_rewards_paid_once(conn)
    await assert_ledger_balanced(conn)
