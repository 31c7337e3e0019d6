"""Provably fair pulls under concurrency, on real parallel connections: nonces taken under
the users row lock are distinct and gap-free; a rotation waits for the pulls using the seed
it reveals, and pulls queued behind a rotation use the new seed; every unit verifies after
the reveal."""

from __future__ import annotations

import asyncio

from tests.helpers import assert_ledger_balanced, load_catalogue, without_achievements
from tests.sql.test_fairness import recompute_all, recorded


async def wait_until_blocked(admin, pid: int) -> None:
    """Wait (not a timed assertion: it only polls) until backend `pid` waits for a lock."""
    for _ in range(3000):
        if await admin.fetchval("select wait_event_type = 'Lock' from pg_stat_activity"
                                " where pid = $1", pid):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"backend {pid} never waited for a lock")


async def nonces(conn, user_id: int) -> list[int]:
    return [r[0] for r in await conn.fetch(
        "select u.nonce from stardust.pulls p cross join unnest(p.units) u"
        " where p.user_id = $1 and u.nonce is not null order by u.nonce", user_id)]


async def test_32_simultaneous_pulls_take_distinct_gap_free_nonces(conn, connections):
    await without_achievements(conn)
    await load_catalogue(conn)
    await conn.execute("select stardust.grant(1, 1000000)")
    conns = await connections(32, as_bot=True)
    results = await asyncio.gather(*(
        c.fetch("select * from stardust.pull(1, $1)", 10 if i % 2 else 1)
        for i, c in enumerate(conns)))
    total = sum(len(r) for r in results)
    assert total == 16 * 10 + 16
    assert await nonces(conn, 1) == list(range(total))
    for r in results:                   # each call's units hold consecutive nonces in order
        assert [u["nonce"] for u in r] == list(range(r[0]["nonce"], r[0]["nonce"] + len(r)))
    assert (await conn.fetchrow("select * from stardust.fairness(1)"))["nonce"] == total
    await assert_ledger_balanced(conn)


async def test_a_rotation_waits_for_the_pull_using_the_seed(conn, connections):
    await load_catalogue(conn)
    puller, rotator = await connections(2)
    old = (await conn.fetchrow("select * from stardust.fairness(1)"))["seed_id"]
    tx = puller.transaction()
    await tx.start()
    units = await puller.fetch("select * from stardust.pull(1, 10)")
    assert {u["seed_id"] for u in units} == {old}
    rotation = asyncio.ensure_future(rotator.fetch("select * from stardust.rotate_seed()"))
    await wait_until_blocked(conn, rotator.get_server_pid())
    assert not rotation.done()
    assert await conn.fetch("select * from stardust.revealed_seeds()") == []
    await tx.commit()
    revealed = await rotation
    assert [r["id"] for r in revealed] == [old]
    pulled_at = await conn.fetchval("select max(pulled_at) from stardust.pulls")
    assert revealed[0]["revealed_at"] > pulled_at
    assert await recompute_all(conn, 1) == await recorded(conn, 1)


async def test_a_pull_queued_behind_a_rotation_uses_the_new_seed(conn, connections):
    await load_catalogue(conn)
    await conn.fetchrow("select * from stardust.get_user(1)")
    puller, rotator = await connections(2)
    old = (await conn.fetchrow("select * from stardust.fairness(1)"))["seed_id"]
    tx = rotator.transaction()
    await tx.start()
    assert [r["id"] for r in await rotator.fetch("select * from stardust.rotate_seed()")] == [old]
    pull = asyncio.ensure_future(puller.fetch("select * from stardust.pull(1, 10)"))
    await wait_until_blocked(conn, puller.get_server_pid())
    await tx.commit()
    units = await pull
    new = (await conn.fetchrow("select * from stardust.fairness(1)"))["seed_id"]
    assert new > old and {u["seed_id"] for u in units} == {new}
    await conn.fetch("select * from stardust.rotate_seed()")
    assert await recompute_all(conn, 1) == await recorded(conn, 1)


async def test_rotations_racing_pulls_leave_every_unit_verifiable(conn, connections):
    await without_achievements(conn)
    await load_catalogue(conn)
    users = [1, 2, 3, 4]
    for u in users:
        await conn.execute("select stardust.grant($1, 2000000)", u)
    pullers = await connections(12, as_bot=True)
    (rotator,) = await connections(1)

    async def pull_loop(c, user, n):
        for i in range(n):
            await c.fetch("select * from stardust.pull($1, $2)", user, 10 if i % 3 else 1)

    async def rotate_loop():
        for _ in range(8):
            await rotator.fetch("select * from stardust.rotate_seed()")
            await asyncio.sleep(0.01)

    await asyncio.gather(rotate_loop(),
                         *(pull_loop(c, users[i % 4], 8) for i, c in enumerate(pullers)))
    await conn.fetch("select * from stardust.rotate_seed()")
    assert await conn.fetchval("select count(*) from stardust.pulls p cross join unnest(p.units) u"
                               " where u.seed_id is null") == 0
    # every seed used is revealed now, and a player's seeds never go back in nonce order
    assert await conn.fetchval("""
        select count(*) from stardust.pulls p cross join unnest(p.units) u
          left join stardust.server_seeds s on s.id = u.seed_id
         where s.revealed_at is null""") == 0
    assert len({r[0] for r in await conn.fetch(
        "select distinct u.seed_id from stardust.pulls p cross join unnest(p.units) u")}) > 1
    for u in users:
        seq = [r[0] for r in await conn.fetch(
            "select x.seed_id from stardust.pulls p cross join unnest(p.units) x"
            " where p.user_id = $1 order by x.nonce", u)]
        assert seq == sorted(seq)
        got = await nonces(conn, u)
        assert got == list(range(3 * (5 * 10 + 3 * 1)))      # 3 pullers: 5 tens, 3 singles
        assert await recompute_all(conn, u) == await recorded(conn, u)
    await assert_ledger_balanced(conn)
