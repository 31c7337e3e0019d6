"""Provably fair pulls: HMAC-SHA256 in SQL, seeds and their rotation, client seeds and nonces,
reveal -> recompute (an independent re-implementation here and `stardust verify`), tampering,
privileges."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import random
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import asyncpg
import pytest

from tests.helpers import load_catalogue, sqlstate, unchanged

REPO = Path(__file__).resolve().parents[2]
FIXED = hashlib.sha256(b"stardust fairness test").digest()


async def fixed_seed(conn, seed: bytes = FIXED) -> int:
    """A known server seed, made the active one (the newest unrevealed), for reproducible
    draws."""
    return await conn.fetchval(
        "insert into stardust.server_seeds (seed, commitment) values ($1, $2) returning id",
        seed, hashlib.sha256(seed).hexdigest())


# --- an independent re-implementation of DESIGN.md's rules, for the tests -----------------
def units_of(seed: bytes, client_seed: str, nonce: int) -> tuple[float, float, float]:
    h = hmac.new(seed, f"{client_seed}:{nonce}".encode(), hashlib.sha256).digest()
    return tuple(int.from_bytes(h[a:a + 6], "big") / 2 ** 48 for a in (0, 6, 12))


async def recompute_all(conn, user_id: int) -> list[tuple]:
    """Every drawn unit of the user, as the rules say it must be: (pull_id, position,
    rarity, is_pity, anilist_id), from revealed seeds, the catalogue and the banners."""
    cfg = {r["key"]: json.loads(r["value"]) for r in await conn.fetch(
        "select key, value::text from stardust.settings")}
    seeds = {r["id"]: bytes.fromhex(r["seed"])
             for r in await conn.fetch("select * from stardust.revealed_seeds(1000)")}
    pools = defaultdict(dict)
    for r in await conn.fetch("select rarity, pool_idx, anilist_id from stardust.characters"):
        pools[r["rarity"]][r["pool_idx"]] = r["anilist_id"]
    banners = {}
    for b in await conn.fetch("select b.id, b.rate_up_chance, array(select c.anilist_id || ':'"
                              " || c.rarity from stardust.characters c where c.anilist_id ="
                              " any(b.rate_up_ids) order by c.anilist_id) ids"
                              " from stardust.banners b"):
        lists = defaultdict(list)
        for x in b["ids"]:
            aid, rarity = x.split(":")
            lists[rarity].append(int(aid))
        banners[b["id"]] = (float(b["rate_up_chance"]), lists)
    calls = defaultdict(list)
    for r in await conn.fetch("select * from stardust.pull_history($1, 500)", user_id):
        calls[r["pull_id"]].append(r)
    out, pity = [], 0
    for pid in sorted(calls):
        rows = sorted(calls[pid], key=lambda r: r["position"])
        src = rows[0]["source"]
        if src not in ("pull", "starter"):
            continue
        seed = seeds[rows[0]["seed_id"]]
        p = pity if src == "pull" else 0
        high, got = False, []
        for i, r in enumerate(rows, 1):
            u1, u2, u3 = units_of(seed, r["client_seed"], r["nonce"])
            forced = p + 1 >= cfg["pity_hard"]
            rarity = "SSR" if forced or u1 < cfg["rate_ssr"] else (
                "SR" if u1 < cfg["rate_ssr"] + cfg["rate_sr"] else "R")
            if (not forced and cfg["ten_pull_guarantee"] and len(rows) == 10 and i == 10
                    and not high and rarity == "R"):
                rarity = "SR"
            p = 0 if rarity == "SSR" else p + 1
            high = high or rarity != "R"
            got.append([rarity, forced, u2, u3])
        if src == "starter" and all(g[0] != "SSR" for g in got):
            got[-1][:2] = ["SSR", True]
        if src == "pull":
            pity = p
        chance, lists = banners.get(rows[0]["banner_id"], (0.0, {}))
        for r, (rarity, forced, u2, u3) in zip(rows, got):
            listed = lists.get(rarity, [])
            if listed and u2 < chance:
                aid = listed[math.floor(u3 * len(listed))]
            else:
                aid = pools[rarity][math.floor(u3 * len(pools[rarity]))]
            out.append((pid, r["position"], rarity, forced, aid))
    return out


async def recorded(conn, user_id: int) -> list[tuple]:
    return sorted((r["pull_id"], r["position"], r["rarity"], r["is_pity"], r["anilist_id"])
                  for r in await conn.fetch("select * from stardust.pull_history($1, 500)",
                                            user_id)
                  if r["source"] in ("pull", "starter"))


def run_verify(url: str, user_id: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "verify", "--user", str(user_id),
                           "--url", url], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


# --- HMAC-SHA256 in SQL ---------------------------------------------------------------------
async def test_hmac_sha256_matches_python_on_many_vectors(tx):
    rng = random.Random(14)
    keys, msgs = [b"", b"key", b"\x00" * 64, b"\xff" * 65], [b"", b"x", b"\x00", b"msg"]
    for _ in range(400):
        keys.append(rng.randbytes(rng.choice([0, 1, 20, 31, 32, 33, 63, 64, 65, 100, 131,
                                              rng.randrange(200)])))
        msgs.append(rng.randbytes(rng.choice([0, 1, 55, 56, 63, 64, 65, 119, 120,
                                              rng.randrange(300)])))
    keys, msgs = keys[:len(msgs)], msgs[:len(keys)]
    got = await tx.fetch("select stardust._hmac_sha256(k, m) as h"
                         " from unnest($1::bytea[], $2::bytea[]) with ordinality x(k, m, n)"
                         " order by n", keys, msgs)
    assert [r["h"] for r in got] == [hmac.new(k, m, hashlib.sha256).digest()
                                     for k, m in zip(keys, msgs)]
    # RFC 4231 test case 2
    assert (await tx.fetchval("select encode(stardust._hmac_sha256('Jefe', 'what do ya want"
                              " for nothing?'), 'hex')")
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")


# --- seeds ----------------------------------------------------------------------------------
async def test_migration_makes_one_active_seed_committed_by_its_sha256(tx):
    rows = await tx.fetch("select * from stardust.server_seeds")
    assert len(rows) == 1 and rows[0]["revealed_at"] is None
    assert len(rows[0]["seed"]) == 32
    assert rows[0]["commitment"] == hashlib.sha256(rows[0]["seed"]).hexdigest()
    fair = await tx.fetchrow("select * from stardust.fairness(5)")
    assert (fair["seed_id"], fair["commitment"]) == (rows[0]["id"], rows[0]["commitment"])
    assert (fair["client_seed"], fair["nonce"]) == ("5", 0)      # a player not seen yet
    assert rows[0]["seed"].hex() not in json.dumps([str(v) for v in fair.values()])
    assert await tx.fetch("select * from stardust.revealed_seeds()") == []
    for bad in (0, -1, None):
        with sqlstate("SDARG"):
            async with tx.transaction():
                await tx.fetch("select * from stardust.fairness($1)", bad)


async def test_rotating_twice_reveals_both_in_order(tx):
    first = await tx.fetchrow("select * from stardust.fairness(1)")
    a = await tx.fetch("select * from stardust.rotate_seed()")
    second = await tx.fetchrow("select * from stardust.fairness(1)")
    b = await tx.fetch("select * from stardust.rotate_seed()")
    assert [r["id"] for r in a] == [first["seed_id"]]
    assert [r["id"] for r in b] == [second["seed_id"]] and second["seed_id"] > first["seed_id"]
    for r, shown in ((a[0], first), (b[0], second)):
        assert r["commitment"] == shown["commitment"]
        assert hashlib.sha256(bytes.fromhex(r["seed"])).hexdigest() == shown["commitment"]
        assert r["revealed_at"] is not None
    revealed = await tx.fetch("select * from stardust.revealed_seeds()")
    assert [r["id"] for r in revealed] == [second["seed_id"], first["seed_id"]]
    assert [r["seed"] for r in revealed] == [b[0]["seed"], a[0]["seed"]]
    assert [r["id"] for r in await tx.fetch("select * from stardust.revealed_seeds(1)")] == [
        second["seed_id"]]
    assert [r["id"] for r in await tx.fetch(
        "select * from stardust.revealed_seeds(5, p_before => $1)", second["seed_id"])] == [
        first["seed_id"]]
    assert (await tx.fetchrow("select * from stardust.fairness(1)"))["seed_id"] > second["seed_id"]
    assert await tx.fetchval("select count(*) from stardust.server_seeds"
                             " where revealed_at is null") == 1
    for bad in (0, 1001, None):
        with sqlstate("SDARG"):
            async with tx.transaction():
                await tx.fetch("select * from stardust.revealed_seeds($1)", bad)


async def test_seeds_are_distinct_and_full_length(tx):
    for _ in range(20):
        await tx.fetch("select * from stardust.rotate_seed()")
    seeds = [r[0] for r in await tx.fetch("select seed from stardust.server_seeds")]
    assert len(set(seeds)) == len(seeds) == 21 and {len(s) for s in seeds} == {32}
    # every byte value appears somewhere in 672 bytes from a uniform source
    assert len(set(b"".join(seeds))) > 200


async def test_the_bot_can_never_read_an_unrevealed_seed(conn, bot_conn):
    for sql in ("select * from stardust.rotate_seed()",
                "select * from stardust.server_seeds",
                "select * from stardust._active_seed()",
                "select stardust._new_server_seed()",
                "select stardust._hmac_sha256('a', 'b')",
                "update stardust.server_seeds set revealed_at = stardust._now()"):
        with sqlstate("42501"):
            await bot_conn.fetch(sql)
    # what the bot may call, and only that, touches the seeds table
    touching = {r[0] for r in await conn.fetch("""
        select p.proname from pg_proc p
         where p.pronamespace = 'stardust'::regnamespace
           and p.prosrc ~ 'server_seeds|_active_seed'
           and has_function_privilege('stardust_bot', p.oid, 'execute')""")}
    # (erase_user only checks whether the erased player drew with the active seed, and then
    # rotates it: it returns row counts, never a seed)
    assert touching == {"fairness", "revealed_seeds", "pull", "claim_starter", "erase_user"}
    src = await conn.fetchval("select prosrc from pg_proc where proname = 'erase_user'"
                              " and pronamespace = 'stardust'::regnamespace")
    assert not re.search(r"\.seed\b", src)
    for fn in ("pull", "claim_starter"):              # they hand the seed only to _draw
        src = await conn.fetchval("select prosrc from pg_proc where proname = $1"
                                  " and pronamespace = 'stardust'::regnamespace", fn)
        assert src.count("v_seed.o_seed") == 1
    fair = await bot_conn.fetchrow("select * from stardust.fairness(1)")
    seed = await conn.fetchval("select seed from stardust.server_seeds where id = $1",
                               fair["seed_id"])
    assert fair["commitment"] == hashlib.sha256(seed).hexdigest()
    assert await bot_conn.fetch("select * from stardust.revealed_seeds()") == []


# --- client seeds and nonces ----------------------------------------------------------------
SET = "select * from stardust.set_client_seed($1, $2, $3)"


@pytest.mark.parametrize("bad", ["", "x" * 65, "a\nb", "tab\there", "\x7f", "a\u2028b", None])
async def test_client_seed_must_be_1_to_64_printable_characters(tx, bad):
    await tx.fetchrow("select * from stardust.get_user(1)")
    async with unchanged(tx):
        with sqlstate("SDARG"):
            async with tx.transaction():
                await tx.fetchrow(SET, 1, bad, None)


async def test_set_client_seed_and_replay(tx):
    assert (await tx.fetchrow(SET, 1, "x" * 64, None))["client_seed"] == "x" * 64
    row = await tx.fetchrow(SET, 1, "星の砂 lucky 7", "r1")
    assert row["client_seed"] == "星の砂 lucky 7" and row["nonce"] == 0
    assert (await tx.fetchrow("select * from stardust.fairness(1)"))["client_seed"] == (
        "星の砂 lucky 7")
    async with unchanged(tx):
        assert await tx.fetchrow(SET, 1, "星の砂 lucky 7", "r1") == row
        with sqlstate("SDIDM"):
            async with tx.transaction():
                await tx.fetchrow(SET, 1, "other", "r1")


async def test_nonces_count_every_drawn_unit_and_replays_take_none(tx):
    await load_catalogue(tx)
    await tx.execute("select stardust.grant(1, 100000)")
    await tx.fetch("select * from stardust.claim_starter(1)")
    first = await tx.fetch("select * from stardust.pull(1, 10, p_request_id => 'a')")
    await tx.fetch("select * from stardust.pull(1, 1)")
    async with unchanged(tx):
        assert await tx.fetch("select * from stardust.pull(1, 10, p_request_id => 'a')") == first
    assert (await tx.fetchrow("select * from stardust.fairness(1)"))["nonce"] == 21
    hist = await tx.fetch("select * from stardust.pull_history(1) order by pull_id, position")
    assert [r["nonce"] for r in hist] == list(range(21))
    assert {r["client_seed"] for r in hist} == {"1"}             # the default: the user id
    assert [r["nonce"] for r in first] == list(range(10, 20))


async def test_spark_and_shop_draw_nothing(tx):
    await load_catalogue(tx)
    banner = await tx.fetchval("select id from stardust.create_banner('B', array[1000],"
                               " stardust._now() + interval '1 day', p_spark_cost => 1)")
    await tx.execute("select stardust.grant(1, 100000)")
    await tx.fetch("select * from stardust.pull(1, 1, $1)", banner)
    rows = await tx.fetch("select * from stardust.spark(1, $1, 1000)", banner)
    assert (rows[0]["seed_id"], rows[0]["nonce"], rows[0]["pool_idx"]) == (None, None, None)
    assert (await tx.fetchrow("select * from stardust.fairness(1)"))["nonce"] == 1


async def test_the_starters_forced_ssr_is_flagged_and_uses_its_own_u3(tx):
    await load_catalogue(tx)
    await tx.execute("select stardust.set_setting('rate_ssr', '0')")
    rows = await tx.fetch("select * from stardust.claim_starter(1)")
    assert [r["is_pity"] for r in rows] == [False] * 9 + [True]
    seed = await tx.fetchval("select seed from stardust.server_seeds where id = $1",
                             rows[-1]["seed_id"])
    u3 = units_of(seed, "1", 9)[2]
    assert rows[-1]["pool_idx"] == math.floor(u3 * 5) and rows[-1]["pool_size"] == 5


# --- reveal -> recompute ----------------------------------------------------------------------
@pytest.fixture
async def played(conn, db_url):
    """Player 7 sets a client seed, claims the starter, pulls on the standard pool and on a
    banner with SSR and SR rate-up units (a known server seed, pity lowered so that it
    fires); the commitment shown before the pulls is kept."""
    await load_catalogue(conn, n_ssr=6, n_sr=12, n_r=30)
    await conn.execute("select stardust.set_setting('pity_hard', '12')")
    await fixed_seed(conn)
    banner = await conn.fetchval(
        "select id from stardust.create_banner('Fair', array[1000, 1001, 1006, 1007, 1008],"
        " stardust._now() + interval '1 day')")
    await conn.execute("select stardust.grant(7, 300000)")
    await conn.fetchrow(SET, 7, "my lucky seed", None)
    shown = await conn.fetchrow("select * from stardust.fairness(7)")
    await conn.fetch("select * from stardust.claim_starter(7)")
    for i in range(12):
        await conn.fetch("select * from stardust.pull(7, $1, $2)", 10 if i % 2 else 1,
                         banner if i % 3 else None)
    for _ in range(15):
        await conn.fetch("select * from stardust.pull(7, 10, $1)", banner)
    return {"shown": shown, "url": db_url, "banner": banner}


async def test_reveal_then_recompute_every_unit(conn, played):
    hist = await conn.fetch("select * from stardust.pull_history(7, 500)")
    # the test covers what it claims: rate-up picks of both rarities, pity, the guarantee
    assert {(r["rarity"], r["rate_up_pick"]) for r in hist} >= {
        ("SSR", True), ("SR", True), ("SSR", False), ("SR", False), ("R", False)}
    assert any(r["is_pity"] and r["source"] == "pull" for r in hist)
    tens = defaultdict(list)
    for r in hist:
        tens[r["pull_id"]].append(r)
    assert any(len(u) == 10 and [x["rarity"] for x in sorted(u, key=lambda x: x["position"])
                                 ][:9] == ["R"] * 9 for u in tens.values())
    with pytest.raises(KeyError):                  # nothing to check before the reveal
        await recompute_all(conn, 7)
    assert run_verify(played["url"], 7).returncode == 0          # pending is not a failure
    revealed = await conn.fetch("select * from stardust.rotate_seed()")
    ours = [r for r in revealed if r["id"] == played["shown"]["seed_id"]]
    assert ours[0]["commitment"] == played["shown"]["commitment"]
    assert hashlib.sha256(bytes.fromhex(ours[0]["seed"])).hexdigest() == (
        played["shown"]["commitment"])
    assert await recompute_all(conn, 7) == await recorded(conn, 7)
    out = run_verify(played["url"], 7)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"seed #{played['shown']['seed_id']}" in out.stdout and "OK" in out.stdout


@pytest.mark.parametrize("field,value", [("anilist_id", "units[4].anilist_id + 1"),
                                         ("rarity", "case units[4].rarity when 'R' then 'SR'"
                                                    " else 'R' end"),
                                         ("is_pity", "not units[4].is_pity"),
                                         ("pool_idx", "units[4].pool_idx + 1"),
                                         ("nonce", "units[4].nonce + 100")])
async def test_tampering_with_one_history_row_fails(conn, played, field, value):
    await conn.fetch("select * from stardust.rotate_seed()")
    pull_id = await conn.fetchval("select max(id) from stardust.pulls")
    await conn.execute(f"update stardust.pulls set units[4].{field} = {value}"
                       " where id = $1", pull_id)
    assert await recompute_all(conn, 7) != await recorded(conn, 7) or field in (
        "pool_idx", "nonce")
    out = run_verify(played["url"], 7)
    assert out.returncode == 1, out.stdout
    assert "MISMATCH" in out.stdout or "problems found" in out.stdout


async def test_the_verifier_works_with_the_bots_login(conn, played, make_db, pg_cluster):
    await conn.fetch("select * from stardust.rotate_seed()")
    await conn.execute("create role fair_bot login in role stardust_bot")
    try:
        url = played["url"].replace(f"{pg_cluster.superuser}@", "fair_bot@", 1)
        assert "fair_bot@" in url
        out = run_verify(url, 7)
        assert out.returncode == 0, out.stdout + out.stderr
    finally:
        await conn.execute("drop owned by fair_bot; drop role fair_bot")


def test_the_verifier_is_independent_of_the_sql_draw():
    """bot/verify.py recomputes from the rules: no SQL text, no call to the draw's helpers;
    it reads through bot/db.py's read functions only."""
    src = (REPO / "bot" / "verify.py").read_text()
    assert "select" not in src.lower().replace("selects", "")
    for name in ("_draw", "_award", "_hmac", "_active_seed", "server_seeds"):
        assert name not in src
    used = {m for m in ("fairness", "pull_history", "revealed_seeds", "list_banners",
                        "catalogue_pool") if f"db.{m}(" in src}
    assert used == {"fairness", "pull_history", "revealed_seeds", "list_banners",
                    "catalogue_pool"}
