"""Scale benchmark: what players read, as their collection and the player base grow.

    .venv/bin/python bench/scale.py [--quick] [--reps 15] [--sql-dir DIR] [--url URL]
                                    [--players 100,10000,1000000] [--units 10,1000,10000,50000]

Starts a throwaway PostgreSQL (fsync off; or uses --url, an empty database), migrates it
(with --sql-dir: another sql/ tree, e.g. an older commit's, to compare before and after), and
builds everything with server-side loops (generate_series inserts, never API calls):

  * a catalogue of 250 SSR, 1,250 SR and enough R characters for the largest collection,
    some carrying the expedition skills;
  * one whale per collection size (10 / 1k / 10k / 50k units, --quick: 10 / 1k / 10k), each
    with random dupe and bond levels, spread-out dates, a full team, an expedition out for an
    hour and some locked units, so that exactly 1,000 R units are free for mass_scrap;
  * a player base grown step by step to 100 / 10k / 1M players (--quick: 100 / 10k), each
    with a team of three units, the leaderboards measured after each step.

Every call runs in its own transaction, rolled back, so state never drifts; the figure is the
median over --reps calls after one warm-up call (the sizes interleaved, call by call), in milliseconds, client round trip included. Ratios are against the
smallest size of the same run. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import migrate  # noqa: E402
from bot.pgcluster import throwaway  # noqa: E402

N_SSR, N_SR = 250, 1250
WHALE_BASE = 1_000          # whale user ids: WHALE_BASE + index
POP_BASE = 10_000_000       # player-base user ids start here
TEAM = 3                    # units per player in the player base
GUILD = 4242


def catalogue(conn: psycopg.Connection, n_r: int) -> None:
    """250 SSR, 1,250 SR, n_r R characters, ranked by id; every 40th has Master of Coin,
    every 53rd Hardworker, every 211th The Long Road."""
    total = N_SSR + N_SR + n_r
    conn.execute("""
        insert into stardust.characters (anilist_id, name, series, favorites, rank, rarity,
                                         true_power, ability_tags)
        select g, 'Bench ' || g, 'Series ' || (g %% 700), f.favs, g, r.rarity,
               stardust.effective_power(f.favs, r.rarity),
               case when g %% 40 = 0 then array['Master of Coin']
                    when g %% 53 = 0 then array['Hardworker']
                    when g %% 211 = 0 then array['The Long Road'] else '{}' end
          from generate_series(1, %s) g
          cross join lateral (select (2000000 / g)::bigint as favs) f
          cross join lateral (select case when g <= %s then 'SSR' when g <= %s then 'SR'
                                          else 'R' end as rarity) r
    """, (total, N_SSR, N_SSR + N_SR))
    conn.execute("analyze stardust.characters")


def make_users(conn: psycopg.Connection, first: int, n: int) -> None:
    conn.execute("""
        insert into stardust.users (user_id, gems, coins, bounty_keys, team_level, team_xp)
        select g, 100000000, 1000000, 3, 1 + g %% 30, 0
          from generate_series(%s::bigint, %s::bigint) g
    """, (first, first + n - 1))


def make_whale(conn: psycopg.Connection, user_id: int, units: int, seed: float) -> None:
    """`units` distinct characters (all SSR/SR first draws are random over the catalogue),
    a team of 5, 3 units on an expedition started an hour ago, R units beyond 1,000 locked."""
    make_users(conn, user_id, 1)
    conn.execute("select setseed(%s)", (seed,))
    conn.execute("""
        insert into stardust.inventory (user_id, anilist_id, dupe_level, bond_level, is_locked,
                                        obtained_at)
        select %s, c.anilist_id, (random() * 10)::int, 1 + (random() * 49)::int, false,
               now() - random() * interval '700 days'
          from (select anilist_id from stardust.characters order by random() limit %s) c
    """, (user_id, units))
    # team: the five strongest-looking SSR/SR units; expedition: three others, an hour out
    conn.execute("""
        update stardust.inventory i set team_slot = s.ord
          from (select x.id, row_number() over (order by x.id) as ord
                  from (select id from stardust.inventory
                         where user_id = %s order by id limit 5) x) s
         where i.id = s.id
    """, (user_id,))
    conn.execute("""
        select * from stardust.expedition_start(%s, array(
                 select id from stardust.inventory where user_id = %s and team_slot is null
                  order by id desc limit 3))
    """, (user_id, user_id))
    conn.execute("""update stardust.expeditions
                       set started_at = now() - interval '1 hour',
                           last_claim_at = now() - interval '1 hour'
                     where user_id = %s""", (user_id,))
    # exactly 1,000 free R units (or all of them, fewer than that): lock the rest
    conn.execute("""
        update stardust.inventory i set is_locked = true
          from stardust.characters c
         where i.user_id = %s and c.anilist_id = i.anilist_id and c.rarity = 'R'
           and i.team_slot is null and i.expedition_slot is null
           and i.id not in (select i2.id from stardust.inventory i2
                              join stardust.characters c2 on c2.anilist_id = i2.anilist_id
                             where i2.user_id = %s and c2.rarity = 'R'
                               and i2.team_slot is null and i2.expedition_slot is null
                             order by i2.id limit 1000)
    """, (user_id, user_id))


def grow_population(conn: psycopg.Connection, have: int, want: int, n_chars: int) -> None:
    """Players have..want-1 of the player base, each with a team of TEAM distinct units."""
    if want <= have:
        return
    for lo in range(have, want, 100_000):          # in batches: shorter statements
        grow_batch(conn, lo, min(want, lo + 100_000), n_chars)
    conn.execute("analyze stardust.users")
    conn.execute("analyze stardust.inventory")


def grow_batch(conn: psycopg.Connection, have: int, want: int, n_chars: int) -> None:
    first = POP_BASE + have
    make_users(conn, first, want - have)
    conn.execute("""
        insert into stardust.inventory (user_id, anilist_id, dupe_level, bond_level,
                                        team_slot, obtained_at)
        select u, 1 + ((u * 7919 + s * 104729) %% %s)::int, (u + s) %% 11, 1 + (u * s) %% 50,
               s, now() - (u %% 1000) * interval '1 hour'
          from generate_series(%s::bigint, %s::bigint) u
         cross join generate_series(1, %s) s
    """, (n_chars, first, POP_BASE + want - 1, TEAM))


# --- measuring --------------------------------------------------------------------------------
def timed(conn: psycopg.Connection, sql: str, params: tuple, reps: int,
          warm: bool = True) -> float:
    times = []
    if warm:
        with conn.transaction(force_rollback=True):     # warm up: plans cached per backend
            conn.execute(sql, params).fetchall()
    if reps == 0:
        return float("nan")
    for _ in range(reps):
        with conn.transaction(force_rollback=True):
            t = time.perf_counter()
            conn.execute(sql, params).fetchall()
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def has_arg(conn: psycopg.Connection, fn: str, arg: str) -> bool:
    return bool(conn.execute(
        "select 1 from pg_proc where pronamespace = 'stardust'::regnamespace and proname = %s"
        " and %s = any(proargnames)", (fn, arg)).fetchone())


def whale_calls(conn: psycopg.Connection, uid: int, units: int) -> dict[str, tuple[str, tuple]]:
    keyset = has_arg(conn, "inventory", "p_after")
    # the deep page: the unit half-way down the collection, newest first
    mid = conn.execute("select id from stardust.inventory where user_id = %s"
                       " order by obtained_at desc, id desc offset %s limit 1",
                       (uid, units // 2)).fetchone()[0]
    other = WHALE_BASE - 1                          # the opponent (run() builds them)
    calls = {
        "inventory date p1": ("select * from stardust.inventory(%s, 'date', null, 10, 0)",
                              (uid,)),
        "inventory power p1": ("select * from stardust.inventory(%s, 'power', null, 10, 0)",
                               (uid,)),
        "inventory rarity p1": ("select * from stardust.inventory(%s, 'rarity', null, 10, 0)",
                                (uid,)),
        "inventory name p1": ("select * from stardust.inventory(%s, 'name', null, 10, 0)",
                              (uid,)),
        "inventory dupes p1": ("select * from stardust.inventory(%s, 'dupes', null, 10, 0)",
                               (uid,)),
        "inventory SSR p1": ("select * from stardust.inventory(%s, 'date', 'SSR', 10, 0)",
                             (uid,)),
        "inventory SR power p1": ("select * from stardust.inventory(%s, 'power', 'SR', 10, 0)",
                                  (uid,)),
    }
    if keyset:
        calls["inventory deep (keyset)"] = (
            "select * from stardust.inventory(%s, 'date', null, 10, 0, p_after => %s)",
            (uid, mid))
        calls["inventory deep power (keyset)"] = (
            "select * from stardust.inventory(%s, 'power', null, 10, 0, p_after => %s)",
            (uid, mid))
    else:
        calls["inventory deep (offset)"] = (
            "select * from stardust.inventory(%s, 'date', null, 10, %s)", (uid, units // 2))
        calls["inventory deep power (offset)"] = (
            "select * from stardust.inventory(%s, 'power', null, 10, %s)", (uid, units // 2))
    calls.update({
        "profile": ("select * from stardust.profile(%s)", (uid,)),
        "team_power": ("select stardust.team_power(%s)", (uid,)),
        "achievements": ("select * from stardust.achievements(%s)", (uid,)),
        "expedition_status": ("select * from stardust.expedition_status(%s)", (uid,)),
        "expedition_claim": ("select * from stardust.expedition_claim(%s, 'bench')", (uid,)),
        "mass_scrap_preview R": ("select * from stardust.mass_scrap_preview(%s, 'R')", (uid,)),
        "mass_scrap R (<=1k units)": ("select * from stardust.mass_scrap(%s, 'R', 'bench')",
                                      (uid,)),
        "pull x10": ("select * from stardust.pull(%s, 10, null, 'bench')", (uid,)),
        "bounty_claim": ("select * from stardust.bounty_claim(%s, %s, 1, 'bench')",
                         (uid, GUILD)),
        "battle_pvp": ("select * from stardust.battle_pvp(%s, %s, 'bench')", (uid, other)),
        "take_notifications": ("select * from stardust.take_notifications(%s)", (uid,)),
        "fairness": ("select * from stardust.fairness(%s)", (uid,)),
        "has_played": ("select stardust.has_played(%s)", (uid,)),
    })
    return calls


def explain_calls(conn: psycopg.Connection, calls: dict, n: int) -> None:
    """The plans of the statements inside each call (auto_explain, sent as notices)."""
    notes: list[str] = []
    conn.add_notice_handler(lambda d: notes.append(d.message_primary or ""))
    conn.execute("load 'auto_explain'")
    for k, v in (("log_min_duration", "0"), ("log_nested_statements", "on"),
                 ("log_analyze", "on"), ("log_timing", "off"), ("log_level", "notice")):
        conn.execute(f"set auto_explain.{k} = {v}")
    for name, (sql, params) in calls.items():
        notes.clear()
        with conn.transaction(force_rollback=True):
            conn.execute(sql, params).fetchall()
        print(f"\n-- {name} ({n} units)")
        print("\n".join(notes))
    conn.execute("set auto_explain.log_min_duration = -1")


def table(title: str, sizes: list[str], rows: dict[str, list[float]]) -> str:
    head = f"| {title} | " + " | ".join(sizes) + f" | ×{sizes[-1]}/{sizes[0]} |"
    out = [head, "|---" * (len(sizes) + 2) + "|"]
    for name, ms in rows.items():
        ratio = ms[-1] / ms[0] if ms[0] and ms[-1] == ms[-1] else float("nan")
        out.append(f"| {name} | " + " | ".join(f"{m:.2f}" for m in ms) + f" | {ratio:.2f} |")
    return "\n".join(out)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


def run(url: str, units: list[int], players: list[int], reps: int, explain: bool) -> None:
    conn = psycopg.connect(url, autocommit=True)
    conn.execute("set statement_timeout = '30min'")
    t0 = time.perf_counter()
    catalogue(conn, max(units) + 2000)
    for k, n in enumerate(units):
        make_whale(conn, WHALE_BASE + k, n, 0.1 + k / 100)
    make_whale(conn, WHALE_BASE - 1, 10, 0.5)      # every whale's PvP opponent
    conn.execute("analyze")
    conn.execute("select * from stardust.bounty_board(%s)", (GUILD,))
    print(f"built catalogue and {len(units)} whales in {time.perf_counter() - t0:.0f} s",
          flush=True)

    # interleaved: each repetition calls every size in turn, so that the load of a shared
    # machine weighs on all sizes alike and the ratios stay fair
    calls = [whale_calls(conn, WHALE_BASE + k, n) for k, n in enumerate(units)]
    results: dict[str, list[float]] = {}
    for name in calls[0]:
        per: list[list[float]] = [[] for _ in units]
        for k in range(len(units)):                  # warm up: plans cached per backend
            timed(conn, *calls[k][name], 0)
        slow = name.startswith("inventory deep") and max(units) >= 10_000
        for _ in range(max(3, reps // 3) if slow else reps):
            for k in range(len(units)):
                per[k].append(timed(conn, *calls[k][name], 1, warm=False))
        results[name] = [statistics.median(x) for x in per]
    if explain:
        explain_calls(conn, calls[-1], units[-1])
    print()
    print(table("call (ms) by units", [label(n) for n in units], results), flush=True)

    lb: dict[str, list[float]] = {}
    have = 0
    n_chars = N_SSR + N_SR + max(units) + 2000
    for p in players:
        t = time.perf_counter()
        grow_population(conn, have, p, n_chars)
        have = p
        print(f"player base {label(p)} built in {time.perf_counter() - t:.0f} s", flush=True)
        few = 3 if p >= 1_000_000 else reps
        lb.setdefault("leaderboard team_power", []).append(timed(
            conn, "select * from stardust.leaderboard('team_power', 10)", (), few))
        lb.setdefault("leaderboard collection", []).append(timed(
            conn, "select * from stardust.leaderboard('collection', 10)", (), few))
        pid = POP_BASE + p // 2
        lb.setdefault("profile (a player)", []).append(timed(
            conn, "select * from stardust.profile(%s)", (pid,), reps))
        lb.setdefault("pull x10 (a player)", []).append(timed(
            conn, "select * from stardust.pull(%s, 10, null, 'bench')", (pid,), reps))
    print()
    print(table("call (ms) by players", [label(p) for p in players], lb), flush=True)
    conn.close()


def main() -> None:
    global TEAM
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10/1k/10k units, 100/10k players")
    ap.add_argument("--units", help="comma-separated collection sizes")
    ap.add_argument("--players", help="comma-separated player-base sizes")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--team", type=int, default=TEAM,
                    help=f"units per player of the player base (default {TEAM})")
    ap.add_argument("--explain", action="store_true", help="print plans at the largest size")
    ap.add_argument("--sql-dir", type=Path, help="another sql/ tree (e.g. an older commit's)")
    ap.add_argument("--url", help="an empty database to use instead of a throwaway cluster")
    args = ap.parse_args()
    TEAM = args.team
    units = [10, 1000, 10_000] if args.quick else [10, 1000, 10_000, 50_000]
    players = [100, 10_000] if args.quick else [100, 10_000, 1_000_000]
    if args.units:
        units = [int(x) for x in args.units.split(",")]
    if args.players:
        players = [int(x) for x in args.players.split(",")]
    if args.url:
        migrate.migrate(args.url, args.sql_dir)
        run(args.url, units, players, args.reps, args.explain)
        return
    with throwaway("stardust-scale-") as cluster:
        cluster.ensure_database("bench")
        url = cluster.url("bench")
        migrate.migrate(url, args.sql_dir)
        run(url, units, players, args.reps, args.explain)


if __name__ == "__main__":
    main()
