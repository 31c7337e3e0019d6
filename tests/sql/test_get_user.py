import asyncio


from tests.helpers import assert_ledger_balanced, sqlstate, unchanged


async def test_first_call_creates_user_with_signup_ledger_row(conn):
    user = await conn.fetchrow("select * from stardust.get_user(p_user_id => 42)")
    assert user["user_id"] == 42
    assert user["gems"] == 10000 and user["coins"] == 0
    assert user["pity_counter"] == 0 and user["bounty_keys"] == 3
    assert user["team_level"] == 1
    rows = await conn.fetch("select gems_delta, coins_delta, reason from stardust.ledger"
                            " where user_id = 42")
    assert [tuple(r) for r in rows] == [(10000, 0, "signup")]
    await assert_ledger_balanced(conn)


async def test_second_call_returns_same_row_and_grants_nothing(conn):
    first = await conn.fetchrow("select * from stardust.get_user(42)")
    second = await conn.fetchrow("select * from stardust.get_user(42)")
    assert dict(first) == dict(second)
    assert await conn.fetchval("select count(*) from stardust.ledger") == 1


async def test_starting_gems_come_from_settings(conn):
    await conn.execute("select stardust.set_setting('signup_gems', '2500')")
    await conn.execute("select stardust.set_setting('signup_coins', '7')")
    user = await conn.fetchrow("select * from stardust.get_user(7)")
    assert (user["gems"], user["coins"]) == (2500, 7)
    await assert_ledger_balanced(conn)


async def test_invalid_user_ids_are_refused(conn):
    async with unchanged(conn):
        for bad in (0, -5):
            with sqlstate("SDARG"):
                await conn.fetchrow("select * from stardust.get_user($1)", bad)
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.get_user(null)")


async def test_concurrent_first_calls_create_one_user_and_one_signup(connections, conn):
    conns = await connections(10, as_bot=True)
    rows = await asyncio.gather(*(c.fetchrow("select * from stardust.get_user(99)")
                                  for c in conns))
    assert {r["gems"] for r in rows} == {10000}
    assert await conn.fetchval("select count(*) from stardust.ledger where user_id = 99") == 1
    await assert_ledger_balanced(conn)


async def test_bot_role_calls_functions_but_cannot_touch_tables(bot_conn):
    assert (await bot_conn.fetchrow("select * from stardust.get_user(5)"))["gems"] == 10000
    # no table privileges at all
    with sqlstate("42501"):
        await bot_conn.fetch("select * from stardust.users")
    # private helpers and admin functions are not executable by the bot
    for call in ("select stardust._credit(5, 100, 0, 'x')",
                 "select stardust.upsert_characters('[]')",
                 "select stardust.set_setting('signup_gems', '1')"):
        with sqlstate("42501"):
            await bot_conn.execute(call)
