from datetime import timedelta
from decimal import Decimal

import pytest

from bot import clock
from tests.helpers import load_catalogue, sqlstate, unchanged

CREATE = ("select * from stardust.create_banner(p_name => $1, p_rate_up_ids => $2::int[],"
          " p_ends_at => $3, p_starts_at => coalesce($4, stardust._now()),"
          " p_rate_up_chance => coalesce($5, 0.5), p_spark_cost => coalesce($6, 300))")


def later(days=7):
    return clock.now() + timedelta(days=days)


@pytest.fixture
async def cat(conn):
    await load_catalogue(conn, n_ssr=4, n_sr=5, n_r=6)     # SSR 1000-1003, SR 1004-1008, R ...
    return conn


async def test_create_and_list(cat):
    b = await cat.fetchrow(CREATE, "  Frieren  ", [1000, 1004], later(), None, None, None)
    assert (b["name"], b["rate_up_ids"], b["spark_cost"]) == ("Frieren", [1000, 1004], 300)
    await cat.fetchrow(CREATE, "Soon", [1001], later(9), later(2), None, None)
    rows = await cat.fetch("select * from stardust.list_banners()")
    assert [(r["name"], r["is_active"]) for r in rows] == [("Frieren", True), ("Soon", False)]
    assert rows[0]["rate_up_names"] == ["Character 1000", "Character 1004"]
    await cat.execute("update stardust.banners set starts_at = stardust._now() - interval '9 days',"
                      " ends_at = stardust._now() - interval '1 day' where name = 'Frieren'")
    assert [r["name"] for r in await cat.fetch("select * from stardust.list_banners()")] == ["Soon"]
    assert len(await cat.fetch("select * from stardust.list_banners(true)")) == 2


@pytest.mark.parametrize("args", [
    ("", [1000], later(), None, None, None),
    ("X", [], later(), None, None, None),
    ("X", None, later(), None, None, None),
    ("X", [1000, 1000], later(), None, None, None),
    ("X", [424242], later(), None, None, None),          # not in the catalogue
    ("X", [1010], later(), None, None, None),            # an R unit
    ("X", [1000], later(-1), None, None, None),          # already over
    ("X", [1000], later(1), later(2), None, None),       # ends before it starts
    ("X", [1000], later(), None, Decimal("1.5"), None),
    ("X", [1000], later(), None, None, 0),
])
async def test_create_banner_bad_input(cat, args):
    async with unchanged(cat):
        with sqlstate("SDARG"):
            await cat.fetchrow(CREATE, *args)


def consolidated(p=0.02, sr=0.11, n=90):
    e = (1 - (1 - p) ** n) / p
    f = (1 - p) ** (n - 1) / e
    return {"SSR": 1 / e, "SR": sr * (1 - f), "R": (1 - p - sr) * (1 - f)}


async def test_rates_disclose_pity(cat):
    rows = {r["rarity"]: r for r in await cat.fetch("select * from stardust.rates()")}
    assert {k: float(v["base_rate"]) for k, v in rows.items()} == {"SSR": 0.02, "SR": 0.11,
                                                                   "R": 0.87}
    for k, v in consolidated().items():
        assert float(rows[k]["consolidated_rate"]) == pytest.approx(v, abs=1e-6)
    assert sum(float(r["consolidated_rate"]) for r in rows.values()) == pytest.approx(1, abs=3e-6)
    assert "90" in rows["SSR"]["note"]
    assert all(float(r["featured_rate"]) == 0 for r in rows.values())


async def test_rates_follow_settings_and_banner(cat):
    await cat.execute("select stardust.set_setting('pity_hard', '50')")
    bid = await cat.fetchval("select id from stardust.create_banner('B', array[1000, 1004],"
                             " stardust._now() + interval '1 day', p_rate_up_chance => 0.5)")
    rows = {r["rarity"]: r for r in await cat.fetch("select * from stardust.rates($1)", bid)}
    c = consolidated(n=50)
    assert float(rows["SSR"]["consolidated_rate"]) == pytest.approx(c["SSR"], abs=1e-6)
    # 4 SSRs, one featured: 0.5 + 0.5 * 1/4 of SSRs; 5 SRs, one featured
    assert float(rows["SSR"]["featured_rate"]) == pytest.approx(c["SSR"] * 0.625, abs=1e-6)
    assert float(rows["SR"]["featured_rate"]) == pytest.approx(c["SR"] * 0.6, abs=1e-6)
    assert rows["SSR"]["featured_ids"] == [1000] and rows["R"]["featured_ids"] == []
    with sqlstate("SDBNR"):
        await cat.fetch("select * from stardust.rates(999)")
