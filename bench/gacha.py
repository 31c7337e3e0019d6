"""Gacha benchmark: the PL/pgSQL engine against a client-side baseline, in one run.

    .venv/bin/python bench/gacha.py [--durable] [--seconds 5] [--rounds 1] [--fair-only]
                                    [--url postgresql://...]

Starts a throwaway PostgreSQL (fsync off unless --durable; or uses --url, which must be an
empty database), migrates it, loads a catalogue of 250 SSR / 1,250 SR / 10,000 R, then
measures:

  * single-client 10-pull latency (p50/p99), with a request id as the bot sends one, and the
    server-side time of the same (a loop inside PostgreSQL committing each pull);
  * 10-pulls per second with 32 clients on 32 distinct users;
  * 10-pulls per second with 32 clients on one hot user (serialised by its row lock);
  * mass_scrap of a 10,000-unit inventory;
  * the provably fair draw's own cost per 10-pull, server-side: its HMAC-SHA256 work (ten
    units) and its seed lock, against the 10-pull's server-side p50 (the HMAC's budget is
    5 %); nan when the database has no fair draw (an older sql/ via STARDUST_SQL_DIR);
  * the floor: the same latency and hot-user throughput for a function that only makes a
    10-pull's writes (charge, ten inventory upserts, history, ledger and idempotency rows)
    in one statement, without any rule - what this machine and schema cost before the
    engine does anything (created in a schema bench_floor of the benchmark database).

The baseline does the same work the way the original Python bot did - rules in Python,
asyncpg, several round trips per pull - made correct with SELECT ... FOR UPDATE in one
transaction: lock the user, charge and write the ledger, then per unit pick a character,
look up the copy held (FOR UPDATE) and insert or raise it, then write the history and the
pity counter. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import migrate  # noqa: E402
from bot.pgcluster import throwaway  # noqa: E402

N_SSR, N_SR, N_R = 250, 1250, 10_000
CLIENTS = 32


def catalogue() -> list[dict]:
    out, aid = [], 1
    for rank_start, n in ((1, N_SSR), (251, N_SR), (1501, N_R)):
        for i in range(n):
            out.append({"anilist_id": aid, "name": f"Bench {aid}", "series": "Bench",
                        "favorites": 100_000 // (rank_start + i), "rank": rank_start + i})
            aid += 1
    return out


# --- the baseline: rules in Python, one round trip per step ------------------------------
class Baseline:
    COST, RATES, PITY, CAP = 1000, (0.02, 0.11), 90, 10
    SCRAP = {"R": (100, 5), "SR": (500, 25), "SSR": (10000, 500)}

    def __init__(self, sizes: dict[str, int], extra: int = 0):
        self.sizes = sizes
        self.extra = (None,) * extra     # pull_result's columns past the original 13
        self.rng = random.Random(1)

    async def pull10(self, conn: asyncpg.Connection, user_id: int, request_id: str) -> list:
        async with conn.transaction():
            seen = await conn.fetchval("select 1 from stardust.requests where user_id = $1"
                                       " and request_id = $2", user_id, request_id)
            if seen:
                return []
            user = await conn.fetchrow("select gems, pity_counter from stardust.users"
                                       " where user_id = $1 for update", user_id)
            if user["gems"] < self.COST * 10:
                raise RuntimeError("not enough gems")
            await conn.execute("update stardust.users set gems = gems - $2 where user_id = $1",
                               user_id, self.COST * 10)
            await conn.execute("insert into stardust.ledger (user_id, gems_delta, reason,"
                               " request_id) values ($1, $2, 'pull', $3)",
                               user_id, -self.COST * 10, request_id)
            pity, units, refund_g, refund_c, high = user["pity_counter"], [], 0, 0, False
            for pos in range(1, 11):
                u = self.rng.random()
                rarity = ("SSR" if pity + 1 >= self.PITY or u < self.RATES[0] else
                          "SR" if u < sum(self.RATES) else "R")
                if pos == 10 and not high and rarity == "R":
                    rarity = "SR"
                high = high or rarity != "R"
                pity = 0 if rarity == "SSR" else pity + 1
                char = await conn.fetchrow(
                    "select anilist_id, name, series, image_url from stardust.characters"
                    " where rarity = $1 and pool_idx = $2", rarity,
                    self.rng.randrange(self.sizes[rarity]))
                inv = await conn.fetchrow(
                    "select id, dupe_level from stardust.inventory where user_id = $1"
                    " and anilist_id = $2 for update", user_id, char["anilist_id"])
                if inv is None:
                    inv_id = await conn.fetchval(
                        "insert into stardust.inventory (user_id, anilist_id) values ($1, $2)"
                        " returning id", user_id, char["anilist_id"])
                    outcome, level, g, c = "new", 0, 0, 0
                elif inv["dupe_level"] < self.CAP:
                    await conn.execute("update stardust.inventory set dupe_level = dupe_level"
                                       " + 1 where id = $1", inv["id"])
                    inv_id, outcome, level, g, c = (inv["id"], "dupe", inv["dupe_level"] + 1,
                                                    0, 0)
                else:
                    g, c = self.SCRAP[rarity]
                    inv_id, outcome, level = inv["id"], "scrapped", self.CAP
                refund_g, refund_c = refund_g + g, refund_c + c
                units.append((pos, char["anilist_id"], char["name"], rarity, False, outcome,
                              level, g, c, char["series"], char["image_url"], inv_id,
                              pity == 0 and rarity == "SSR") + self.extra)
            if refund_g or refund_c:
                await conn.execute("update stardust.users set gems = gems + $2, coins = coins"
                                   " + $3 where user_id = $1", user_id, refund_g, refund_c)
                await conn.execute("insert into stardust.ledger (user_id, gems_delta,"
                                   " coins_delta, reason, request_id) values"
                                   " ($1, $2, $3, 'auto_scrap', $4)",
                                   user_id, refund_g, refund_c, request_id)
            pull_id = await conn.fetchval(
                "insert into stardust.pulls (user_id, source, request_id, units)"
                " values ($1, 'pull', $2, $3::stardust.pull_result[]) returning id",
                user_id, request_id, units)
            await conn.execute("update stardust.users set pity_counter = $2 where user_id = $1",
                               user_id, pity)
            await conn.execute("insert into stardust.requests (user_id, request_id, fn, args,"
                               " result) values ($1, $2, 'pull', '{}', $3::jsonb)", user_id,
                               request_id, json.dumps({"pull_id": pull_id}))
            return units


async def engine_pull10(conn: asyncpg.Connection, user_id: int, request_id: str) -> list:
    return await conn.fetch("select * from stardust.pull($1, 10, p_request_id => $2)",
                            user_id, request_id)


# --- the floor: a 10-pull's writes and nothing else ------------------------------------------
# Not a game: no rates, pity, banner, cap, refund, achievement or retry check, ten R units
# picked at random. It writes what any correct 10-pull must (lock and charge the user, ten
# inventory upserts, a history row, a ledger row, an idempotency row) in one statement, so
# its time is what this machine and schema cost before a single rule runs.
FLOOR_SQL = """
create schema if not exists bench_floor;
create or replace function bench_floor.pull10(p_user_id bigint, p_request_id text)
returns setof stardust.pull_result
language plpgsql
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_gems  bigint;
  v_units stardust.pull_result[];
begin
  select u.gems into v_gems from stardust.users u where u.user_id = p_user_id
     for no key update;
  if v_gems < 10000 then
    raise exception 'not enough gems';
  end if;
  with picks as (
    select g.pos, c.anilist_id, c.name, c.series, c.image_url, c.rarity
      from (select i as pos, floor(random() * %(n_r)s)::integer as idx
              from generate_series(1, 10) i offset 0) g
      join stardust.characters c on c.rarity = 'R' and c.pool_idx = g.idx
  ), owned as (
    select p.*, i.id as owned_id,
           coalesce(i.dupe_level::integer, -1)
             + row_number() over (partition by p.anilist_id order by p.pos)::integer as lvl
      from picks p
      left join stardust.inventory i on i.user_id = p_user_id and i.anilist_id = p.anilist_id
  ), up as (
    insert into stardust.inventory as inv (user_id, anilist_id, dupe_level)
    select p_user_id, o.anilist_id, least(max(o.lvl), 10) from owned o group by o.anilist_id
    on conflict (user_id, anilist_id) do update set dupe_level = excluded.dupe_level
     where inv.dupe_level <> excluded.dupe_level
    returning inv.id, inv.anilist_id
  ), units as (
    select array_agg(row(o.pos, o.anilist_id, o.name, o.rarity, false, 'dupe',
                         least(o.lvl, 10), 0, 0, o.series, o.image_url,
                         coalesce(o.owned_id, up.id), false%(extra)s)::stardust.pull_result
                     order by o.pos) as units
      from owned o left join up on up.anilist_id = o.anilist_id
  ), hist as (
    insert into stardust.pulls (user_id, source, request_id, units)
    select p_user_id, 'pull', p_request_id, u.units from units u
    returning id, units
  ), charge as (
    update stardust.users u set gems = u.gems - 10000, pulls_made = u.pulls_made + 10
     where u.user_id = p_user_id
  ), ledger as (
    insert into stardust.ledger (user_id, gems_delta, reason, request_id)
    values (p_user_id, -10000, 'pull', p_request_id)
  ), request as (
    insert into stardust.requests (user_id, request_id, fn, args, result)
    select p_user_id, p_request_id, 'pull', '{}', jsonb_build_object('pull_id', h.id)
      from hist h
  )
  select h.units into v_units from hist h;
  return query select * from unnest(v_units);
end
$$;
"""


async def floor_pull10(conn: asyncpg.Connection, user_id: int, request_id: str) -> list:
    return await conn.fetch("select * from bench_floor.pull10($1, $2)", user_id, request_id)


# --- measurements ------------------------------------------------------------------------
def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * q))]


async def latency(url: str, fn, user_id: int, n: int) -> tuple[float, float]:
    conn = await asyncpg.connect(url)
    try:
        for _ in range(100):                                   # warm caches and plans
            await fn(conn, user_id, uuid.uuid4().hex)
        samples = []
        for _ in range(n):
            rid = uuid.uuid4().hex
            t = time.perf_counter()
            await fn(conn, user_id, rid)
            samples.append(time.perf_counter() - t)
        return pct(samples, 0.5) * 1e3, pct(samples, 0.99) * 1e3
    finally:
        await conn.close()


SERVER_LOOP = """
do $$
declare
  t timestamptz;
  d double precision[] := '{}';
begin
  for i in 1 .. %(n)s loop
    t := clock_timestamp();
    perform stardust.pull(%(user)s, 10, p_request_id => md5(random()::text));
    commit;
    d := d || extract(epoch from clock_timestamp() - t)::double precision;
  end loop;
  perform set_config('bench.p50', (select percentile_cont(0.5) within group (order by x)
                                     from unnest(d) x)::text, false);
  perform set_config('bench.p99', (select percentile_cont(0.99) within group (order by x)
                                     from unnest(d) x)::text, false);
end
$$"""


async def server_time(url: str, user_id: int, n: int) -> tuple[float, float]:
    """Engine time of a 10-pull and its commit, without network or client: a server-side
    loop committing each pull."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(SERVER_LOOP % {"n": 100, "user": user_id})
        await conn.execute(SERVER_LOOP % {"n": n, "user": user_id})
        return (float(await conn.fetchval("select current_setting('bench.p50')")) * 1e3,
                float(await conn.fetchval("select current_setting('bench.p99')")) * 1e3)
    finally:
        await conn.close()


# The provably fair draw's own work per 10-pull, server-side: the HMAC's padded keys once,
# then per unit the statements _draw runs for it (two sha256, three 48-bit reads); and the
# active seed's FOR SHARE lock (_active_seed) in its own committed transaction (less an
# empty commit). Each is timed next to a real 10-pull (committed), iteration by iteration,
# so that both see the same load: this machine's speed varies far more than 5 % over a run.
FAIR_LOOP = """
do $$
declare
  seed   bytea := stardust._new_server_seed();
  pads   record;
  hex    text;
  u1     double precision;
  u2     double precision;
  u3     double precision;
  t      timestamptz;
  s      record;
  dp     double precision[] := '{}';
  dh     double precision[] := '{}';
  dl     double precision[] := '{}';
  dc     double precision[] := '{}';
begin
  for i in 1 .. %(n)s loop
    t := clock_timestamp();
    perform stardust.pull(%(user)s, 10, p_request_id => md5(random()::text));
    commit;
    dp := dp || extract(epoch from clock_timestamp() - t)::double precision;
    t := clock_timestamp();
    pads := stardust._hmac_pads(seed);
    for j in 0 .. 9 loop
      hex := encode(substr(sha256(pads.o_opad || sha256(pads.o_ipad
               || convert_to('123456789012345678' || ':' || (i * 10 + j)::text, 'UTF8'))),
                           1, 18), 'hex');
      u1 := ('x' || substr(hex, 1, 12))::bit(48)::bigint / 281474976710656.0::double precision;
      u2 := ('x' || substr(hex, 13, 12))::bit(48)::bigint / 281474976710656.0::double precision;
      u3 := ('x' || substr(hex, 25, 12))::bit(48)::bigint / 281474976710656.0::double precision;
    end loop;
    dh := dh || extract(epoch from clock_timestamp() - t)::double precision;
    t := clock_timestamp();
    s := stardust._active_seed();
    commit;
    dl := dl || extract(epoch from clock_timestamp() - t)::double precision;
    t := clock_timestamp();
    commit;
    dc := dc || extract(epoch from clock_timestamp() - t)::double precision;
  end loop;
  perform set_config('bench.fair', (select string_agg(
      (select percentile_cont(0.5) within group (order by x) from unnest(a) x)::text, ',')
    from (values (1, dp), (2, dh), (3, dl), (4, dc)) v(n, a)), false);
end
$$"""


async def fair_cost(url: str, user_id: int, n: int = 2000) -> tuple[float, float, float]:
    """ms: a 10-pull's server time (p50), the fair draw's HMAC work per 10-pull (p50) and
    its seed lock (p50, less an empty commit), measured side by side."""
    conn = await asyncpg.connect(url)
    try:
        if not await conn.fetchval("select to_regproc('stardust._hmac_pads') is not null"):
            return math.nan, math.nan, math.nan
        await conn.execute(FAIR_LOOP % {"n": 100, "user": user_id})
        await conn.execute(FAIR_LOOP % {"n": n, "user": user_id})
        pull, hmac, lock, commit = (float(x) * 1e3 for x in (
            await conn.fetchval("select current_setting('bench.fair')")).split(","))
        return pull, hmac, max(0.0, lock - commit)
    finally:
        await conn.close()


async def throughput(url: str, fn, users: list[int], seconds: float) -> float:
    conns = [await asyncpg.connect(url) for _ in range(CLIENTS)]
    done = 0
    stop = time.perf_counter() + seconds

    async def worker(conn, user_id):
        nonlocal done
        await fn(conn, user_id, uuid.uuid4().hex)              # warm this connection
        while time.perf_counter() < stop:
            await fn(conn, user_id, uuid.uuid4().hex)
            done += 1

    try:
        start = time.perf_counter()
        await asyncio.gather(*(worker(c, users[i % len(users)]) for i, c in enumerate(conns)))
        return done / (time.perf_counter() - start)
    finally:
        for c in conns:
            await c.close()


async def mass_scrap_ms(url: str, user_id: int, rounds: int = 5) -> float:
    conn = await asyncpg.connect(url)
    try:
        await conn.fetchrow("select * from stardust.get_user($1)", user_id)
        samples = []
        for _ in range(rounds):
            await conn.execute("insert into stardust.inventory (user_id, anilist_id)"
                               " select $1, anilist_id from stardust.characters"
                               " where rarity = 'R' limit 10000", user_id)
            await conn.execute("vacuum analyze stardust.inventory")
            t = time.perf_counter()
            row = await conn.fetchrow("select * from stardust.mass_scrap($1, 'R')", user_id)
            samples.append(time.perf_counter() - t)
            assert row["scrapped"] == 10_000, row
        return statistics.median(samples) * 1e3
    finally:
        await conn.close()


async def run(url: str, seconds: float, rounds: int = 1, fair_only: bool = False) -> None:
    conn = await asyncpg.connect(url)
    await conn.execute("select stardust.upsert_characters($1::jsonb)", json.dumps(catalogue()))
    users = list(range(1, 200))
    await conn.executemany("select stardust.grant($1, 10000000000)", [(u,) for u in users])
    sizes = dict(await conn.fetch("select rarity, count(*) from stardust.characters group by 1"))
    # steady state: every benchmark user already holds a collection, and statistics are
    # current (as autovacuum keeps them in production)
    await conn.execute("""
        insert into stardust.inventory (user_id, anilist_id, dupe_level)
        select u, c.anilist_id, (u + c.anilist_id) % 11
          from generate_series(1, 199) u
          join stardust.characters c on (u * 7 + c.anilist_id) % 3 = 0""")
    await conn.execute("vacuum analyze")
    # pull_result's columns past the original 13 (the fair draw's record, nulls here)
    extra = await conn.fetchval("select count(*) - 13 from pg_attribute where attrelid ="
                                " 'stardust.pull_result'::regclass and attnum > 0"
                                " and not attisdropped")
    await conn.execute(FLOOR_SQL % {"n_r": sizes["R"], "extra": ", null" * extra})
    settings = dict(await conn.fetch(
        "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit',"
        " 'shared_buffers', 'server_version')"))
    await conn.close()
    base = Baseline(sizes, extra)

    print(f"PostgreSQL {settings['server_version']}, fsync={settings['fsync']}, "
          f"synchronous_commit={settings['synchronous_commit']}, {os.cpu_count()} CPUs; "
          f"catalogue {N_SSR}/{N_SR}/{N_R}; {CLIENTS} clients; {seconds:g} s per run"
          + (f"; median of {rounds} rounds (min-max after it)" if rounds > 1 else ""))
    if fair_only:
        for _ in range(rounds):
            pull, hmac, lock = await fair_cost(url, 8)
            print(f"fair draw, side by side (p50s, ms): 10-pull {pull:.3f}, its HMAC work "
                  f"{hmac:.3f} ({100 * hmac / pull:.1f} %), its seed lock {lock:.3f} "
                  f"({100 * lock / pull:.1f} %)")
        return
    results = [await measure(url, base, users, seconds) for _ in range(rounds)]
    rows = [  # name, key, baseline key, latency (ratio inverted), target
        ("10-pull latency p50 (ms)", "e50", "b50", True, "<= 0.6"),
        ("10-pull latency p99 (ms)", "e99", "b99", True, ""),
        ("10-pull server-side time p50 (ms)", "s50", None, True, "(engine + commit)"),
        ("10-pull server-side time p99 (ms)", "s99", None, True, ""),
        (f"10-pulls/s, {CLIENTS} clients, distinct users", "dist", "bdist", False,
         ">= 1.7x baseline"),
        (f"10-pulls/s, {CLIENTS} clients, one hot user", "hot", "bhot", False, ">= 1200"),
        ("mass_scrap of 10,000 units (ms)", "scrap", None, True, "<= 20"),
        ("fair draw: 10-pull server p50, side by side", "fpull", None, True, ""),
        ("fair draw: its HMAC work p50 (ms)", "hmac", None, True, "<= 5 % of the line above"),
        ("fair draw: its seed FOR SHARE lock p50 (ms)", "lock", None, True, ""),
        ("floor: writes only, latency p50 (ms)", "f50", None, True,
         "(no rules, one statement)"),
        (f"floor: writes only, {CLIENTS} clients, one hot user", "fhot", None, False, ""),
    ]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in results)

    def spread(key: str) -> str:
        if rounds == 1:
            return ""
        return f"{min(r[key] for r in results):.2f}-{max(r[key] for r in results):.2f}"

    print(f"\n{'measure':<44} {'stardust':>10} {'baseline':>10} {'ratio':>7}  {'target':<26}"
          + ("range of stardust" if rounds > 1 else ""))
    for name, key, bkey, lower_is_better, target in rows:
        ours = med(key)
        theirs = med(bkey) if bkey else None
        t = f"{theirs:10.2f}" if theirs is not None else f"{'-':>10}"
        if theirs is None:
            r = f"{'':>7}"
        else:
            r = f"{(theirs / ours if lower_is_better else ours / theirs):6.2f}x"
        print(f"{name:<44} {ours:10.2f} {t} {r}  {target:<26}{spread(key)}".rstrip())
    print("\nratio: baseline/stardust for latency, stardust/baseline for throughput")
    print(f"the fair draw's HMAC is {100 * med('hmac') / med('fpull'):.1f} % of a 10-pull's"
          f" server-side time (p50s measured side by side), its seed lock"
          f" {100 * med('lock') / med('fpull'):.1f} %")
    print(f"against the floor: the engine's p50 is {med('e50') / med('f50'):.2f}x the floor's,"
          f" its hot-user throughput {med('hot') / med('fhot'):.2f}x; a target below the"
          " floor is out of reach on this machine")


async def measure(url: str, base: Baseline, users: list[int], seconds: float
                  ) -> dict[str, float]:
    """One round of every measure. Each engine measure is taken next to its floor and its
    baseline, as the database grows during the run."""
    m: dict[str, float] = {}
    m["e50"], m["e99"] = await latency(url, engine_pull10, 1, 2000)
    m["f50"], _ = await latency(url, floor_pull10, 6, 2000)
    m["b50"], m["b99"] = await latency(url, base.pull10, 2, 2000)
    m["s50"], m["s99"] = await server_time(url, 5, 2000)
    m["dist"] = await throughput(url, engine_pull10, users[10:10 + CLIENTS], seconds)
    m["bdist"] = await throughput(url, base.pull10, users[50:50 + CLIENTS], seconds)
    m["hot"] = await throughput(url, engine_pull10, [3], seconds)
    m["fhot"] = await throughput(url, floor_pull10, [7], seconds)
    m["bhot"] = await throughput(url, base.pull10, [4], seconds)
    m["scrap"] = await mass_scrap_ms(url, 500)
    m["fpull"], m["hmac"], m["lock"] = await fair_cost(url, 8)
    return m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="an empty database to use instead of a throwaway cluster")
    ap.add_argument("--durable", action="store_true",
                    help="throwaway cluster with fsync and synchronous_commit on")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat every measure and print the median (this machine varies by"
                         " +-15 %% from run to run)")
    ap.add_argument("--fair-only", action="store_true",
                    help="only the fair draw's cost next to a 10-pull (quick)")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if args.url:
        migrate.migrate(args.url)
        asyncio.run(run(args.url, args.seconds, args.rounds, args.fair_only))
        return
    with throwaway("stardust-bench-", fast=not args.durable) as cluster:
        cluster.ensure_database("bench")
        url = cluster.url("bench")
        migrate.migrate(url)
        asyncio.run(run(url, args.seconds, args.rounds, args.fair_only))


if __name__ == "__main__":
    main()
