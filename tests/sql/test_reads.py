"""get_unit, search_units, team_details, profile, list_banners' featured units."""

import pytest

from tests.helpers import load_catalogue, sqlstate


@pytest.fixture
async def owned(conn):
    await load_catalogue(conn, n_ssr=2, n_sr=2, n_r=3)
    await conn.execute("update stardust.characters set name = 'Frieren' where anilist_id = 1000")
    await conn.execute("update stardust.characters set name = 'Fern_100%',"
                       " ability_tags = '{Surge}' where anilist_id = 1002")
    for u in (1, 2):
        await conn.fetchrow("select * from stardust.get_user($1)", u)
    await conn.execute("insert into stardust.inventory (user_id, anilist_id, dupe_level)"
                       " select 1, anilist_id, 2 from stardust.characters")
    await conn.execute("insert into stardust.inventory (user_id, anilist_id)"
                       " values (2, 1000)")
    return dict(await conn.fetch("select anilist_id, id from stardust.inventory"
                                 " where user_id = 1"))


async def test_get_unit(conn, owned):
    row = await conn.fetchrow("select * from stardust.get_unit(1, $1)", owned[1002])
    assert (row["name"], row["rarity"], row["skills"], row["dupe_level"]) == (
        "Fern_100%", "SR", ["Surge"], 2)
    assert row["power"] == await conn.fetchval(
        "select stardust.unit_power(true_power, 2, 1, 1) from stardust.characters"
        " where anilist_id = 1002")
    other = await conn.fetchval("select id from stardust.inventory where user_id = 2")
    for bad in (other, 10**12, None):
        with sqlstate("SDOWN"):
            await conn.fetchrow("select * from stardust.get_unit(1, $1)", bad)


async def test_search_units_matches_names_literally(conn, owned):
    rows = await conn.fetch("select * from stardust.search_units(1, 'fri')")
    assert [r["name"] for r in rows] == ["Frieren"]
    # % and _ are literal characters, not wildcards
    assert [r["name"] for r in await conn.fetch(
        "select * from stardust.search_units(1, '_100%')")] == ["Fern_100%"]
    assert await conn.fetch("select * from stardust.search_units(1, 'F_rn')") == []
    everything = await conn.fetch("select * from stardust.search_units(1, '')")
    assert [r["rarity"] for r in everything] == ["SSR", "SSR", "SR", "SR", "R", "R", "R"]
    assert len(await conn.fetch("select * from stardust.search_units(1, '', 3)")) == 3
    assert await conn.fetch("select * from stardust.search_units(2, 'fern')") == []


async def test_team_details_sum_is_team_power(conn, owned):
    ids = [owned[1000], None, owned[1002]]
    await conn.execute("select stardust.set_team(1, $1::bigint[])", ids)
    rows = await conn.fetch("select * from stardust.team_details(1)")
    assert [(r["slot"], r["inventory_id"]) for r in rows] == [(1, owned[1000]),
                                                             (3, owned[1002])]
    assert rows[1]["skills"] == ["Surge"]
    assert sum(r["power"] for r in rows) == await conn.fetchval("select stardust.team_power(1)")


async def test_profile(conn, owned):
    row = await conn.fetchrow("select * from stardust.profile(1)")
    assert row["units"] == 7 and row["gems"] == 10000
    assert row["collection"] == '{"R": 3, "SR": 2, "SSR": 2}'
    new = await conn.fetchrow("select * from stardust.profile(77)")       # created on sight
    assert new["units"] == 0 and new["gems"] == 10000 and new["team_power"] == 0


async def test_list_banners_features_units_in_order(conn, owned):
    await conn.execute("select stardust.create_banner('B', array[1002, 1000],"
                       " stardust._now() + interval '1 day')")
    (row,) = await conn.fetch("select * from stardust.list_banners()")
    featured = __import__("json").loads(row["featured"])
    assert [(f["anilist_id"], f["rarity"]) for f in featured] == [(1002, "SR"), (1000, "SSR")]
    assert featured[1]["name"] == "Frieren"
