"""Bounty races on real parallel connections."""

import asyncio
import json

import asyncpg
import pytest

from tests.helpers import assert_ledger_balanced, characters, without_achievements


pytestmark = pytest.mark.usefixtures("steady_game_clock")   # day and hour rules: a steady clock


async def setup(conn, users):
    await conn.execute("select stardust.upsert_characters($1::jsonb)",
                       json.dumps(characters(10, 10, 10)))
    for uid in users:
        await conn.fetchrow("select * from stardust.get_user($1)", uid)
        ids = [r[0] for r in await conn.fetch(
            "insert into stardust.inventory (user_id, anilist_id, dupe_level) select $1,"
            " anilist_id, 10 from stardust.characters where rarity = 'SSR' limit 5 returning id",
            uid)]
        await conn.execute("select stardust.set_team($1, $2::bigint[])", uid, ids)


async def test_20_concurrent_claims_by_one_user_on_one_slot(conn, connections):
    await without_achievements(conn)
    await setup(conn, [1])
    rows = await conn.fetch("select * from stardust.bounty_board(9)")
    await conn.execute("update stardust.bounty_slots set tier = 'UR', enemy_power = 20000"
                       " where board_id = $1 and slot = 1", rows[0]["board_id"])
    conns = await connections(20, as_bot=True)

    async def claim(c):
        try:
            return (await c.fetchrow("select * from stardust.bounty_claim(1, 9, 1)"))["outcome"]
        except asyncpg.PostgresError as exc:
            assert exc.sqlstate in ("SDDON", "SDKEY"), exc
            return exc.sqlstate

    results = await asyncio.gather(*(claim(c) for c in conns))
    assert results.count("WIN") == 1
    assert set(results) <= {"WIN", "LOSS", "SDDON", "SDKEY"}
    assert await conn.fetchval("select count(*) from stardust.bounty_clears") == 1
    assert await conn.fetchval("select qty from stardust.user_items where item = 'bond_ur'") == 1
    keys = await conn.fetchval("select bounty_keys from stardust.users where user_id = 1")
    fights = await conn.fetchval("select count(*) from stardust.battles")
    assert keys >= 0 and keys + fights == 3
    assert await conn.fetchval("select gems from stardust.users where user_id = 1") == 15000
    await assert_ledger_balanced(conn)


async def test_ten_readers_of_an_expired_board_make_one_board(conn, connections):
    await setup(conn, [])
    await conn.fetch("select * from stardust.bounty_board(5)")
    await conn.execute("update stardust.bounty_boards set starts_at = stardust._now() - interval '2 hours',"
                       " expires_at = stardust._now() - interval '1 hour'")
    conns = await connections(10, as_bot=True)
    boards = await asyncio.gather(*(c.fetch("select * from stardust.bounty_board(5, $1)", i)
                                    for i, c in enumerate(conns, 1)))
    assert len({b[0]["board_id"] for b in boards}) == 1
    assert await conn.fetchval("select count(*) from stardust.bounty_boards") == 2
    assert all([tuple(r)[:3] for r in b] == [tuple(r)[:3] for r in boards[0]] for b in boards)


async def test_many_users_on_one_board(conn, connections):
    users = list(range(11, 19))
    await setup(conn, users)
    await conn.fetch("select * from stardust.bounty_board(3)")
    conns = await connections(len(users), as_bot=True)

    async def play(c, uid):
        out = []
        for slot in (1, 2, 3, 1):
            try:
                out.append((await c.fetchrow("select * from stardust.bounty_claim($1, 3, $2)",
                                             uid, slot))["outcome"])
            except asyncpg.PostgresError as exc:
                assert exc.sqlstate in ("SDDON", "SDKEY"), exc
                out.append(exc.sqlstate)
        return out

    results = await asyncio.gather(*(play(c, u) for c, u in zip(conns, users)))
    for r in results:
        # three keys, three fights; then slot 1 again: cleared if won (SDDON, checked
        # first), else no key left (SDKEY)
        assert all(x in ("WIN", "LOSS") for x in r[:3]), r
        assert r[3] == ("SDDON" if r[0] == "WIN" else "SDKEY"), r
    wins = sum(r.count("WIN") for r in results)
    assert await conn.fetchval("select count(*) from stardust.bounty_clears") == wins
    assert await conn.fetchval("select count(*) from stardust.users where bounty_keys < 0") == 0
    await assert_ledger_balanced(conn)


async def test_players_attacking_each_other_do_not_deadlock(conn, connections):
    """A PvP battle locks its attacker and records its defender (a foreign key check on
    the defender's row): with FOR UPDATE as the user lock, A->B and B->A deadlocked."""
    await setup(conn, [21, 22, 23, 24])
    conns = await connections(16, as_bot=True)
    pairs = [(21, 22), (22, 21), (23, 24), (24, 23)] * 4

    async def fight(c, attacker, defender):
        for _ in range(8):
            await c.fetchrow("select * from stardust.battle_pvp($1, $2)", attacker, defender)

    await asyncio.gather(*(fight(c, a, d) for c, (a, d) in zip(conns, pairs)))
    assert await conn.fetchval("select count(*) from stardust.battles") == 16 * 8
