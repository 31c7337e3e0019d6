"""A database shaped like Supabase's, migrated by the CLI as a non-superuser owner.

On Supabase the SQL editor and migrations run as `postgres`, which is NOT a superuser: it has
CREATEROLE and CREATEDB. PostgREST's `authenticator` logs in and switches to `anon`,
`authenticated` or `service_role`; Supabase grants those roles everything in schema `public`
by default privileges. Nothing of Stardust may be reachable through them, and the bot's
login (a member of stardust_bot) reaches the API functions only.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import asyncpg
import psycopg
import pytest
from psycopg import sql

from bot import migrate
from tests.helpers import load_catalogue, sqlstate

pytestmark = pytest.mark.slow          # CLI processes, a database shaped like Supabase

BIN = Path(sys.executable).parent
SUPABASE_ROLES = ("anon", "authenticated", "service_role")
_counter = itertools.count()


def _url(cluster, user: str, dbname: str) -> str:
    return (f"postgresql://{quote(user)}@/{quote(dbname)}"
            f"?host={quote(str(cluster.socket_dir))}&port={cluster.port}")


@pytest.fixture
def supabase_db(pg_cluster):
    """A new database owned by a Supabase-like `postgres` (login, CREATEROLE, CREATEDB, no
    superuser), with anon/authenticated/service_role and authenticator as on Supabase.
    Yields (owner_url, names); everything made here is dropped afterwards."""
    n = f"{os.getpid()}_{next(_counter)}"
    names = {"owner": f"sb_owner_{n}", "db": f"sb_db_{n}", "bot": f"sb_bot_{n}",
             "authenticator": f"sb_authenticator_{n}"}
    su = psycopg.connect(pg_cluster.url("postgres"), autocommit=True)
    ident = lambda k: sql.Identifier(names[k])  # noqa: E731
    created_roles: list[str] = []
    try:
        for role in SUPABASE_ROLES:             # fixed names, as PostgREST expects them
            if not su.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone():
                su.execute(sql.SQL("create role {} nologin noinherit").format(
                    sql.Identifier(role)))
                created_roles.append(role)
        su.execute(sql.SQL("create role {} login noinherit").format(ident("authenticator")))
        su.execute(sql.SQL("grant anon, authenticated, service_role to {}").format(
            ident("authenticator")))
        su.execute(sql.SQL("create role {} login createrole createdb").format(ident("owner")))
        su.execute(sql.SQL("create database {} owner {}").format(ident("db"), ident("owner")))
        # Supabase's defaults: schema public usable by the API roles, and everything the
        # owner creates there granted to them
        with psycopg.connect(pg_cluster.url(names["db"]), autocommit=True) as db:
            db.execute("grant usage on schema public to anon, authenticated, service_role")
            for kind in ("tables", "functions", "sequences"):
                db.execute(sql.SQL("alter default privileges for role {} in schema public "
                                   "grant all on {} to anon, authenticated, service_role")
                           .format(ident("owner"), sql.SQL(kind)))
        yield _url(pg_cluster, names["owner"], names["db"]), names
    finally:
        su.execute(sql.SQL("drop database if exists {} with (force)").format(ident("db")))
        for key in ("bot", "authenticator", "owner"):
            su.execute(sql.SQL("drop role if exists {}").format(ident(key)))
        for role in created_roles:
            su.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))
        su.close()


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([str(BIN / "stardust"), "migrate", *args], env=env,
                          capture_output=True, text=True, timeout=300)


async def test_supabase_shaped_database(pg_cluster, supabase_db):
    owner_url, names = supabase_db
    # the CLI migrates as the non-superuser owner, twice, and then finds no drift
    for _ in range(2):
        run = _cli(owner_url)
        assert run.returncode == 0, run.stdout + run.stderr
    check = _cli(owner_url, "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    # rolling everything back and migrating again works without a superuser too
    assert migrate.rollback(owner_url)[-1] == "0001_foundation"
    run = _cli(owner_url)
    assert run.returncode == 0, run.stdout + run.stderr
    check = _cli(owner_url, "--check")
    assert check.returncode == 0, check.stdout + check.stderr

    owner = await asyncpg.connect(owner_url)
    try:
        assert not await owner.fetchval(
            "select rolsuper from pg_roles where rolname = current_user")
        # the operator gives the bot a login, as the README says
        await owner.execute(f'create role "{names["bot"]}" login in role stardust_bot')

        # anon / authenticated / service_role: no way in
        for role in SUPABASE_ROLES:
            assert not await owner.fetchval(
                "select has_schema_privilege($1, 'stardust', 'usage')", role), role
            assert not await owner.fetchval(
                "select has_schema_privilege($1, 'stardust_migrations', 'usage')", role), role
        # splinter 0028/0029, on every schema of the database
        exposed = await owner.fetch("""
            select r.rolname, p.oid::regprocedure::text as sig
              from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
                   (values ('anon'), ('authenticated')) r(rolname)
             where n.nspname not in ('pg_catalog', 'information_schema')
               and has_function_privilege(r.rolname, p.oid, 'execute')
               and (n.nspname like 'stardust%' or p.prosecdef)""")
        assert not exposed, [tuple(r) for r in exposed]
        tables = [r[0] for r in await owner.fetch(
            "select c.oid::regclass::text from pg_class c"
            " where c.relnamespace in ('stardust'::regnamespace,"
            "                          'stardust_migrations'::regnamespace)"
            "   and c.relkind in ('r', 'p', 'v', 'm', 'S')")]
        assert len(tables) >= 20
        for role in (*SUPABASE_ROLES, names["bot"]):
            granted = await owner.fetch(
                "select t from unnest($2::text[]) t where has_table_privilege($1, t,"
                " 'select, insert, update, delete, truncate, references, trigger')",
                role, tables)
            assert not granted, (role, [r[0] for r in granted])

        # the bot's login: EXECUTE on the API functions granted to stardust_bot, on no helper
        funcs = await owner.fetch("""
            select p.proname, p.oid::regprocedure::text as sig,
                   has_function_privilege($1, p.oid, 'execute') as bot_can,
                   exists (select 1 from aclexplode(p.proacl) a
                            where a.grantee = 'stardust_bot'::regrole
                              and a.privilege_type = 'EXECUTE') as granted
              from pg_proc p where p.pronamespace = 'stardust'::regnamespace""", names["bot"])
        assert not [f["sig"] for f in funcs if f["proname"].startswith("_") and f["bot_can"]]
        assert not [f["sig"] for f in funcs if f["bot_can"] != f["granted"]]
        bot_api = {f["proname"] for f in funcs if f["bot_can"]}
        assert {"get_user", "pull", "set_team", "battle_npc", "checkin"} <= bot_api
        await load_catalogue(owner)
    finally:
        await owner.close()

    # PostgREST's path: authenticator switches to anon / authenticated and finds nothing
    api = await asyncpg.connect(_url(pg_cluster, names["authenticator"], names["db"]))
    try:
        for role in ("anon", "authenticated"):
            await api.execute(f"set role {role}")
            with sqlstate("42501"):
                await api.fetchrow("select * from stardust.get_user(1)")
            with sqlstate("42501"):
                await api.fetch("select * from stardust.users")
            await api.execute("reset role")
    finally:
        await api.close()

    # the bot logs in with its own role and plays, through the API only
    bot = await asyncpg.connect(_url(pg_cluster, names["bot"], names["db"]))
    try:
        assert (await bot.fetchrow("select * from stardust.get_user(7)"))["gems"] > 0
        units = await bot.fetch("select * from stardust.pull(7, 10, null, 'r1')")
        assert len(units) == 10
        await bot.fetch("select * from stardust.set_team(7, $1::bigint[])",
                        [u["inventory_id"] for u in units if u["inventory_id"]][:1])
        assert await bot.fetchval("select stardust.team_power(7)") > 0
        for table in tables:
            with sqlstate("42501"):
                await bot.fetch(f"select * from {table} limit 1")
        with sqlstate("42501"):
            await bot.fetchval("select stardust._setting('pull_cost')")
        with sqlstate("42501"):
            await bot.execute("create table stardust.mine (x int)")
    finally:
        await bot.close()
