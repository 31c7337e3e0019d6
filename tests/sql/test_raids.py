"""Guild raids: a shared boss, daily tickets, exact HP and one killing blow under a crowd,
rewards by damage share paid exactly once."""

import asyncio
import json

import asyncpg
import pytest

from tests.helpers import (assert_ledger_balanced, load_catalogue, player_with_team, sqlstate,
                           unchanged)


pytestmark = pytest.mark.usefixtures("steady_game_clock")   # day and hour rules: a steady clock


GUILD = 77


async def start_raid(conn, hp=1_000_000, guild=GUILD, name="The Onyx Moon",
                     ends="3 days"):
    return await conn.fetchrow("select * from stardust.start_raid($1, $2, $3,"
                               " stardust._now() + $4::text::interval)", guild, name, hp, ends)


async def attack(conn, uid, guild=GUILD, rid=None):
    return await conn.fetchrow("select * from stardust.raid_attack($1, $2, $3)", uid, guild, rid)


async def world(conn, users=(1, 2, 3)):
    await load_catalogue(conn, n_ssr=10, n_sr=2, n_r=2)
    for uid in users:
        await player_with_team(conn, uid, n_bench=0)


async def test_start_raid_validates_and_allows_one_open_raid_per_server(conn, bot_conn):
    async with unchanged(conn):
        for guild, name, hp, ends in ((None, "Boss", 10, "1 day"), (GUILD, "", 10, "1 day"),
                                      (GUILD, None, 10, "1 day"), (GUILD, "x" * 101, 10, "1 day"),
                                      (GUILD, "Boss", 0, "1 day"), (GUILD, "Boss", None, "1 day"),
                                      (GUILD, "Boss", 10, "-1 hour")):
            with sqlstate("SDARG"):
                await start_raid(conn, hp, guild, name, ends)
    raid = await start_raid(conn, 500)
    assert (raid["name"], raid["boss_hp"], raid["hp"], raid["ended_at"]) == (
        "The Onyx Moon", 500, 500, None)
    async with unchanged(conn):
        with sqlstate("SDDON") as err:
            await start_raid(conn)
    assert "end_raid" in err.value.hint
    await start_raid(conn, guild=GUILD + 1)                 # another server: fine
    with sqlstate("42501"):                                 # admins only
        await start_raid(bot_conn, guild=GUILD + 2)


async def test_an_attack_deals_the_teams_battle_power(conn):
    await world(conn)
    assert await conn.fetchrow("select * from stardust.raid_status($1, 1)", GUILD) is None
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await attack(conn, 1)
    raid = await start_raid(conn)
    row = await attack(conn, 1, rid="a1")
    battle = await conn.fetchrow("select * from stardust.battles where id = $1", row["battle_id"])
    assert battle["kind"] == "raid" and battle["attacker_id"] == 1
    power = float(await conn.fetchval("select (result ->> 'attacker_power')::numeric"
                                      " from stardust.battles where id = $1", row["battle_id"]))
    assert row["damage"] == int(power) > 0
    team = await conn.fetchval("select stardust.team_power(1)")
    result = json.loads(await conn.fetchval("select result::text from stardust.battles"
                                            " where id = $1", row["battle_id"]))
    mine = [u for u in result["units"] if u["side"] == "A"]
    # the team fought (its base powers are its power), each unit's variance in 0.9-1.1, and
    # the damage is the sum of what each unit dealt
    assert len(mine) == 5 and sum(u["base"] for u in mine) == team
    assert all(0.9 <= u["variance"] <= 1.1 for u in mine)
    assert row["damage"] == int(sum(u["final"] for u in mine))
    assert all(u["mult"] == 1 and u["flat"] == 0 for u in mine)      # no skill in this world
    assert 0.9 * team <= row["damage"] <= 1.1 * team
    assert (row["raid_id"], row["hp"], row["boss_hp"], row["killing_blow"], row["tickets_left"],
            row["raid_over"]) == (raid["id"], 1_000_000 - row["damage"], 1_000_000, False, 2,
                                  False)
    assert dict(await attack(conn, 1, rid="a1")) == dict(row)            # a retry
    st = await conn.fetchrow("select * from stardust.raid_status($1, 1)", GUILD)
    assert (st["hp"], st["attackers"], st["attacks"], st["your_damage"], st["tickets_left"],
            st["end_due"]) == (row["hp"], 1, 1, row["damage"], 2, False)


async def test_three_tickets_a_day(conn):
    await world(conn)
    await start_raid(conn)
    for left in (2, 1, 0):
        assert (await attack(conn, 1))["tickets_left"] == left
    async with unchanged(conn):
        with sqlstate("SDKEY") as err:
            await attack(conn, 1)
    assert "00:00 UTC" in err.value.hint
    await conn.execute("update stardust.raid_attacks set attacked_at = attacked_at"
                       " - interval '1 day'")
    assert (await attack(conn, 1))["tickets_left"] == 2
    await conn.execute("select stardust.set_setting('raid_tickets', '5')")
    assert (await conn.fetchrow("select * from stardust.raid_status($1, 1)", GUILD))[
        "tickets_left"] == 4


async def test_empty_team_and_an_unknown_player(conn):
    await world(conn)
    await start_raid(conn)
    await conn.fetchrow("select * from stardust.get_user(9)")
    async with unchanged(conn):
        with sqlstate("SDTEM"):
            await attack(conn, 9)


async def test_the_killing_blow_and_the_end(conn):
    await world(conn)
    await start_raid(conn, 150_000)
    first = await attack(conn, 1)
    assert not first["killing_blow"]
    await conn.execute("update stardust.raids set hp = 1000")      # nearly dead
    blow = await attack(conn, 2)
    assert (blow["damage"], blow["hp"], blow["killing_blow"], blow["raid_over"]) == (
        1000, 0, True, True)
    raid = await conn.fetchrow("select * from stardust.raids")
    assert raid["killed_by"] == 2 and raid["killed_at"] is not None
    async with unchanged(conn):
        with sqlstate("SDDON"):
            await attack(conn, 3)
    st = await conn.fetchrow("select * from stardust.raid_status($1)", GUILD)
    assert st["end_due"] and st["killed_by"] == 2 and st["tickets_left"] is None


async def test_end_raid_pays_by_damage_share_once(conn):
    await world(conn)
    raid = await start_raid(conn, 1_000_000)
    async with unchanged(conn):
        with sqlstate("SDARG") as err:                     # still running
            await conn.fetch("select * from stardust.end_raid($1)", raid["id"])
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.end_raid(-1)")
    assert "p_force" in err.value.hint
    await conn.execute("update stardust.raids set hp = 400000")   # others' damage, then ours
    dealt = {}
    for uid in (1, 2, 3):
        dealt[uid] = (await attack(conn, uid))["damage"]
    await conn.execute("update stardust.raids set hp = 100")
    dealt[1] += (await attack(conn, 1))["damage"]
    before = {r[0]: tuple(r[1:]) for r in await conn.fetch(
        "select user_id, gems, coins from stardust.users")}
    rows = await conn.fetch("select * from stardust.end_raid($1)", raid["id"])
    paid = {r["user_id"]: r for r in rows}
    assert set(paid) == {1, 2, 3}
    for uid, damage in dealt.items():
        r = paid[uid]
        assert r["damage"] == damage
        assert r["gems"] == 100000 * damage // 1_000_000 + (10000 if uid == 1 else 0)
        assert r["coins"] == 1000 * damage // 1_000_000
        assert r["killing_blow"] == (uid == 1)
        assert await conn.fetchval("select gems from stardust.users where user_id = $1",
                                   uid) == before[uid][0] + r["gems"]
    assert [r["user_id"] for r in rows] == sorted(dealt, key=lambda u: -dealt[u])
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'raid'") == 3
    async with unchanged(conn):
        with sqlstate("SDDON"):
            await conn.fetch("select * from stardust.end_raid($1)", raid["id"])
    board = await conn.fetch("select * from stardust.raid_leaderboard($1)", GUILD)
    assert [(b["user_id"], b["damage"], b["gems"]) for b in board] == [
        (r["user_id"], r["damage"], r["gems"]) for r in rows]
    assert board[0]["rank"] == 1 and board[0]["killing_blow"] == (board[0]["user_id"] == 1)
    assert float(sum(b["share"] for b in board)) > 0
    # a new raid can start once the last has ended
    await start_raid(conn)
    await assert_ledger_balanced(conn)


async def test_time_running_out_ends_a_raid_and_pays_what_was_dealt(conn):
    await world(conn)
    raid = await start_raid(conn, 10_000_000)
    dmg = (await attack(conn, 1))["damage"]
    await conn.execute("update stardust.raids set starts_at = stardust._now() - interval '2 days',"
                       " ends_at = stardust._now() - interval '1 minute'")
    async with unchanged(conn):
        with sqlstate("SDDON"):
            await attack(conn, 2)
    assert (await conn.fetchrow("select * from stardust.raid_status($1)", GUILD))["end_due"]
    [row] = await conn.fetch("select * from stardust.end_raid($1)", raid["id"])
    assert (row["user_id"], row["gems"], row["killing_blow"]) == (
        1, 100000 * dmg // 10_000_000, False)


async def test_force_ends_a_running_raid(conn):
    await world(conn)
    raid = await start_raid(conn)
    await attack(conn, 1)
    assert len(await conn.fetch("select * from stardust.end_raid($1, true)", raid["id"])) == 1
    with sqlstate("SDARG"):                                # nothing open now
        await attack(conn, 2)


async def test_only_the_owner_ends_a_running_raid_early(conn, bot_conn):
    """A leaked bot login must not cut every raid short: through the bot role p_force does
    nothing (docs/SECURITY.md); a raid that is due still ends through the bot."""
    await world(conn)
    raid = await start_raid(conn)
    await attack(conn, 1)
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.end_raid($1, true)", raid["id"])
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.end_raid(p_raid_id => $1,"
                                 " p_force => true)", raid["id"])
    await conn.execute("update stardust.raids set starts_at = stardust._now() - interval '2 days',"
                       " ends_at = stardust._now() - interval '1 second'")
    assert len(await bot_conn.fetch("select * from stardust.end_raid($1)", raid["id"])) == 1
    raid = await start_raid(conn)
    assert await conn.fetch("select * from stardust.end_raid($1, true)", raid["id"]) == []


async def test_leaderboard_limits(conn):
    await start_raid(conn)
    assert await conn.fetch("select * from stardust.raid_leaderboard($1)", GUILD) == []
    for bad in (0, 101, None):
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.raid_leaderboard($1, $2)", GUILD, bad)


async def test_32_players_attacking_one_boss(conn, connections):
    users = list(range(1, 33))
    await world(conn, users)
    one_hit = await conn.fetchval("select stardust.team_power(1)")
    # about 40 hits' worth: the boss dies part-way through the 96 attacks
    raid = await start_raid(conn, one_hit * 40)
    conns = await connections(32, as_bot=True)

    async def play(c, uid):
        out = []
        for i in range(3):
            try:
                out.append(dict(await attack(c, uid, rid=f"{uid}-{i}")))
            except asyncpg.PostgresError as exc:
                assert exc.sqlstate == "SDDON", exc
                out.append(exc.sqlstate)
        return out

    results = [x for r in await asyncio.gather(*(play(c, u) for c, u in zip(conns, users)))
               for x in r]
    hits = [r for r in results if isinstance(r, dict)]
    # every team is the same: a hit deals 0.9-1.1 of one_hit, so 40 hits' worth of HP
    # takes 37 to 45 of them (the killing blow deals what is left)
    assert {await conn.fetchval("select stardust.team_power($1)", u) for u in users} == \
        {one_hit}
    assert 37 <= len(hits) <= 45 and results.count("SDDON") == 96 - len(hits)
    assert sum(h["killing_blow"] for h in hits) == 1
    boss = await conn.fetchrow("select * from stardust.raids")
    dealt = await conn.fetchval("select sum(damage) from stardust.raid_attacks")
    assert boss["hp"] == 0 and dealt == boss["boss_hp"]
    assert await conn.fetchval("select count(*) from stardust.raid_attacks where killing") == 1
    # every answer's hp was the boss's hp right after that attack: all distinct, decreasing
    assert len({h["hp"] for h in hits}) == len(hits)
    # five servers' bots notice at once: one pays, the others are told it is done
    ends = await asyncio.gather(*(c.fetch("select * from stardust.end_raid($1)", raid["id"])
                                  for c in conns[:5]), return_exceptions=True)
    assert sum(isinstance(e, list) for e in ends) == 1
    assert all(e.sqlstate == "SDDON" for e in ends if not isinstance(e, list))
    hitters = {u for u, h in zip([u for u in users for _ in range(3)], results)
               if isinstance(h, dict)}
    assert {r[0] for r in await conn.fetch("select user_id from stardust.raid_rewards")} == hitters
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'raid'") == (
        await conn.fetchval("select count(*) from stardust.raid_rewards"))
    total = await conn.fetchval("select sum(gems) from stardust.raid_rewards")
    assert 100000 + 10000 - 32 <= total <= 100000 + 10000       # floor per player
    await assert_ledger_balanced(conn)


async def test_a_forced_end_racing_attacks_pays_every_committed_attack(conn, connections):
    users = list(range(1, 17))
    await world(conn, users)
    raid = await start_raid(conn, 10 ** 12)
    conns = await connections(16, as_bot=True)

    async def play(c, uid):
        for i in range(3):
            try:
                await attack(c, uid, rid=f"{uid}-{i}")
            except asyncpg.PostgresError as exc:
                assert exc.sqlstate in ("SDARG", "SDDON"), exc

    async def end(c):
        # once some attacks are in (a condition, not a sleep), while others are still coming
        for _ in range(3000):
            if await conn.fetchval("select count(*) from stardust.raid_attacks") >= 3:
                break
            await asyncio.sleep(0.01)
        return await c.fetch("select * from stardust.end_raid($1, true)", raid["id"])

    (owner,) = await connections(1)                         # forcing an end is the owner's
    *_, rows = await asyncio.gather(*(play(c, u) for c, u in zip(conns, users)), end(owner))
    attackers = {r[0]: r[1] for r in await conn.fetch(
        "select user_id, sum(damage) from stardust.raid_attacks group by user_id")}
    assert await conn.fetchval("select count(*) from stardust.raid_attacks") >= 3  # a race ran
    assert {r["user_id"]: r["damage"] for r in rows} == attackers
    # and the rewards rows are those payouts, each on the ledger once
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'raid'") == (
        len([r for r in rows if r["gems"] or r["coins"]]))
    await assert_ledger_balanced(conn)


async def test_an_attack_in_flight_when_the_raid_ends_is_paid_too(conn, connections):
    """end_raid lists the attackers, locks them, then the raid: an attack by a new player
    that holds the raid row meanwhile commits first, and end_raid takes the locks again
    with that player included."""
    await world(conn, (1, 2))
    raid = await start_raid(conn)
    await attack(conn, 1)
    (a,) = await connections(1, as_bot=True)
    (b,) = await connections(1)                             # forcing an end is the owner's
    tx = a.transaction()
    await tx.start()
    await attack(a, 2)                                      # holds the raid row, uncommitted
    ending = asyncio.ensure_future(b.fetch("select * from stardust.end_raid($1, true)",
                                           raid["id"]))
    for _ in range(200):                                    # until end_raid waits on the lock
        if await conn.fetchval("select count(*) from pg_stat_activity where wait_event_type ="
                               " 'Lock' and query like '%end_raid%'"):
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("end_raid never waited for the raid row")
    await tx.commit()
    rows = await ending
    assert {r["user_id"] for r in rows} == {1, 2}
    await assert_ledger_balanced(conn)
