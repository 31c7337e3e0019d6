import asyncio

import asyncpg

from tests.helpers import assert_ledger_balanced, sqlstate, unchanged


async def test_grant_adds_and_takes_with_ledger_rows(conn):
    user = await conn.fetchrow(
        "select * from stardust.grant(p_user_id => 1, p_gems => 500, p_coins => 20,"
        " p_reason => 'event prize')")
    assert (user["gems"], user["coins"]) == (10500, 20)
    user = await conn.fetchrow("select * from stardust.grant(1, p_gems => -10500)")
    assert (user["gems"], user["coins"]) == (0, 20)
    rows = await conn.fetch("select gems_delta, coins_delta, reason from stardust.ledger"
                            " where user_id = 1 order by id")
    assert [tuple(r) for r in rows] == [(10000, 0, "signup"), (500, 20, "event prize"),
                                        (-10500, 0, "admin")]
    await assert_ledger_balanced(conn)


async def test_taking_more_than_held_is_refused_and_changes_nothing(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    async with unchanged(conn):
        with sqlstate("SDNSF") as err:
            await conn.fetchrow("select * from stardust.grant(1, p_gems => -10001)")
        assert "missing_gems=1" in err.value.detail
        with sqlstate("SDNSF"):
            await conn.fetchrow("select * from stardust.grant(1, p_coins => -1)")


async def test_bad_arguments(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    async with unchanged(conn):
        for call in ("select stardust.grant(1)",
                     "select stardust.grant(1, 0, 0)",
                     "select stardust.grant(1, null, 5)",
                     "select stardust.grant(1, 5, p_reason => '  ')",
                     "select stardust.grant(1, 5, p_reason => null)",
                     "select stardust.grant(0, 5)"):
            with sqlstate("SDARG"):
                await conn.execute(call)


async def test_request_id_makes_it_idempotent(conn):
    a = await conn.fetchrow("select * from stardust.grant(1, 100, p_request_id => 'r1')")
    b = await conn.fetchrow("select * from stardust.grant(1, 100, p_request_id => 'r1')")
    assert dict(a) == dict(b) and a["gems"] == 10100
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'admin'") == 1
    async with unchanged(conn):
        with sqlstate("SDIDM"):
            await conn.execute("select stardust.grant(1, 200, p_request_id => 'r1')")
    await assert_ledger_balanced(conn)


async def test_concurrent_debits_never_overdraw(conn, connections):
    await conn.fetchrow("select * from stardust.get_user(3)")   # 10000 gems
    conns = await connections(20)

    async def take(c):
        try:
            await c.execute("select stardust.grant(3, p_gems => -1000)")
            return True
        except asyncpg.PostgresError as exc:
            assert exc.sqlstate == "SDNSF"
            return False

    results = await asyncio.gather(*(take(c) for c in conns))
    assert sum(results) == 10
    assert await conn.fetchval("select gems from stardust.users where user_id = 3") == 0
    await assert_ledger_balanced(conn)


async def test_ledger_is_append_only(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.execute("update stardust.ledger set gems_delta = 1")
        with sqlstate("SDARG"):
            await conn.execute("delete from stardust.ledger")
        with sqlstate("SDARG"):
            await conn.execute("truncate stardust.ledger")
