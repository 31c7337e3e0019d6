"""Where a 10-pull's time goes: the engine next to variants of itself (issue 12, section 2).

    .venv/bin/python bench/pull_variants.py [--pulls 500] [--hot] [--distinct] [--list]
                                            [VARIANT | FILE.sql ...]

One throwaway cluster with PostgreSQL's durable defaults holds bench/gacha.py's benchmark
database: the catalogue, 199 players with their collections, and the yardsticks. Each
variant (a name below, or a file of SQL) is applied alone to its own clone of that database
(CREATE DATABASE ... TEMPLATE). The engine's full 10-pull with a request id then runs on the
unchanged database and on every clone in turn, call by call, with the yardstick in the same
loop, so that all of them see the same machine. The report gives each one's p50 and what the
variant saves against the engine as it is. With --hot it also gives 10-pulls/s on one hot
user, with --distinct on distinct users (32 clients, 2 s each, two rounds interleaved).

Variants are experiments and are never kept: several of them drop rules the game needs
(foreign keys, the counters' trigger, check constraints). They say how much a piece costs,
not that it may go. Numbers are printed, never asserted; on a shared machine compare
savings of 0.1 ms or less with care.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import gacha  # noqa: E402
from bot import migrate  # noqa: E402
from bot.pgcluster import throwaway  # noqa: E402

_READ_INDEXES = ("inventory_by_date", "inventory_by_power", "inventory_by_dupes",
                 "inventory_by_name", "inventory_scrappable", "inventory_anilist_idx")

VARIANTS: dict[str, tuple[str, str]] = {
    "hot-copies": (
        "drop the power and dupes sort indexes (a copy becomes a HOT update)",
        "drop index stardust.inventory_by_power; drop index stardust.inventory_by_dupes;"),
    "no-read-indexes": (
        "drop every secondary inventory index of the flat reads",
        " ".join(f"drop index stardust.{i};" for i in _READ_INDEXES)),
    "no-foreign-keys": (
        "drop the foreign keys a pull's rows check",
        "alter table stardust.inventory drop constraint inventory_user_id_fkey,"
        " drop constraint inventory_anilist_id_fkey;"
        " alter table stardust.ledger drop constraint ledger_user_id_fkey;"
        " alter table stardust.requests drop constraint requests_user_id_fkey;"
        " alter table stardust.pulls drop constraint pulls_user_id_fkey,"
        " drop constraint pulls_banner_id_fkey;"
        " alter table stardust.scrap_log drop constraint scrap_log_user_id_fkey;"),
    "no-counter-trigger": (
        "disable the insert trigger that keeps the unit counters",
        "alter table stardust.inventory disable trigger inventory_sync_insert;"),
    "no-update-trigger": (
        "disable the row trigger for updates (team power, units changing hands)",
        "alter table stardust.inventory disable trigger inventory_sync_row;"),
    "inline-now": (
        "_now() without its SET clause, so that it can be inlined",
        "create or replace function stardust._now() returns timestamptz language sql stable"
        " as $$ select pg_catalog.now() $$;"),
    "no-checks": (
        "drop the check constraints of the tables a pull writes",
        """do $$ declare r record; begin
             for r in select c.conname, c.conrelid::regclass as t from pg_constraint c
                       where c.contype = 'c' and c.conrelid in
                             ('stardust.users'::regclass, 'stardust.inventory'::regclass,
                              'stardust.ledger'::regclass, 'stardust.pulls'::regclass,
                              'stardust.requests'::regclass)
             loop execute format('alter table %s drop constraint %I', r.t, r.conname);
             end loop; end $$;"""),
}


def resolve(names: list[str]) -> list[tuple[str, str]]:
    """(label, SQL) of each variant asked for: a known name or a file of SQL."""
    out = []
    for name in names or list(VARIANTS):
        if name in VARIANTS:
            out.append((name, VARIANTS[name][1]))
        elif Path(name).is_file():
            out.append((Path(name).name, Path(name).read_text(encoding="utf-8")))
        else:
            raise SystemExit(f"pull_variants: unknown variant {name!r} (see --list) and no"
                             " such file")
    return out


async def clone(cluster, name: str, sql: str) -> str:
    admin = await asyncpg.connect(cluster.url("postgres"))
    try:
        await admin.execute(f'create database "{name}" template bench')
    finally:
        await admin.close()
    url = cluster.url(name)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
        await conn.execute("vacuum analyze")
    finally:
        await conn.close()
    return url


async def latencies(urls: list[str], yard_url: str, pulls: int) -> tuple[list[float], float]:
    """p50 (ms) of the engine on each database and of the yardstick, called in turn."""
    conns = [await asyncpg.connect(u) for u in urls]
    yard = await asyncpg.connect(yard_url)
    samples: list[list[float]] = [[] for _ in urls]
    ysamples: list[float] = []
    try:
        for k in range(pulls + 150):                          # 150 to warm plans and caches
            for conn, out in zip(conns, samples):
                t = time.perf_counter()
                await gacha.engine_pull10(conn, 1, uuid.uuid4().hex)
                if k >= 150:
                    out.append(time.perf_counter() - t)
            t = time.perf_counter()
            await gacha.yardstick_pull10(yard, 2, uuid.uuid4().hex)
            if k >= 150:
                ysamples.append(time.perf_counter() - t)
    finally:
        for conn in conns + [yard]:
            await conn.close()
    return ([statistics.median(s) * 1e3 for s in samples],
            statistics.median(ysamples) * 1e3)


async def rates(urls: list[str], yard_url: str, distinct: bool
                ) -> tuple[list[float], float]:
    """10-pulls/s of 32 clients, two rounds interleaved: medians. On one hot user (fresh
    for each run), or with distinct: each client on its own user (the engine's 1-32, the
    yardstick's 97-128; the runs take turns, so no two share a user at the same time)."""
    runs: list[list[float]] = [[] for _ in urls]
    yruns: list[float] = []
    user = 100
    for _ in range(2):
        for url, out in zip(urls, runs):
            users = list(range(1, 1 + gacha.CLIENTS)) if distinct else [user]
            out.append(await gacha.throughput(url, gacha.engine_pull10, users, 2.0))
        users = (list(range(97, 97 + gacha.CLIENTS)) if distinct else [user + 1])
        yruns.append(await gacha.throughput(yard_url, gacha.yardstick_pull10, users, 2.0))
        user += 2
    return [statistics.median(r) for r in runs], statistics.median(yruns)


async def run(cluster, variants: list[tuple[str, str]], pulls: int, with_hot: bool,
              with_distinct: bool) -> None:
    base = cluster.url("bench")
    await gacha.setup(base)
    urls = [base] + [await clone(cluster, f"variant_{i}", sql)
                     for i, (_, sql) in enumerate(variants)]
    labels = ["engine as it is"] + [label for label, _ in variants]
    print(await gacha.settings_line(base, 2.0, 1))
    p50, y50 = await latencies(urls, base, pulls)
    print(f"\n10-pull p50 over {pulls} calls each, in turn (ms); yardstick {y50:.2f}")
    print(f"{'variant':<26} {'p50':>7} {'/ yard':>7} {'saves':>7}")
    for label, value in zip(labels, p50):
        print(f"{label:<26} {value:7.2f} {value / y50:6.2f}x {p50[0] - value:7.2f}")
    for wanted, distinct, what in ((with_hot, False, "on one hot user"),
                                   (with_distinct, True, "on distinct users")):
        if not wanted:
            continue
        measured, yrate = await rates(urls, base, distinct)
        print(f"\n10-pulls/s, {gacha.CLIENTS} clients {what} (median of 2);"
              f" yardstick {yrate:.0f}")
        for label, value in zip(labels, measured):
            print(f"{label:<26} {value:7.0f} {value / yrate:6.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("variants", nargs="*", help="variant names (default: all) or SQL files")
    ap.add_argument("--pulls", type=int, default=500, help="measured 10-pulls per database")
    ap.add_argument("--hot", action="store_true", help="also hot-user throughput")
    ap.add_argument("--distinct", action="store_true",
                    help="also throughput on distinct users (one per client)")
    ap.add_argument("--list", action="store_true", help="list the variants and exit")
    args = ap.parse_args()
    if args.list:
        for name, (what, _) in VARIANTS.items():
            print(f"{name:<20} {what}")
        return
    if args.pulls < 1:
        ap.error("--pulls must be at least 1")
    variants = resolve(args.variants)
    with throwaway("stardust-variants-", fast=False) as cluster:
        cluster.ensure_database("bench")
        migrate.migrate(cluster.url("bench"))
        asyncio.run(run(cluster, variants, args.pulls, args.hot, args.distinct))


if __name__ == "__main__":
    main()
