"""Tight statistics with fixed seeds (issue 16, 4): the gacha's rarity draw against an
independent verifier over 100,000 draws, with ~3 sigma bounds and its threshold to the last
bit; the bounty board's tier distribution (1 % UR); the expedition yield curve across all
its bands, exactly, at and around each band edge."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
from fractions import Fraction

import pytest

from tests.helpers import load_catalogue

SEED = hashlib.sha256(b"stardust tight statistics").digest()
CLIENT = "clock stats"
DRAWS = 100_000


def u1(seed: bytes, client: str, nonce: int) -> float:
    """DESIGN.md's u1 for one draw: bytes 0-5 of HMAC-SHA256(seed, client:nonce) / 2^48."""
    h = hmac.new(seed, f"{client}:{nonce}".encode(), hashlib.sha256).digest()
    return int.from_bytes(h[:6], "big") / 2 ** 48


def rarity(u: float, ssr: float, sr: float) -> str:
    return "S" if u < ssr else "A" if u < ssr + sr else "R"


def within_3_sigma(count: int, n: int, p: float) -> bool:
    return abs(count - n * p) <= 3 * math.sqrt(n * p * (1 - p))


DRAW = """
select string_agg(case d.o_rarities[1] when 'SSR' then 'S' when 'SR' then 'A' else 'R' end,
                  '' order by n)
  from generate_series($4::bigint, $5::bigint) n
 cross join lateral stardust._draw(1, 0, $1::jsonb, null::stardust.banners, $2, $3, n) d
"""


@pytest.fixture
async def cfg(tx):
    return json.loads(await tx.fetchval("select stardust._gacha_config()::text"))


@pytest.mark.slow
async def test_100k_draws_match_the_verifier_and_the_base_rates(tx, cfg):
    ssr, sr = float(cfg["rate_ssr"]), float(cfg["rate_sr"])
    assert (ssr, sr) == (0.02, 0.11)
    got = await tx.fetchval(DRAW, json.dumps(cfg), SEED, CLIENT, 0, DRAWS - 1)
    want = "".join(rarity(u1(SEED, CLIENT, n), ssr, sr) for n in range(DRAWS))
    counts = {k: got.count(k) for k in "SAR"}
    # golden: every one of the 100,000 draws is the verifier's (the seeds are fixed)
    assert counts == {k: want.count(k) for k in "SAR"}
    assert got == want
    # and the sample is a fair one: within 3 sigma of 2 % SSR and 11 % SR (2.16 % SSR is
    # 3.6 sigma away from 2 %: 2,160 against 2,000 +- 133)
    assert within_3_sigma(counts["S"], DRAWS, ssr), counts
    assert within_3_sigma(counts["A"], DRAWS, sr), counts
    assert not within_3_sigma(counts["S"], DRAWS, 0.0216), counts


@pytest.mark.parametrize("nonce", [0, 1, 2])
async def test_the_rarity_thresholds_are_strict_to_the_last_bit(tx, cfg, nonce):
    """u1 < rate_ssr is SSR, u1 = rate_ssr is not; likewise rate_ssr + rate_sr for SR."""
    u = u1(SEED, CLIENT, nonce)

    async def draw(ssr: float, sr: float) -> str:
        c = dict(cfg, rate_ssr=ssr, rate_sr=sr)           # json: the shortest exact repr
        return await tx.fetchval(DRAW, json.dumps(c), SEED, CLIENT, nonce, nonce)

    above, below = math.nextafter(u, 1), math.nextafter(u, 0)
    assert await draw(above, 0.5) == "S"                          # u1 just below rate_ssr
    assert await draw(u, 0.5) == "A"                              # u1 = rate_ssr: not SSR
    assert await draw(below, 0.5) == "A"                          # u1 just above
    assert await draw(0.0, above) == "A"                          # the SR threshold
    assert await draw(0.0, u) == "R"
    assert await draw(0.0, below) == "R"


# --- bounty boards: tiers R / SR / SSR uniform, 1 % UR --------------------------------------
BOARDS = 4_000                                     # 12,000 slots


@pytest.mark.slow
async def test_bounty_tiers_and_powers_over_12000_slots(tx):
    await tx.execute("select setseed(0.16)")       # random() is the session's: fixed here
    await tx.execute("select count(stardust._bounty_board(g)) from generate_series(1, $1) g",
                     BOARDS)
    rows = await tx.fetch("select s.tier, count(*) as n, min(s.enemy_power) as lo,"
                          "       max(s.enemy_power) as hi, avg(s.enemy_power)::float8 as mean"
                          "  from stardust.bounty_slots s group by s.tier")
    by = {r["tier"]: r for r in rows}
    slots = 3 * BOARDS
    assert sum(r["n"] for r in rows) == slots
    ur = float(await tx.fetchval("select stardust._setting('bounty_ur_chance')::text"))
    assert ur == 0.01
    assert within_3_sigma(by["UR"]["n"], slots, ur), by["UR"]["n"]        # 120 +- 33
    assert by["UR"]["n"] < 3 * slots * ur                        # x3 would be far out
    for tier in ("R", "SR", "SSR"):
        assert within_3_sigma(by[tier]["n"], slots, (1 - ur) / 3), (tier, by[tier]["n"])
    bands = json.loads(await tx.fetchval("select stardust._setting('bounty_power')::text"))
    for tier, (lo, hi) in bands.items():
        r = by[tier]
        assert lo <= r["lo"] and r["hi"] <= hi, (tier, r["lo"], r["hi"])
        if lo < hi:                                  # uniform over [lo, hi]: the ends are hit
            assert r["lo"] < lo + (hi - lo) * 0.01 and r["hi"] > hi - (hi - lo) * 0.01
            # the mean of n uniform draws: within 3 sigma of (lo + hi) / 2
            sd = (hi - lo) / math.sqrt(12) / math.sqrt(r["n"])
            assert abs(r["mean"] - (lo + hi) / 2) <= 3 * sd, (tier, r["mean"])


# --- the expedition yield curve, exactly ----------------------------------------------------
def pulls_per_day(p: int) -> Fraction:
    """DESIGN.md: P < 20k: P/20,000 x 10; P < 60k: 10 + (P - 20,000)/4,000; else
    min(25, 20 + (P - 60,000)/4,000)."""
    p = Fraction(p)
    if p < 20000:
        return p / 20000 * 10
    if p < 60000:
        return 10 + (p - 20000) / 4000
    return min(Fraction(25), 20 + (p - 60000) / 4000)


EDGES = [0, 2, 3, 19_999, 20_000, 20_001, 40_000, 59_999, 60_000, 60_001, 60_004, 70_000,
         79_996, 79_999, 80_000, 80_001, 1_000_000]


def two_units(p: int) -> tuple[int, int]:
    """True powers of two new units (dupe 0, bond level 1, team level 1: power =
    floor(tp x 1.005 x 1.01)) whose powers add up to exactly p."""
    f = Fraction(101505, 100000)

    def power(tp):
        return math.floor(tp * f)
    for tp1 in range(max(1, math.floor(p / f) - 3), math.floor(p / f) + 3):
        rest = p - power(tp1)
        for tp2 in range(max(1, math.floor(rest / f) - 3), math.floor(rest / f) + 3):
            if rest > 0 and power(tp2) == rest:
                return tp1, tp2
    raise AssertionError(p)


# o_gems = floor(o_per_hour x hours x mult) with o_per_hour = pulls x 1000 / 24 rounded to 20
# places: where pulls x 1000 / 24 is rounded down, a whole day pays one gem less (found by
# the test below, left to the expedition owner: see test_a_full_day_pays_the_whole_rate)
ROUNDED_DOWN = {60_000}


async def test_the_expedition_yield_curve_at_and_around_every_band_edge(tx):
    await load_catalogue(tx, n_ssr=2 * len(EDGES), n_sr=1, n_r=1)
    await tx.execute("update stardust.characters set ability_tags = '{}', is_overridden = true")
    for i, p in enumerate(EDGES):
        uid = 500 + i
        await tx.fetchrow("select * from stardust.get_user($1)", uid)
        if p == 0:
            continue
        tp = two_units(p)
        for j, t in enumerate(tp):
            aid = 1000 + 2 * i + j
            await tx.execute("update stardust.characters set true_power = $2"
                             " where anilist_id = $1", aid, t)
            await tx.execute("insert into stardust.inventory (user_id, anilist_id,"
                             " expedition_slot) values ($1, $2, $3)", uid, aid, j + 1)
    got = {}
    for i, p in enumerate(EDGES):
        row = await tx.fetchrow(
            "select y.*, (y.o_per_hour * 24)::numeric(20, 6) as per_day,"
            "       (select o_gems from stardust._expedition_yield($1, $2::timestamptz,"
            "                                $2::timestamptz + interval '30 hours')) as capped"
            "  from stardust._expedition_yield($1, $2::timestamptz,"
            "                                  $2::timestamptz + interval '24 hours') y",
            500 + i, dt.datetime(2030, 3, 10, tzinfo=dt.timezone.utc))
        assert row["o_power"] == p
        assert row["o_mult"] == 1 and row["o_hours"] == 24 and row["o_xp"] == 24 * 60
        got[p] = (Fraction(row["per_day"]), row["o_gems"], row["capped"])
    want = {p: (pulls_per_day(p) * 1000, math.floor(pulls_per_day(p) * 1000),
                math.floor(pulls_per_day(p) * 1000)) for p in EDGES}
    # the rate, exactly, everywhere; the gems of a full day (and of 30 h, capped at 24)
    assert {p: g[0] for p, g in got.items()} == {p: w[0] for p, w in want.items()}
    assert {p: g for p, g in got.items() if p not in ROUNDED_DOWN} == {
        p: w for p, w in want.items() if p not in ROUNDED_DOWN}
    # the curve is continuous at its edges, rises 1/4,000 pull a day per power in the upper
    # bands, 1/2,000 below 20k, and stops at 25 pulls (80,000 power)
    assert [pulls_per_day(p) for p in (19_999, 20_000, 59_999, 60_000, 60_001, 80_000)] == [
        Fraction(199_990, 20_000), 10, Fraction(79_999, 4_000), 20, Fraction(80_001, 4_000), 25]


async def test_a_full_day_pays_the_whole_rate(tx):
    await load_catalogue(tx, n_ssr=2, n_sr=1, n_r=1)
    await tx.execute("update stardust.characters set ability_tags = '{}', is_overridden = true")
    await tx.fetchrow("select * from stardust.get_user(500)")
    for j, t in enumerate(two_units(60_000)):
        await tx.execute("update stardust.characters set true_power = $2"
                         " where anilist_id = $1", 1000 + j, t)
        await tx.execute("insert into stardust.inventory (user_id, anilist_id, expedition_slot)"
                         " values (500, $1, $2)", 1000 + j, j + 1)
    assert await tx.fetchval(
        "select o_gems from stardust._expedition_yield(500, $1::timestamptz,"
        " $1::timestamptz + interval '24 hours')",
        dt.datetime(2030, 3, 10, tzinfo=dt.timezone.utc)) == 20_000
