import pytest

from tests.helpers import load_catalogue, sqlstate, unchanged

INV = ("select * from stardust.inventory(p_user_id => $1, p_sort => $2, p_rarity => $3,"
       " p_limit => $4, p_offset => $5)")


@pytest.fixture
async def owned(conn):
    """User 1 owns 9 units (2 SSR, 3 SR, 4 R) with various dupe/bond levels; user 2 one."""
    await load_catalogue(conn, n_ssr=2, n_sr=3, n_r=4)
    for u in (1, 2):
        await conn.fetchrow("select * from stardust.get_user($1)", u)
    await conn.execute("""
        insert into stardust.inventory (user_id, anilist_id, dupe_level, bond_level, obtained_at)
        select 1, anilist_id, (anilist_id * 7) % 11, 1 + (anilist_id % 5),
               stardust._now() - (anilist_id % 9) * interval '1 hour'
          from stardust.characters""")
    await conn.execute("insert into stardust.inventory (user_id, anilist_id)"
                       " select 2, min(anilist_id) from stardust.characters")
    return [r[0] for r in await conn.fetch(
        "select id from stardust.inventory where user_id = 1 order by id")]


async def test_inventory_rows_and_power(conn, owned):
    await conn.execute("update stardust.users set team_level = 3 where user_id = 1")
    rows = await conn.fetch(INV, 1, "date", None, 50, 0)
    assert len(rows) == 9 and {r["total"] for r in rows} == {9}
    for r in rows:
        expected = await conn.fetchval(
            "select stardust.unit_power(c.true_power, i.dupe_level, i.bond_level, 3)"
            "  from stardust.inventory i join stardust.characters c using (anilist_id)"
            " where i.id = $1", r["inventory_id"])
        assert r["power"] == expected
    assert [r["obtained_at"] for r in rows] == sorted((r["obtained_at"] for r in rows),
                                                      reverse=True)


@pytest.mark.parametrize("sort,key,reverse", [
    ("power", lambda r: r["power"], True),
    ("name", lambda r: r["name"], False),
    ("dupes", lambda r: r["dupe_level"], True),
])
async def test_sorts(conn, owned, sort, key, reverse):
    rows = await conn.fetch(INV, 1, sort, None, 50, 0)
    assert [key(r) for r in rows] == sorted((key(r) for r in rows), reverse=reverse)


async def test_rarity_sort_filter_and_pages(conn, owned):
    rows = await conn.fetch(INV, 1, "rarity", None, 50, 0)
    order = {"SSR": 0, "SR": 1, "R": 2}
    assert [order[r["rarity"]] for r in rows] == sorted(order[r["rarity"]] for r in rows)
    sr = await conn.fetch(INV, 1, "power", "SR", 50, 0)
    assert {r["rarity"] for r in sr} == {"SR"} and len(sr) == 3 and sr[0]["total"] == 3
    page1 = await conn.fetch(INV, 1, "power", None, 4, 0)
    page3 = await conn.fetch(INV, 1, "power", None, 4, 8)
    assert len(page1) == 4 and len(page3) == 1 and page3[0]["total"] == 9
    assert await conn.fetch(INV, 999, "date", None, 10, 0) == []


@pytest.mark.parametrize("args", [
    (1, "color", None, 10, 0), (1, "date", "UR", 10, 0), (1, "date", None, 0, 0),
    (1, "date", None, 101, 0), (1, "date", None, 10, -1), (0, "date", None, 10, 0),
    (1, None, None, 10, 0)])
async def test_inventory_bad_arguments(conn, owned, args):
    with sqlstate("SDARG"):
        await conn.fetch(INV, *args)


async def test_set_team_and_team_power(conn, owned):
    a, b, c = owned[:3]
    team = await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", [a, None, c])
    assert [(t["slot"], t["inventory_id"]) for t in team] == [(1, a), (3, c)]
    power = await conn.fetchval("select stardust.team_power(1)")
    assert power == sum(t["power"] for t in team)
    inv = {r["inventory_id"]: r for r in await conn.fetch(INV, 1, "date", None, 50, 0)}
    assert inv[a]["in_team"] and not inv[b]["in_team"]
    assert power == inv[a]["power"] + inv[c]["power"]
    # replacing the team replaces every slot
    team = await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", [b])
    assert [(t["slot"], t["inventory_id"]) for t in team] == [(1, b)]
    assert await conn.fetch("select * from stardust.set_team(1, '{}'::bigint[])") == []
    assert await conn.fetchval("select stardust.team_power(1)") == 0
    assert await conn.fetchval("select stardust.team_power(424242)") == 0


async def test_set_team_errors(conn, owned):
    await conn.execute("select stardust.set_team(1, $1::bigint[])", owned[:2])
    other = await conn.fetchval("select id from stardust.inventory where user_id = 2")
    await conn.execute("update stardust.inventory set expedition_slot = 1 where id = $1",
                       owned[5])
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", owned[:6])
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.set_team(1, $1::bigint[])",
                             [owned[0], owned[0]])
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.set_team(1, null)")
        with sqlstate("SDOWN"):
            await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", [other])
        with sqlstate("SDLCK"):
            await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", [owned[5]])
