import uuid

from tests.helpers import load_catalogue, sqlstate, unchanged

PULL = "select * from stardust.pull($1, 1, p_request_id => $2)"


async def test_purge_requests_deletes_only_records_older_than_asked(conn):
    await load_catalogue(conn)
    old, recent = [uuid.uuid4().hex for _ in range(3)], [uuid.uuid4().hex for _ in range(2)]
    for rid in old + recent:
        await conn.fetch(PULL, 1, rid)
    await conn.execute("update stardust.requests set created_at = now() - interval '8 days'"
                       " where request_id = any($1::text[])", old)
    await conn.execute("update stardust.requests set created_at = now() - interval '6 days'"
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
    await conn.execute("update stardust.requests set created_at = now() - interval '2 hours'")
    async with unchanged(conn):
        for bad in (None, "23 hours", "-1 day", "0"):
            with sqlstate("SDARG"):
                await conn.fetchval("select stardust.purge_requests($1::text::interval)", bad)
    assert await conn.fetchval("select stardust.purge_requests(interval '24 hours')") == 0
    with sqlstate("42501"):
        await bot_conn.fetchval("select stardust.purge_requests()")
