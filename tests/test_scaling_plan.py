"""docs/SCALING.md's Citus plan against the live catalog (issue 15 §4): every table is placed
once (distributed, reference or coordinator) and exists; every distributed table has its
distribution column, and each primary key, unique constraint or foreign key between
distributed tables without it is listed as a change; every API function is placed, exists,
and the single-shard ones take p_user_id."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "SCALING.md"


def section(title: str) -> str:
    text = DOC.read_text()
    start = text.index(f"### {title}")
    end = text.find("\n### ", start + 1)
    return text[start:end if end > 0 else None]


def rows(title: str) -> list[list[str]]:
    out = []
    for line in section(title).splitlines():
        m = re.match(r"^\|\s*`(\w+)`\s*\|(.*)\|\s*$", line)
        if m:
            out.append([m.group(1)] + [c.strip() for c in m.group(2).split("|")])
    return out


def placement() -> dict[str, tuple[str, str | None]]:
    placed: dict[str, tuple[str, str | None]] = {}
    for name, kind, why in rows("Tables"):
        assert name not in placed, f"{name} is placed twice in docs/SCALING.md"
        assert kind in ("distributed", "reference", "coordinator"), (name, kind)
        column = re.match(r"`(\w+)`", why).group(1) if kind == "distributed" else None
        placed[name] = (kind, column)
    return placed


async def test_every_table_is_placed_and_exists(conn):
    tables = {r["relname"] for r in await conn.fetch(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'stardust' and c.relkind in ('r', 'p')")}
    placed = placement()
    assert sorted(tables - set(placed)) == [], "tables missing from docs/SCALING.md"
    assert sorted(set(placed) - tables) == [], "docs/SCALING.md names tables that do not exist"
    changed = {name for name, *_ in rows("Keys and constraints")}
    assert changed <= tables


async def test_per_player_keys_include_the_distribution_column_or_are_listed(conn):
    placed = placement()
    changes = {(name, constraint.split(" (")[0]) for name, constraint, _ in
               rows("Keys and constraints")}
    with_user = {r["relname"] for r in await conn.fetch(
        "select c.relname from pg_attribute a join pg_class c on c.oid = a.attrelid"
        " join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'stardust'"
        " and c.relkind = 'r' and a.attname = 'user_id' and not a.attisdropped")}
    for table in with_user:                   # every per-player table lives with its player
        assert placed[table] == ("distributed", "user_id"), table
    constraints = await conn.fetch("""
        select c.relname, k.contype, k.conkey, f.relname as target, k.confkey,
               (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
                 where a.attrelid = k.conrelid and a.attnum = any(k.conkey)) as cols,
               (select array_agg(a.attname::text) from pg_attribute a
                 where a.attrelid = k.confrelid and a.attnum = any(k.confkey)) as target_cols
          from pg_constraint k join pg_class c on c.oid = k.conrelid
          join pg_namespace n on n.oid = c.relnamespace
          left join pg_class f on f.oid = k.confrelid
         where n.nspname = 'stardust' and k.contype in ('p', 'u', 'f')""")
    for table, (kind, column) in placed.items():
        if kind != "distributed":
            continue
        assert column in {r["attname"] for r in await conn.fetch(
            "select attname from pg_attribute where attrelid = $1::regclass and attnum > 0",
            f"stardust.{table}")}, (table, column)
        for k in [k for k in constraints if k["relname"] == table]:
            what = {b"p": "primary key", b"u": "unique", b"f": "foreign key"}[k["contype"]]
            if k["contype"] == b"f":
                target_kind, target_col = placed[k["target"]]
                if target_kind != "distributed":
                    continue                  # distributed -> reference / coordinator: fine
                if column in k["cols"] and target_col in k["target_cols"]:
                    continue
            elif column in k["cols"]:
                continue
            assert (table, what) in changes, \
                f"{table}: {what} ({', '.join(k['cols'])}) lacks {column}: list it"


async def test_every_api_function_is_placed_and_single_shard_ones_take_the_player(conn):
    functions = {}
    for r in await conn.fetch(
            "select p.proname, p.proargnames from pg_proc p join pg_namespace n"
            " on n.oid = p.pronamespace where n.nspname = 'stardust'"
            " and p.proname !~ '^_' and p.prokind = 'f'"):
        functions.setdefault(r["proname"], []).append(r["proargnames"] or [])
    placed = {name: how for name, how in rows("Functions")}
    assert sorted(set(functions) - set(placed)) == [], "functions missing from SCALING.md"
    assert sorted(set(placed) - set(functions)) == [], "SCALING.md names unknown functions"
    for name, how in placed.items():
        if how.startswith("single-shard"):
            assert all("p_user_id" in args for args in functions[name]), name
