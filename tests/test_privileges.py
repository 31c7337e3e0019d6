"""Privileges: what the bot role may call (each function reviewed in docs/SECURITY.md), and
functions the owner creates later by hand are not executable by anyone else."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from bot import migrate
from tests.helpers import sqlstate

REPO = Path(__file__).resolve().parent.parent
SECURITY = REPO / "docs" / "SECURITY.md"

BOT_FUNCTIONS = """
select distinct p.proname from pg_proc p
 where p.pronamespace = 'stardust'::regnamespace
   and has_function_privilege('stardust_bot', p.oid, 'execute')
"""
OWNER_API = """
select distinct p.proname from pg_proc p
 where p.pronamespace = 'stardust'::regnamespace and p.proname !~ '^_'
   and not has_function_privilege('stardust_bot', p.oid, 'execute')
"""


def reviewed(section: str) -> set[str]:
    """The function names in the first column of the table under `## <section>`."""
    text = SECURITY.read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)`", body, flags=re.M))


async def test_every_bot_callable_function_is_reviewed_in_security_md(tx):
    """The catalogue, not the files, says what stardust_bot can execute: each of those
    functions is listed (with why it cannot mint without bound) in docs/SECURITY.md, and
    every other API function is listed as the owner's. A new function fails here until it
    is reviewed."""
    bot = {r[0] for r in await tx.fetch(BOT_FUNCTIONS)}
    owner = {r[0] for r in await tx.fetch(OWNER_API)}
    assert bot == reviewed("What the bot role can call")
    assert owner == reviewed("What only the owner can call")
    # the admin functions that create value are the owner's alone
    assert {"grant_item", "create_gift_code", "start_raid", "create_banner", "set_setting",
            "upsert_characters"} <= owner


async def ensure_role(conn, name: str) -> None:
    # Supabase's API roles; elsewhere made here, as on Supabase, without login (roles are
    # per cluster: left for the other tests)
    await conn.execute(f"""do $$ begin
        if not exists (select 1 from pg_roles where rolname = '{name}') then
          create role {name} nologin;
        end if;
      exception when duplicate_object then null;
      end $$""")


async def test_a_function_the_owner_creates_later_is_not_executable_by_others(conn, bot_conn):
    for role in ("anon", "authenticated"):
        await ensure_role(conn, role)
    # by hand in the SQL editor, forgetting the revoke; in stardust and in public
    await conn.execute("create function stardust.zz_later() returns int language sql"
                       " as 'select 1'")
    await conn.execute("create function public.zz_later() returns int language sql"
                       " as 'select 1'")
    for fn in ("stardust.zz_later()", "public.zz_later()"):
        for role in ("stardust_bot", "anon", "authenticated", "public"):
            assert not await conn.fetchval(
                "select has_function_privilege($1, $2, 'execute')", role, fn), (role, fn)
    with sqlstate("42501"):
        await bot_conn.fetchval("select stardust.zz_later()")
    assert await conn.fetchval("select stardust.zz_later()") == 1


def q(url: str, sql: str):
    with psycopg.connect(url, autocommit=True) as c:
        cur = c.execute(sql)
        return cur.fetchall() if cur.description else None


DEFAULT_ACL = ("select defaclacl::text from pg_default_acl where defaclobjtype = 'f'"
               " and defaclnamespace = 0 and defaclrole = current_user::regrole")


@pytest.fixture
def empty_url(make_db):
    return make_db("empty", template=None)


def test_rolling_back_0005_restores_the_default_and_grant(empty_url):
    migrate.migrate(empty_url)
    owner = q(empty_url, "select current_user")[0][0]
    assert q(empty_url, DEFAULT_ACL) == [(f"{{{owner}=X/{owner}}}",)]
    later = [p.stem for p in sorted((REPO / "sql" / "migrations").glob("[0-9]*.sql"))
             if not p.name.endswith(".rollback.sql") and p.stem >= "0005"]
    assert migrate.rollback(empty_url, count=len(later))[-1] == "0005_grant_caps"
    assert q(empty_url, DEFAULT_ACL) == []
    assert q(empty_url, "select to_regclass('stardust.admin_grants'),"
                        " to_regclass('stardust.bot_grant_days'),"
                        " (select count(*) from stardust.settings"
                        "   where key like 'bot_grant_daily_%')") == [(None, None, 0)]
    # grant as 0004 left it, for the bot too
    assert q(empty_url, "select gems from stardust.grant(1, 5)") == [(10005,)]
    assert q(empty_url, "select has_function_privilege('stardust_bot',"
                        " 'stardust.grant(bigint, bigint, bigint, text, text)', 'execute')"
             ) == [(True,)]
    migrate.migrate(empty_url)
    assert q(empty_url, DEFAULT_ACL) == [(f"{{{owner}=X/{owner}}}",)]
    assert q(empty_url, "select gems from stardust.grant(1, 5, p_admin_id => 7)") == [(10010,)]
