"""grant through the bot role: capped per UTC day, audited with the acting admin's id; the
owner is not capped. Who is "the bot role" is decided by stardust._invoker, tested here
through every way in (docs/SECURITY.md)."""

from __future__ import annotations

import asyncio
import itertools
import os

import asyncpg
import pytest

from tests.helpers import assert_ledger_balanced, sqlstate, unchanged


pytestmark = pytest.mark.usefixtures("steady_game_clock")   # day and hour rules: a steady clock


ADMIN = 4242
GRANT = ("select * from stardust.grant(p_user_id => $1, p_gems => $2, p_coins => $3,"
         " p_reason => 'test', p_request_id => $4, p_admin_id => $5)")
_logins = itertools.count()


async def grant(c, uid, gems=0, coins=0, rid=None, admin=ADMIN):
    return await c.fetchrow(GRANT, uid, gems, coins, rid, admin)


async def set_caps(conn, gems=None, coins=None):
    for key, value in (("bot_grant_daily_gems", gems), ("bot_grant_daily_coins", coins)):
        if value is not None:
            await conn.execute("select stardust.set_setting($1, $2::text::jsonb)", key,
                               str(value))


async def used_today(conn):
    row = await conn.fetchrow("select gems, coins from stardust.bot_grant_days"
                              " where day = (stardust._now() at time zone 'UTC')::date")
    return tuple(row) if row else (0, 0)


async def owner_name(conn) -> str:
    return await conn.fetchval("select pg_get_userbyid(nspowner) from pg_namespace"
                               " where nspname = 'stardust'")


@pytest.fixture
async def login(conn, db_url):
    """Factory: a real login role (LOGIN, cluster-wide) and a connection made with it;
    dropped afterwards."""
    made: list[tuple[str, asyncpg.Connection]] = []

    async def make(in_role: str = "stardust_bot", **kwargs) -> tuple[str, asyncpg.Connection]:
        name = f"grants_login_{os.getpid()}_{next(_logins)}"
        await conn.execute(f'create role "{name}" login in role "{in_role}"')
        c = await asyncpg.connect(db_url, user=name, **kwargs)
        made.append((name, c))
        return name, c

    yield make
    for name, c in made:
        await c.close()
        await conn.execute(f'drop role "{name}"')


async def test_the_leaked_login_call_of_the_issue_is_refused(conn, bot_conn):
    await conn.fetchrow("select * from stardust.get_user(777)")
    async with unchanged(conn):
        with sqlstate("SDARG"):                     # no acting admin
            await bot_conn.fetchrow("select * from stardust.grant(p_user_id => 777,"
                                    " p_gems => 9000000000000000000, p_reason => 'x')")
        with sqlstate("SDARG"):                     # out of range (docs/API.md, Bounds)
            await bot_conn.fetchrow("select * from stardust.grant(p_user_id => 777,"
                                    " p_gems => 9000000000000000000, p_reason => 'x',"
                                    " p_admin_id => 1)")
        with sqlstate("SDARG") as err:              # over the cap
            await bot_conn.fetchrow("select * from stardust.grant(p_user_id => 777,"
                                    " p_gems => 1000000000000000, p_reason => 'x',"
                                    " p_admin_id => 1)")
    assert err.value.detail == "left_gems=1000000 left_coins=100000"


async def test_bot_grants_are_capped_per_utc_day_summed_over_all_grants(conn, bot_conn):
    assert (await grant(bot_conn, 1, 600_000))["gems"] == 610_000
    async with unchanged(conn):
        with sqlstate("SDARG") as err:
            await grant(bot_conn, 2, 500_000)
    assert err.value.detail == "left_gems=400000 left_coins=100000"
    assert "400,000 gems and 100,000 coins" in err.value.hint and "p_" not in err.value.hint
    await grant(bot_conn, 2, 400_000)
    await grant(bot_conn, 3, coins=100_000)
    async with unchanged(conn):
        for gems, coins in ((1, 0), (0, 1), (1, -1)):
            with sqlstate("SDARG") as err:
                await grant(bot_conn, 3, gems, coins)
            assert err.value.detail == "left_gems=0 left_coins=0"
    assert await used_today(conn) == (1_000_000, 100_000)
    # the owner is not capped, and does not count
    assert (await grant(conn, 1, 5_000_000, admin=None))["gems"] == 5_610_000
    assert await used_today(conn) == (1_000_000, 100_000)
    # a new UTC day: yesterday's grants no longer count
    await conn.execute("update stardust.bot_grant_days set day = day - 1")
    await grant(bot_conn, 3, 1_000_000, 100_000)
    assert await used_today(conn) == (1_000_000, 100_000)
    await assert_ledger_balanced(conn)


async def test_taking_away_does_not_count(conn, bot_conn):
    await set_caps(conn, gems=1000, coins=10)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await grant(bot_conn, 1, -500)
    assert await used_today(conn) == (0, 0)
    await grant(bot_conn, 1, 1000)
    await grant(bot_conn, 1, -300, 10)                  # only the coins given count
    assert await used_today(conn) == (1000, 10)
    user = await grant(bot_conn, 1, -9000)               # at the cap, taking still works
    assert (user["gems"], user["coins"]) == (10000 - 500 + 1000 - 300 - 9000, 10)
    with sqlstate("SDARG"):
        await grant(bot_conn, 1, 1)
    await assert_ledger_balanced(conn)


async def test_the_acting_admin_is_required_through_the_bot_and_every_grant_is_audited(
        conn, bot_conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    async with unchanged(conn):
        for admin in (None, 0, -5):
            with sqlstate("SDARG"):
                await grant(bot_conn, 1, 10, admin=admin)
        with sqlstate("SDARG"):
            await grant(conn, 1, 10, admin=0)
    await grant(bot_conn, 1, 10, 1, rid="r1")
    await grant(conn, 1, -5, admin=None)
    await grant(conn, 1, 7, admin=99)
    rows = await conn.fetch("select user_id, admin_id, gems, coins, reason, request_id, via,"
                            " db_role from stardust.admin_grants order by id")
    owner = await owner_name(conn)
    assert [tuple(r) for r in rows] == [
        (1, ADMIN, 10, 1, "test", "r1", "bot", "stardust_bot"),
        (1, None, -5, 0, "test", None, "owner", owner),
        (1, 99, 7, 0, "test", None, "owner", owner)]
    # the audit and the day's totals are the owner's: the bot can neither read nor write them
    for table in ("admin_grants", "bot_grant_days"):
        for priv in ("select", "insert", "update", "delete"):
            assert not await conn.fetchval("select has_table_privilege('stardust_bot', $1, $2)",
                                           f"stardust.{table}", priv)
    with sqlstate("42501"):
        await bot_conn.fetch("select * from stardust.admin_grants")


async def test_a_replayed_grant_returns_the_first_result_and_counts_once(conn, bot_conn):
    await set_caps(conn, gems=1000)
    first = await grant(bot_conn, 1, 1000, rid="r1")
    # the cap is reached, but a retry of the same request is the same grant
    again = await grant(bot_conn, 1, 1000, rid="r1")
    assert dict(first) == dict(again)
    assert await used_today(conn) == (1000, 0)
    assert await conn.fetchval("select count(*) from stardust.admin_grants") == 1
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'test'") == 1
    async with unchanged(conn):
        with sqlstate("SDIDM"):
            await grant(bot_conn, 1, 1000, rid="r1", admin=ADMIN + 1)
        with sqlstate("SDARG"):
            await grant(bot_conn, 1, 1000, rid="r2")
    await assert_ledger_balanced(conn)


async def test_parallel_bot_grants_never_pass_the_cap(conn, connections):
    await set_caps(conn, gems=10_000, coins=1_000)
    users = list(range(1, 7))
    for uid in users:
        await conn.fetchrow("select * from stardust.get_user($1)", uid)
    conns = await connections(24, as_bot=True)

    async def play(i, c):
        ok = 0
        for j in range(3):
            try:
                await grant(c, users[(i + j) % len(users)], 1000, 100, rid=f"{i}-{j}",
                            admin=ADMIN + i)
                ok += 1
            except asyncpg.PostgresError as exc:
                assert exc.sqlstate == "SDARG", exc
        return ok

    assert sum(await asyncio.gather(*(play(i, c) for i, c in enumerate(conns)))) == 10
    assert await used_today(conn) == (10_000, 1_000)
    assert tuple(await conn.fetchrow(
        "select sum(gems), sum(coins), count(*) from stardust.admin_grants where via = 'bot'")
    ) == (10_000, 1_000, 10)
    assert await conn.fetchval("select sum(gems) - $1::bigint * 10000 from stardust.users",
                               len(users)) == 10_000
    await assert_ledger_balanced(conn)


async def via(conn) -> str:
    """How the last grant was counted: 'bot' (capped) or 'owner'."""
    return await conn.fetchval("select via || ':' || db_role from stardust.admin_grants"
                               " order by id desc limit 1")


async def test_every_way_in_through_the_bot_role_is_capped(conn, db_url, bot_conn, login,
                                                          connections):
    """A superuser session with SET ROLE stardust_bot, a real login in role stardust_bot and
    that login's SET ROLE / set_config tricks all count as the bot; only the owner (and a
    member of the owner's role) does not."""
    owner = await owner_name(conn)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await set_caps(conn, gems=0)                 # any gems through the bot are refused

    async def capped(c, expect_role):
        with sqlstate("SDARG"):                  # over the cap
            await grant(c, 1, 1)
        with sqlstate("SDARG"):                  # and the admin id is required
            await grant(c, 1, coins=1, admin=None)
        await grant(c, 1, coins=1)
        assert await via(conn) == f"bot:{expect_role}"

    await capped(bot_conn, "stardust_bot")       # connected with role=stardust_bot
    # a superuser's (here: the owner's) session after SET ROLE stardust_bot
    (su,) = await connections(1)
    await su.execute("set role stardust_bot")
    await capped(su, "stardust_bot")
    await su.execute("reset role")
    await grant(su, 1, 1, admin=None)
    assert await via(conn) == f"owner:{owner}"

    # the bot's real login: a member of stardust_bot
    name, mallory = await login()
    assert await mallory.fetchval("select current_user") == name
    await capped(mallory, name)
    for trick in (f'set role "{owner}"', f"select set_config('role', '{owner}', false)",
                  f"select set_config('role', '{owner}', true)",
                  f'set session authorization "{owner}"'):
        with sqlstate("42501"):
            await mallory.execute(trick)
    await mallory.execute("set role stardust_bot")
    await capped(mallory, "stardust_bot")
    await mallory.execute("set role none")
    await capped(mallory, name)
    with sqlstate("42501"):                      # the helper itself is not the bot's
        await mallory.fetch("select * from stardust._invoker()")
    # asking for the owner's role at connection time is refused too
    with pytest.raises(asyncpg.PostgresError) as err:
        await asyncpg.connect(db_url, user=name, server_settings={"role": owner})
    assert err.value.sqlstate == "42501"

    # a login that is a member of the owner's role is the owner (it could SET ROLE to it)
    admin_name, admin = await login(in_role=owner)
    await grant(admin, 1, 1, admin=None)
    assert await via(conn) == f"owner:{admin_name}"
    await assert_ledger_balanced(conn)
