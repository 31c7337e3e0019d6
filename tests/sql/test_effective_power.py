from decimal import Decimal, getcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from tests.helpers import sqlstate


def squash(raw: Fraction, soft: int, hard: int) -> Fraction:
    if raw <= soft:
        return raw
    return min(Fraction(hard),
               soft + (hard - soft) * (1 - 1 / (1 + (raw - soft) / (Fraction(hard - soft) * Fraction(6, 5)))))


def reference(favs: int, rarity: str) -> int:
    """DESIGN.md's formulas, computed exactly (Fraction) or with 60 digits (log10)."""
    getcontext().prec = 60
    if rarity == "SSR":
        return int(max(Decimal(10000),
                       10200 + (Decimal(max(favs, 1)).log10() - Decimal("4.17")) * 1780))
    if rarity == "SR":
        return int(squash(7000 + Fraction(favs, 6), 9000, 9900))
    return int(squash(4000 + Fraction(favs, 2), 5000, 6250))


# hand-computed from DESIGN.md
HAND = [
    ("SSR", 0, 10000),              # 10200 + (0 - 4.17) * 1780 = 2777.4 -> floor at 10000
    ("SSR", 1, 10000),
    ("SSR", 14791, 10199),          # log10 = 4.16999..., just under 10200
    ("SSR", 100_000, 11677),        # 10200 + 0.83 * 1780 = 11677.4
    ("SSR", 1_000_000_000_000, 24137),  # 10200 + 7.83 * 1780 = 24137.4
    ("SR", 0, 7000),
    ("SR", 12_000, 9000),           # raw exactly at the soft cap
    ("SR", 18_000, 9432),           # 9000 + 900 * 1000 / 2080 = 9432.69
    ("SR", 10**15, 9899),           # approaches, never reaches, 9900
    ("R", 0, 4000),
    ("R", 1_999, 4999),             # 4999.5
    ("R", 4_000, 5500),             # 5000 + 1250 * 1000 / 2500
    ("R", 10**15, 6249),
]


@pytest.mark.parametrize("rarity,favs,expected", HAND)
async def test_hand_computed_values(tx, rarity, favs, expected):
    assert reference(favs, rarity) == expected
    got = await tx.fetchval("select stardust.effective_power($1, $2)", favs, rarity)
    assert got == expected


@pytest.mark.slow                                 # 300 hypothesis examples
@settings(max_examples=300, deadline=None)
@given(favs=st.one_of(st.integers(0, 300_000), st.integers(0, 10**15)),
       rarity=st.sampled_from(["SSR", "SR", "R"]))
async def test_matches_exact_reference(shared_url, favs, rarity):
    import asyncpg

    conn = await asyncpg.connect(shared_url)
    try:
        got = await conn.fetchval("select stardust.effective_power($1, $2)", favs, rarity)
    finally:
        await conn.close()
    assert got == reference(favs, rarity)


async def test_power_grows_with_favourites_and_rarity_order_holds(tx):
    rows = await tx.fetch("""
        select f, stardust.effective_power(f, 'R') r, stardust.effective_power(f, 'SR') sr,
               stardust.effective_power(f, 'SSR') ssr
          from unnest(array[0, 10, 1000, 10000, 100000, 10000000]::bigint[]) f order by f""")
    for prev, cur in zip(rows, rows[1:]):
        assert cur["r"] >= prev["r"] and cur["sr"] >= prev["sr"] and cur["ssr"] >= prev["ssr"]
    for row in rows:
        assert row["r"] < row["sr"] < row["ssr"]


@pytest.mark.parametrize("favs,rarity", [(-1, "SSR"), (None, "SR"), (10, "UR"), (10, None),
                                         (10, "ssr")])
async def test_bad_input(tx, favs, rarity):
    with sqlstate("SDARG"):
        await tx.fetchval("select stardust.effective_power($1, $2)", favs, rarity)


async def test_unit_power_formula(tx):
    # floor(10000 * 1.15 * 1.01 * 1.02) = floor(11847.3) ; exact decimal arithmetic
    assert await tx.fetchval("select stardust.unit_power(10000, 3, 2, 2)") == 11847
    assert await tx.fetchval("select stardust.unit_power(9999, 10, 50, 1)") == int(
        Fraction(9999) * Fraction(150, 100) * Fraction(125, 100) * Fraction(101, 100))
