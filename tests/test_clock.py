"""The clock seam (issue 16, 3): one clock, stardust._now() in SQL and bot.clock in Python,
that every time rule reads and a test can pin; nothing else reads the wall clock."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import asyncpg
import pytest

from bot import clock
from tests.helpers import (away_from_boundaries, db_now, load_catalogue, pinned_clock, set_clock,
                           sqlstate)

REPO = Path(__file__).resolve().parent.parent
UTC = dt.timezone.utc

# wall-clock reads PostgreSQL offers; only stardust._now() may use one
WALL_CLOCK_SQL = re.compile(
    r"(?<![\w$])(?:pg_catalog\s*\.\s*)?"
    r"(?:(?:now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday)\s*\("
    r"|(?:current_date|current_timestamp|current_time|localtimestamp|localtime)\b)",
    re.IGNORECASE)
# 'now'::timestamptz, 'today'::date ... are the wall clock too, written as a literal
WALL_CLOCK_LITERALS = {"now", "today", "tomorrow", "yesterday"}


def strip_sql(src: str) -> tuple[str, list[str]]:
    """`src` with comments and string literals blanked out, and the string literals."""
    out, literals, i, n = [], [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("--", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "'":
            escaped = i > 0 and src[i - 1] in "eE" and (i < 2 or not src[i - 2].isalnum())
            j, buf = i + 1, []
            while j < n:
                if escaped and src[j] == "\\":
                    buf.append(src[j:j + 2])
                    j += 2
                elif src[j] == "'" and src.startswith("''", j):
                    buf.append("'")
                    j += 2
                elif src[j] == "'":
                    break
                else:
                    buf.append(src[j])
                    j += 1
            literals.append("".join(buf))
            out.append(" ''")
            i = j + 1
        elif c == "$" and (m := re.match(r"\$([A-Za-z_]\w*)?\$", src[i:])) \
                and not (i > 0 and (src[i - 1].isalnum() or src[i - 1] == "_")):
            tag = m.group(0)
            j = src.find(tag, i + len(tag))
            literals.append(src[i + len(tag):n if j < 0 else j])
            out.append(" ''")
            i = n if j < 0 else j + len(tag)
        else:
            out.append(c)
            i += 1
    return "".join(out), literals


def wall_clock_reads(src: str) -> list[str]:
    code, literals = strip_sql(src)
    found = [m.group(0) for m in WALL_CLOCK_SQL.finditer(code)]
    found += [f"'{s}'" for s in literals if s.strip().lower() in WALL_CLOCK_LITERALS]
    return found


def test_the_scanner_sees_through_comments_and_strings():
    assert wall_clock_reads("select now()") == ["now("]
    assert wall_clock_reads("x := PG_CATALOG.Now ()") == ["PG_CATALOG.Now ("]
    assert wall_clock_reads("where d = current_date") == ["current_date"]
    assert wall_clock_reads("select 'now'::timestamptz") == ["'now'"]
    assert wall_clock_reads("v := clock_timestamp();") == ["clock_timestamp("]
    assert wall_clock_reads(
        "select stardust._now() -- now()\n /* current_date */ , 'now() + interval' ,"
        " E'it''s now()\\' now()', $x$ now() $x$, v_now, snow(1), now_x") == []


async def test_no_function_reads_the_wall_clock_but_the_seam(tx):
    rows = await tx.fetch(
        "select p.oid::regprocedure::text as sig, p.prosrc,"
        "       coalesce(pg_get_expr(p.proargdefaults, 0), '') as defaults"
        "  from pg_proc p where p.pronamespace = 'stardust'::regnamespace")
    assert len(rows) > 100
    bad = {r["sig"]: wall_clock_reads(r["prosrc"]) + wall_clock_reads(r["defaults"])
           for r in rows if r["sig"] != "stardust._now()"}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"read the wall clock instead of stardust._now(): {bad}"
    src = {r["sig"]: r["prosrc"] for r in rows}["stardust._now()"]
    assert strip_sql(src)[0].split() == ["select", "pg_catalog.now()"]


async def test_no_column_default_reads_the_wall_clock(tx):
    rows = await tx.fetch(
        "select c.relname || '.' || a.attname as col, pg_get_expr(d.adbin, d.adrelid) as expr"
        "  from pg_attrdef d join pg_class c on c.oid = d.adrelid"
        "  join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum"
        " where c.relnamespace = 'stardust'::regnamespace")
    bad = {r["col"]: r["expr"] for r in rows if wall_clock_reads(r["expr"])}
    assert not bad, f"default reads the wall clock instead of stardust._now(): {bad}"
    seam = [r["col"] for r in rows if r["expr"] == "stardust._now()"]
    assert {"ledger.created_at", "pulls.pulled_at", "raid_attacks.attacked_at",
            "battles.fought_at", "requests.created_at", "users.keys_regen_at"} <= set(seam)


async def test_a_pinned_clock_is_what_every_rule_and_default_sees(conn, bot_conn):
    at = dt.datetime(2031, 5, 6, 23, 59, 59, tzinfo=UTC)
    async with pinned_clock(conn, at):
        assert await db_now(conn) == at
        await bot_conn.fetchval("select stardust.checkin(42, 'clock-1')")
        assert await conn.fetchval(
            "select last_checkin from stardust.users where user_id = 42") == at.date()
        assert await conn.fetchval(
            "select max(created_at) from stardust.ledger where user_id = 42") == at
        await set_clock(conn, "2031-05-07 00:00:00+00")
        assert await db_now(conn) == dt.datetime(2031, 5, 7, tzinfo=UTC)
    # restored: the real clock, as deployed (stardust migrate --check sees no drift)
    assert (await db_now(conn)).year != 2031
    assert await conn.fetchval("select stardust._now() = now()")
    rows = await conn.fetch(
        "select p.proconfig, p.provolatile, obj_description(p.oid, 'pg_proc') as comment,"
        "       has_function_privilege('stardust_bot', p.oid, 'execute') as bot"
        "  from pg_proc p where p.oid = 'stardust._now()'::regprocedure")
    assert rows[0]["proconfig"] == ["search_path=pg_catalog, pg_temp"]
    assert rows[0]["provolatile"] in ("s", b"s") and rows[0]["comment"] and not rows[0]["bot"]


async def test_the_bot_role_cannot_move_the_clock(conn, bot_conn):
    """A leaked bot login sets what a session can set and tries to replace the seam: the
    game's clock does not move (the real clock: a pinned one would hide a GUC read)."""
    await load_catalogue(conn, n_ssr=1, n_sr=1, n_r=1)
    await conn.execute("select stardust.create_banner('Clock', array[1000],"
                       " now() + interval '1 day', now() - interval '1 day')")
    for stmt in ("set stardust.now = '2000-01-01 00:00+00'",
                 "set stardust.clock = '2000-01-01 00:00+00'",
                 "set stardust.today = '2000-01-01'",
                 "select set_config('stardust.now', '2040-01-01', false)",
                 "select set_config('stardust.clock', '2040-01-01', false)",
                 "set timezone = 'Pacific/Kiritimati'",
                 "set datestyle = 'SQL, DMY'"):
        await bot_conn.execute(stmt)
    for stmt in ("create or replace function stardust._now() returns timestamptz"
                 " language sql stable as $$ select '2000-01-01'::timestamptz $$",
                 "alter function stardust._now() owner to stardust_bot",
                 "alter function stardust._now() set search_path = public",
                 "create function stardust.now() returns timestamptz"
                 " language sql as $$ select '2000-01-01'::timestamptz $$",
                 "select stardust._now()"):
        with sqlstate("42501"):
            await bot_conn.execute(stmt)
    # the running banner (starts_at <= clock < ends_at) is still the running one
    rows = await bot_conn.fetch("select * from stardust.list_banners()")
    assert [r["is_active"] for r in rows if r["name"] == "Clock"] == [True]
    src = await conn.fetchval("select prosrc from pg_proc"
                              " where oid = 'stardust._now()'::regprocedure")
    assert strip_sql(src)[0].split() == ["select", "pg_catalog.now()"]
    assert await conn.fetchval("select proconfig from pg_proc where oid = "
                               "'stardust._now()'::regprocedure") == [
        "search_path=pg_catalog, pg_temp"]


# --- Python: bot/clock.py is the seam; nothing else in bot/ or tests/ reads the wall clock ---
WALL_CLOCK_PY = re.compile(
    r"\btime\.time\(|\btime\.time_ns\(|\bdatetime\.(?:now|utcnow|today)\(|\bdate\.today\("
    r"|\b(?:dt|_dt|datetime)\.datetime\.(?:now|utcnow|today)\(|\b(?:dt|_dt|datetime)\.date\.today\("
    r"|\btime\.(?:gmtime|localtime|ctime|strftime)\((?!\s*\w)|\btime\.(?:gmtime|localtime|ctime)\(\)"
    r"|\bfrom time import (?:[\w, ]*\b)?time\b")
# PostgreSQL's wall clock, in the SQL a test sends (stardust._now() is the seam)
WALL_CLOCK_IN_TEST_SQL = re.compile(
    r"(?<![\w.$])now\s*\(\)|\bpg_catalog\.now\s*\(|\b(?:current_date|current_timestamp"
    r"|localtimestamp|clock_timestamp|statement_timestamp|transaction_timestamp)\b", re.I)
# the seam itself, and process plumbing that is not a game rule (ids, demo users, AniList's
# rate-limit reset header, a fake Discord's snowflakes): these may read the wall clock
ALLOWED = {"bot/clock.py", "bot/console.py", "bot/demo.py", "bot/anilist.py",
           "tests/fake_anilist.py", "tests/discord/fake_discord.py", "tests/test_clock.py"}
# a hostile function an attacker plants (its now() is the attacker's, not the game's)
SQL_ALLOWED = {"tests/test_pg_temp_attack.py", "tests/test_clock.py"}


def test_python_reads_the_wall_clock_only_through_the_seam():
    bad = []
    for root in ("bot", "tests"):
        for path in sorted((REPO / root).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel in ALLOWED:
                continue
            for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if WALL_CLOCK_PY.search(line.split("#")[0]) or (
                        root == "tests" and rel not in SQL_ALLOWED
                        and WALL_CLOCK_IN_TEST_SQL.search(line)):
                    bad.append(f"{rel}:{no}: {line.strip()}")
    assert not bad, "read the wall clock outside bot.clock:\n" + "\n".join(bad)


def test_the_python_scanner_finds_wall_clock_reads():
    for line in ("x = time.time()", "datetime.now(timezone.utc)", "dt.datetime.now(UTC)",
                 "date.today()", "from time import time", "datetime.utcnow()"):
        assert WALL_CLOCK_PY.search(line), line
    for line in ("select now() + interval '1 day'", "where d = current_date"):
        assert WALL_CLOCK_IN_TEST_SQL.search(line), line
    for line in ("select stardust._now()", "clock.now()", "x.now()"):
        assert not WALL_CLOCK_IN_TEST_SQL.search(line), line
    for line in ("time.monotonic()", "clock.now()", "clock.time()", "time.sleep(1)",
                 "dt.datetime(2025, 1, 1)"):
        assert not WALL_CLOCK_PY.search(line), line


def test_the_python_clock_can_be_pinned():
    at = dt.datetime(2031, 5, 6, 23, 59, 59, tzinfo=UTC)
    with clock.pinned(at):
        assert clock.now() == at and clock.time() == at.timestamp()
        with clock.pinned(at + dt.timedelta(seconds=1)):
            assert clock.now().day == 7
        assert clock.now() == at
    assert clock.now().tzinfo is not None and clock.now() != at


@pytest.mark.parametrize("when", ["2031-05-06 12:00:00'; drop schema stardust; --", 7])
async def test_set_clock_takes_only_a_timestamp(tx, when):
    if isinstance(when, str):
        with pytest.raises(ValueError):
            await set_clock(tx, when)
    else:
        with pytest.raises(asyncpg.PostgresError):
            await set_clock(tx, when)


def test_a_steady_clock_stands_minutes_from_any_boundary():
    d = dt.datetime(2031, 5, 6, tzinfo=UTC)
    for h, m, s, want in ((12, 30, 0, (12, 30)), (12, 5, 0, (12, 5)), (12, 54, 59, (12, 54)),
                          (12, 55, 0, (13, 5)), (12, 4, 59, (12, 5)), (23, 59, 59, (24, 5)),
                          (0, 0, 0, (0, 5))):
        got = away_from_boundaries(d.replace(hour=h, minute=m, second=s))
        assert got == d + dt.timedelta(hours=want[0], minutes=want[1]) + (
            dt.timedelta(seconds=s) if (h, m) == want else dt.timedelta())
