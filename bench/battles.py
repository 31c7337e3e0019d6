"""Battle benchmark.

    .venv/bin/python bench/battles.py [--seconds 5]

Starts a throwaway PostgreSQL (fsync off), loads a catalogue (250 SSR / 1,250 SR / 10,000 R)
and 64 players, each with a 5-unit team of SSRs carrying skills, then measures with 32
clients on 32 distinct players of one guild:

  * bounty_claim per second (the slots are made unbeatable so every claim is a full fight,
    and the players hold enough keys);
  * battle_pvp per second (each against another of the 64);
  * raid_attack per second, all 32 on the guild's one raid boss (serialised by its row,
    which keeps its HP exact);

and, for a player holding 5,000 units, the latency of team_power, team_details and an
inventory page sorted by power. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import migrate  # noqa: E402
from bot.pgcluster import throwaway  # noqa: E402


def _bench_module(name: str):
    """A sibling benchmark loaded by path (bench/ on sys.path would shadow the bot package
    with bench/bot.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}",
                                                  Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_gacha = _bench_module("gacha")
CLIENTS, catalogue, pct, throughput = (_gacha.CLIENTS, _gacha.catalogue, _gacha.pct,
                                       _gacha.throughput)

GUILD = 77
PLAYERS = list(range(1, 65))
BIG = 1000                                    # the player with 5,000 units
# no Queen of the Zodiacs: its Sheep copies the enemy's power, so no slot would be unbeatable
SKILLS = ["Surge", "Guard", "Berserk", "Lucky 7", "Royalty", "Anchor", "Kamikaze", "The Joker",
          "Revive", "Golden Egg"]


async def setup(url: str) -> None:
    conn = await asyncpg.connect(url)
    chars = catalogue()
    for i, c in enumerate(chars[:250]):                # every SSR carries a skill
        c["ability_tags"] = [SKILLS[i % len(SKILLS)]]
    await conn.execute("select stardust.upsert_characters($1::jsonb)", json.dumps(chars))
    for uid in PLAYERS:
        await conn.fetchrow("select * from stardust.get_user($1)", uid)
        ids = [r[0] for r in await conn.fetch(
            "insert into stardust.inventory (user_id, anilist_id, dupe_level)"
            " select $1::bigint, anilist_id, $1::bigint % 11 from stardust.characters where rarity = 'SSR'"
            " order by (anilist_id * $1::bigint) % 251 limit 5 returning id", uid)]
        await conn.execute("select stardust.set_team($1, $2::bigint[])", uid, ids)
    await conn.execute("select stardust.set_setting('bounty_keys_max', '1000000000')")
    await conn.execute("update stardust.users set bounty_keys = 1000000000")
    board = (await conn.fetch("select * from stardust.bounty_board($1)", GUILD))[0]["board_id"]
    await conn.execute("update stardust.bounty_slots set enemy_power = 1000000000"
                       " where board_id = $1", board)
    await conn.execute("update stardust.bounty_boards set expires_at = now() + interval '1 day'")
    await conn.fetchrow("select * from stardust.get_user($1)", BIG)
    await conn.execute("insert into stardust.inventory (user_id, anilist_id, dupe_level,"
                       " bond_level) select $1, anilist_id, anilist_id % 11, 1 + anilist_id % 50"
                       " from stardust.characters order by anilist_id limit 5000", BIG)
    ids = [r[0] for r in await conn.fetch("select id from stardust.inventory where user_id = $1"
                                          " order by id limit 5", BIG)]
    await conn.execute("select stardust.set_team($1, $2::bigint[])", BIG, ids)
    await conn.execute("select stardust.set_setting('raid_tickets', '1000000000')")
    await conn.fetchrow("select * from stardust.start_raid($1, 'Bench Boss', 1000000000000000,"
                        " now() + interval '1 day')", GUILD)
    await conn.execute("vacuum analyze")
    await conn.close()


async def claim(conn, user_id, _rid):
    await conn.fetchrow("select * from stardust.bounty_claim($1, $2, $3, $4)", user_id, GUILD,
                        random.randint(1, 3), uuid.uuid4().hex)


async def pvp(conn, user_id, _rid):
    opponent = random.choice([p for p in PLAYERS if p != user_id])
    await conn.fetchrow("select * from stardust.battle_pvp($1, $2, $3)", user_id, opponent,
                        uuid.uuid4().hex)


async def raid(conn, user_id, _rid):
    await conn.fetchrow("select * from stardust.raid_attack($1, $2, $3)", user_id, GUILD,
                        uuid.uuid4().hex)


async def latency(url: str, sql: str, *args, n: int = 500) -> tuple[float, float]:
    conn = await asyncpg.connect(url)
    try:
        for _ in range(50):
            await conn.fetch(sql, *args)
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            await conn.fetch(sql, *args)
            samples.append(time.perf_counter() - t)
        return pct(samples, 0.5) * 1e3, pct(samples, 0.99) * 1e3
    finally:
        await conn.close()


async def run(url: str, seconds: float) -> None:
    await setup(url)
    users = PLAYERS[:CLIENTS]
    claims = await throughput(url, claim, users, seconds)
    fights = await throughput(url, pvp, users, seconds)
    raids = await throughput(url, raid, users, seconds)
    print(f"{os.cpu_count()} CPUs; {CLIENTS} clients on {CLIENTS} distinct players of one guild;"
          f" {seconds:g} s per run\n")
    print(f"{'measure':<52} {'value':>10}")
    print(f"{'bounty_claim per second (every claim a full fight)':<52} {claims:10.0f}")
    print(f"{'battle_pvp per second':<52} {fights:10.0f}")
    print(f"{'raid_attack per second (32 players, one boss)':<52} {raids:10.0f}")
    for label, sql in (("team_power, 5,000-unit inventory", "select stardust.team_power($1)"),
                       ("team_details, 5,000-unit inventory",
                        "select * from stardust.team_details($1)"),
                       ("inventory page by power, 5,000 units",
                        "select * from stardust.inventory($1, 'power', null, 10, 0)"),
                       ("leaderboard team_power top 10, 65 players",
                        "select * from stardust.leaderboard('team_power', 10 + 0 * $1)"),
                       ("profile, 5,000-unit inventory", "select * from stardust.profile($1)"),
                       ("achievements, 5,000-unit inventory",
                        "select * from stardust.achievements($1)")):
        p50, p99 = await latency(url, sql, BIG)
        print(f"{label + ' p50/p99 (ms)':<52} {p50:6.2f}/{p99:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    with throwaway("stardust-battlebench-") as cluster:
        cluster.ensure_database("bench")
        url = cluster.url("bench")
        migrate.migrate(url)
        asyncio.run(run(url, args.seconds))

if __name__ == "__main__":
    main()
