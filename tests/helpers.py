"""Assertions and fixtures-as-functions shared by the SQL tests."""

from __future__ import annotations

import contextlib
import json

import asyncpg
import pytest


@contextlib.contextmanager
def sqlstate(code: str):
    """Expect a PostgreSQL error with this SQLSTATE (never match on message text)."""
    with pytest.raises(asyncpg.PostgresError) as info:
        yield info
    assert info.value.sqlstate == code, (
        f"expected SQLSTATE {code}, got {info.value.sqlstate}: {info.value}")
    # every game error carries a human message and a hint
    if code.startswith("SD"):
        assert info.value.message and info.value.hint, "game errors need a message and a hint"


_TABLES_SQL = """
select c.relname from pg_class c
 where c.relnamespace = 'stardust'::regnamespace and c.relkind in ('r', 'p')
 order by 1
"""


async def db_state(conn: asyncpg.Connection) -> dict[str, str]:
    """A fingerprint of every row of every stardust table: equal fingerprints = nothing
    changed."""
    out = {}
    for (table,) in await conn.fetch(_TABLES_SQL):
        out[table] = await conn.fetchval(
            f"select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' "
            f"order by t::text)), '') from stardust.{table} t")
    return out


@contextlib.asynccontextmanager
async def unchanged(conn: asyncpg.Connection):
    """Assert the block leaves the database exactly as it found it."""
    before = await db_state(conn)
    yield
    after = await db_state(conn)
    changed = {t for t in before if before[t] != after.get(t)}
    assert not changed, f"tables changed: {sorted(changed)}"


async def assert_ledger_balanced(conn: asyncpg.Connection) -> None:
    """For every user, balances equal the ledger sums and are not negative."""
    bad = await conn.fetch("""
        select u.user_id, u.gems, u.coins, coalesce(l.g, 0) as lg, coalesce(l.c, 0) as lc
          from stardust.users u
          left join (select user_id, sum(gems_delta) g, sum(coins_delta) c
                       from stardust.ledger group by user_id) l using (user_id)
         where u.gems <> coalesce(l.g, 0) or u.coins <> coalesce(l.c, 0)
            or u.gems < 0 or u.coins < 0""")
    assert not bad, f"ledger does not balance: {[dict(r) for r in bad]}"


def characters(n_ssr: int = 5, n_sr: int = 10, n_r: int = 20, start_id: int = 1000,
               favorites: int = 1000) -> list[dict]:
    """A synthetic catalogue: ranks chosen so rarities come out as asked."""
    out = []
    ranks = ([i + 1 for i in range(n_ssr)] + [251 + i for i in range(n_sr)]
             + [1501 + i for i in range(n_r)])
    for i, rank in enumerate(ranks):
        out.append({"anilist_id": start_id + i, "name": f"Character {start_id + i}",
                    "series": "Test Series", "image_url": None,
                    "favorites": favorites, "rank": rank})
    return out


async def load_catalogue(conn: asyncpg.Connection, **kwargs) -> list[dict]:
    chars = characters(**kwargs)
    await conn.execute("select stardust.upsert_characters($1::jsonb)", json.dumps(chars))
    return chars


async def without_achievements(conn: asyncpg.Connection) -> None:
    """Delete the achievement definitions (admin data): for tests of other rules that count
    gems exactly, where a reward unlocked on the way would blur the sums."""
    await conn.execute("delete from stardust.user_achievements")
    await conn.execute("delete from stardust.achievements")


async def player_with_team(conn: asyncpg.Connection, uid: int, n_team: int = 5,
                           n_bench: int = 5, dupe: int = 0) -> dict[str, list[int]]:
    """A player holding n_team + n_bench SSR units of the catalogue (load one first), the
    first n_team in the team; returns their inventory ids."""
    await conn.fetchrow("select * from stardust.get_user($1)", uid)
    ids = [r[0] for r in await conn.fetch(
        "insert into stardust.inventory (user_id, anilist_id, dupe_level)"
        " select $1, anilist_id, $3 from stardust.characters where rarity = 'SSR'"
        " order by anilist_id limit $2 returning id", uid, n_team + n_bench, dupe)]
    if n_team:
        await conn.execute("select stardust.set_team($1, $2::bigint[])", uid, ids[:n_team])
    return {"team": ids[:n_team], "bench": ids[n_team:]}


# --- the clock seam ----------------------------------------------------------------------
# Every time rule reads stardust._now() (sql/functions/_now.sql). A test pins it by replacing
# that function, as the owner, in its own database (`conn`, `db_url`) or inside its rolled-back
# transaction (`tx`): the same signature, language, volatility, search_path, ACL and comment
# (CREATE OR REPLACE keeps the grants and the comment), only the body is a constant.

def _ts_literal(when) -> str:
    text = when.isoformat() if hasattr(when, "isoformat") else str(when)
    if "'" in text:
        raise ValueError(f"not a timestamp: {text!r}")
    return text


async def set_clock(conn: asyncpg.Connection, when) -> None:
    """Pin stardust._now() to `when` (an aware datetime or an ISO string with a zone) in the
    database of `conn`, for every connection to it; `when=None` restores the real clock."""
    if when is None:
        from bot import migrate
        await conn.execute((migrate.sql_dir() / "functions" / "_now.sql").read_text())
        return
    await conn.execute(
        "create or replace function stardust._now() returns timestamptz language sql stable"
        " set search_path = pg_catalog, pg_temp"
        f" as $clock$ select '{_ts_literal(when)}'::timestamptz $clock$")


@contextlib.asynccontextmanager
async def pinned_clock(conn: asyncpg.Connection, when):
    """`async with pinned_clock(conn, "2026-03-01 23:59:59+00"):` the game's clock stands
    at `when` (move it with set_clock inside); the real clock is restored afterwards, even
    when the block fails."""
    await set_clock(conn, when)
    try:
        yield
    finally:
        if not conn.is_closed():
            try:
                await set_clock(conn, None)
            except asyncpg.InFailedSQLTransactionError:
                pass                      # a failed `tx` block: its rollback restores it


async def db_now(conn: asyncpg.Connection):
    """The game's clock, as the database reads it (the seam, never the test's wall clock)."""
    return await conn.fetchval("select stardust._now()")


def away_from_boundaries(when):
    """`when`, or the nearest later hh:05:00 when `when` is within five minutes of the top of
    an hour (UTC midnight included): a clock standing there is minutes from any boundary."""
    import datetime as _dt
    if 5 <= when.minute < 55:
        return when
    hour = when.replace(minute=5, second=0, microsecond=0)
    return hour + _dt.timedelta(hours=1) if when.minute >= 55 else hour


@contextlib.asynccontextmanager
async def steady_clock(conn: asyncpg.Connection):
    """Both clocks (stardust._now() of the database of `conn`, and bot.clock for a bot
    running in this process) stand still minutes from any UTC midnight or top of the hour,
    within minutes of the real time (stored timestamps stay consistent): a test that is not
    about a boundary cannot fail because of when it runs."""
    from bot import clock
    when = away_from_boundaries(await db_now(conn))
    async with pinned_clock(conn, when):
        with clock.pinned(when):
            yield when
