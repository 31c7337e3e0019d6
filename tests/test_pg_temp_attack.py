"""The temporary-schema attack on SECURITY DEFINER functions, run as a real bot login.

A search path that omits `pg_temp` still searches the caller's temporary schema FIRST for
tables and types. A login that can create temporary objects can then shadow `date`, `text`,
`jsonb`... with its own composite types and casts, and a `::date` inside a definer function
runs the login's cast function with the owner's rights. Every function pins
`search_path = pg_catalog, pg_temp`, which puts the temporary schema last. This test plants
the shadows for every commonly cast type, proves on a deliberately vulnerable function that
the payload is live, then makes ordinary API calls as the bot login and asserts that the
payload never ran and the login gained nothing.
"""

from __future__ import annotations

import asyncpg
import pytest

from tests.helpers import load_catalogue, player_with_team

# type names that the parser resolves through the search path (INTEGER, NUMERIC, BOOLEAN,
# INTERVAL... are keywords the grammar maps to pg_catalog directly)
SHADOWED = ["date", "text", "jsonb", "json", "timestamptz", "int4", "int8", "float8", "bool",
            "bytea", "uuid", "varchar"]
SOURCES = ["timestamp", "timestamptz", "date", "text", "varchar", "int4", "int8", "numeric",
           "float8", "jsonb", "json", "bool", "bytea", "uuid"]

LOGIN = "mallory_bot"


async def plant_shadows(c: asyncpg.Connection, owner: str) -> int:
    """As the attacker: a payload that makes the login a member of the owner's role, temp
    types named like the built-in ones and casts into them that run the payload."""
    await c.execute("create temp table pwned (fn text, by_role text)")
    await c.execute(f"""
        create function pg_temp.pwn(p_where text) returns void language plpgsql as $f$
        begin
          insert into pg_temp.pwned values (p_where, current_user);
          execute format('grant %I to {LOGIN}', '{owner}');
        end $f$""")
    casts = 0
    for t in SHADOWED:
        await c.execute(f'create temp table "{t}" (v pg_catalog.{t})')
        # the way back, implicit, so that expressions using the shadow still type-check
        await c.execute(f"""
            create function pg_temp.back_{t}(x pg_temp."{t}") returns pg_catalog.{t}
            language sql as 'select x.v'""")
        await c.execute(f'create cast (pg_temp."{t}" as pg_catalog.{t})'
                        f" with function pg_temp.back_{t}(pg_temp.\"{t}\") as implicit")
        for s in SOURCES:
            if s == t:
                continue
            await c.execute(f"""
                create function pg_temp.to_{t}_from_{s}(x pg_catalog.{s})
                returns pg_temp."{t}" language plpgsql as $f$
                begin perform pg_temp.pwn('{s}->{t}'); return null; end $f$""")
            await c.execute(f'create cast (pg_catalog.{s} as pg_temp."{t}")'
                            f" with function pg_temp.to_{t}_from_{s}(pg_catalog.{s})"
                            " as assignment")
            casts += 1
    return casts


@pytest.fixture
async def attack_db(conn, db_url):
    owner = await conn.fetchval("select pg_get_userbyid(nspowner) from pg_namespace"
                                " where nspname = 'stardust'")
    await conn.execute(f"drop role if exists {LOGIN}")
    await conn.execute(f"create role {LOGIN} login in role stardust_bot")
    await load_catalogue(conn)
    await player_with_team(conn, 4242)
    await conn.execute("insert into stardust.guilds (guild_id) values (77) on conflict do nothing")
    # a function written the old way, with an empty search path: the payload must fire
    # there, or this test proves nothing
    await conn.execute("""
        create function stardust.zz_vulnerable(p_user_id bigint) returns bigint
        language sql stable security definer set search_path = '' as $f$
          select p_user_id + extract(day from (now() at time zone 'UTC')::date)::bigint $f$""")
    await conn.execute("grant execute on function stardust.zz_vulnerable(bigint)"
                       " to stardust_bot")
    try:
        yield owner
    finally:
        await conn.execute("drop function stardust.zz_vulnerable(bigint)")
        await conn.execute(f"reassign owned by {LOGIN} to current_user;"
                           f" drop owned by {LOGIN}; drop role {LOGIN}")


async def member_of_owner(conn, owner) -> bool:
    return await conn.fetchval("select pg_has_role($1, $2, 'MEMBER')", LOGIN, owner)


CALLS = [
    "select * from stardust.get_user(4242)",
    "select count(*) from stardust.daily_tasks(4242)",
    "select * from stardust.checkin(4242, 'temp-1')",
    "select * from stardust.pull(4242, 10, null, 'temp-2')",
    "select * from stardust.profile(4242)",
    "select * from stardust.inventory(4242)",
    "select * from stardust.team_power(4242)",
    "select * from stardust.bounty_board(77, 4242)",
    "select * from stardust.bounty_claim(4242, 77, 1, 'temp-3')",
    "select * from stardust.battle_npc(4242, 'easy', 'temp-4')",
    "select * from stardust.shop(4242)",
    "select * from stardust.achievements(4242)",
    "select * from stardust.pull_history(4242)",
    "select * from stardust.rates()",
    "select * from stardust.expedition_status(4242)",
]


async def test_temp_schema_shadowing_gains_the_bot_login_nothing(attack_db, conn, db_url):
    owner = attack_db
    mallory = await asyncpg.connect(db_url, user=LOGIN)
    try:
        assert await mallory.fetchval("select current_user") == LOGIN
        casts = await plant_shadows(mallory, owner)
        assert casts > 100
        # the shadows would break the attacker's own client too (asyncpg's introspection
        # casts to text): the attacker's session resolves the built-ins first, the functions
        # decide for themselves
        await mallory.execute("set search_path = pg_catalog, pg_temp")
        errors = []
        for sql in CALLS:
            try:
                await mallory.fetch(sql)
            except asyncpg.PostgresError as exc:
                errors.append(f"{sql}: {exc.sqlstate} {exc}")
        assert await mallory.fetch("select * from pg_temp.pwned") == []
        assert not await member_of_owner(conn, owner)
        # and each ordinary call worked as it would without the shadows
        assert not errors, errors
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await mallory.execute(f'set role "{owner}"')

        # the control: the same shadows do escalate through an empty search path
        await mallory.fetchval("select stardust.zz_vulnerable(4242)")
        fired = await mallory.fetch("select * from pg_temp.pwned")
        assert fired and fired[0]["by_role"] == owner
        assert await member_of_owner(conn, owner)
    finally:
        await mallory.close()
