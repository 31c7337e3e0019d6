import asyncio
import uuid

from tests.helpers import assert_ledger_balanced, load_catalogue, sqlstate, unchanged

PULL = "select * from stardust.pull($1, 1, p_request_id => $2)"


async def test_purge_requests_deletes_only_records_older_than_asked(conn):
    await load_catalogue(conn)
    old, recent = [uuid.uuid4().hex for _ in range(3)], [uuid.uuid4().hex for _ in range(2)]
    for rid in old + recent:
        await conn.fetch(PULL, 1, rid)
    await conn.execute("update stardust.requests set created_at = stardust._now() - interval '8 days'"
                       " where request_id = any($1::text[])", old)
    await conn.execute("update stardust.requests set created_at = stardust._now() - interval '6 days'"
                       " where request_id = any($1::text[])", recent)
    pulls, ledger = (await conn.fetchval("select count(*) from stardust.pulls"),
                     await conn.fetchval("select count(*) from stardust.ledger"))
    assert await conn.fetchval("select stardust.purge_requests()") == 3
    assert sorted(r[0] for r in await conn.fetch("select request_id from stardust.requests")) \
        == sorted(recent)
    assert await conn.fetchval("select stardust.purge_requests()") == 0
    # the audit trail keeps its request ids; a kept record still answers a retry
    assert await conn.fetchval("select count(*) from stardust.pulls") == pulls
    assert await conn.fetchval("select count(*) from stardust.ledger") == ledger
    gems = await conn.fetchval("select gems from stardust.users where user_id = 1")
    await conn.fetch(PULL, 1, recent[0])
    assert await conn.fetchval("select gems from stardust.users where user_id = 1") == gems
    assert await conn.fetchval("select stardust.purge_requests(interval '5 days')") == 2


async def test_purge_requests_keeps_at_least_a_day_and_is_admin_only(conn, bot_conn):
    await load_catalogue(conn)
    await conn.fetch(PULL, 1, "r1")
    await conn.execute("update stardust.requests set created_at = stardust._now() - interval '2 hours'")
    async with unchanged(conn):
        for bad in (None, "23 hours", "-1 day", "0"):
            with sqlstate("SDARG"):
                await conn.fetchval("select stardust.purge_requests($1::text::interval)", bad)
    assert await conn.fetchval("select stardust.purge_requests(interval '24 hours')") == 0
    with sqlstate("42501"):
        await bot_conn.fetchval("select stardust.purge_requests()")


async def test_purge_racing_pulls_and_retries_loses_no_live_record(conn, connections):
    """Purges run while players pull and retry: every record younger than a day survives,
    every retry answers its first result, and nothing is charged twice."""
    await load_catalogue(conn)
    users = [11, 12, 13, 14]
    for u in users:
        await conn.fetchrow("select * from stardust.get_user($1)", u)
        await conn.execute("select stardust.grant($1, 100000)", u)
    await conn.fetch(PULL, 11, "ancient")
    await conn.execute("update stardust.requests set created_at = stardust._now() - interval '30 days'")
    conns = await connections(len(users), as_bot=True)
    admin = await connections(2)

    async def player(c, uid):
        first = {}
        for i in range(15):
            rid = f"{uid}-{i}"
            first[rid] = [tuple(r) for r in await c.fetch(PULL, uid, rid)]
            again = [tuple(r) for r in await c.fetch(PULL, uid, f"{uid}-{i // 2}")]
            assert again == first[f"{uid}-{i // 2}"]
        return first

    async def purger(c):
        return sum([await c.fetchval("select stardust.purge_requests(interval '1 day')")
                    for _ in range(20)])

    results = await asyncio.gather(*(player(c, u) for c, u in zip(conns, users)),
                                   *(purger(a) for a in admin))
    assert sum(results[len(users):]) == 1                      # only the ancient record
    assert await conn.fetchval("select count(*) from stardust.requests") == 15 * len(users)
    for u in users:                                            # 15 pulls each, never 30
        assert await conn.fetchval("select count(*) from stardust.ledger where user_id = $1"
                                   " and reason = 'pull'", u) == 15 + (u == 11)
    await assert_ledger_balanced(conn)
