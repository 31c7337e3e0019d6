import pytest

from tests.helpers import assert_ledger_balanced, load_catalogue, sqlstate, unchanged

VALUE = {"R": (100, 5), "SR": (500, 25), "SSR": (10000, 500)}


@pytest.fixture
async def owned(conn):
    """User 1 owns one unit of each of 2 SSR, 3 SR, 4 R with dupe levels 0,1,2,...; user 2 owns
    one R. Returns {inventory id: (rarity, dupe_level)} for user 1."""
    await load_catalogue(conn, n_ssr=2, n_sr=3, n_r=4)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetchrow("select * from stardust.get_user(2)")
    rows = await conn.fetch("""
        insert into stardust.inventory (user_id, anilist_id, dupe_level)
        select 1, anilist_id, (row_number() over (order by anilist_id) - 1) % 11
          from stardust.characters returning id, anilist_id, dupe_level""")
    await conn.execute("insert into stardust.inventory (user_id, anilist_id)"
                       " select 2, max(anilist_id) from stardust.characters")
    rarity = dict(await conn.fetch("select anilist_id, rarity from stardust.characters"))
    return {r["id"]: (rarity[r["anilist_id"]], r["dupe_level"]) for r in rows}


def refund(units):
    units = list(units)
    return (sum((1 + lv) * VALUE[r][0] for r, lv in units),
            sum((1 + lv) * VALUE[r][1] for r, lv in units))


async def other_unit(conn):
    return await conn.fetchval("select id from stardust.inventory where user_id = 2")


async def test_scrap_refunds_every_copy(conn, owned):
    ids = list(owned)[:3]
    row = await conn.fetchrow("select * from stardust.scrap(1, $1)", ids)
    g, c = refund(owned[i] for i in ids)
    assert (row["scrapped"], row["gems"], row["coins"]) == (3, g, c)
    user = await conn.fetchrow("select gems, coins from stardust.users where user_id = 1")
    assert (user["gems"], user["coins"]) == (10000 + g, c)
    assert await conn.fetchval("select count(*) from stardust.inventory where id = any($1)",
                               ids) == 0
    log = await conn.fetchrow("select * from stardust.scrap_log where reason = 'scrap'")
    assert sorted(log["inventory_ids"]) == sorted(ids)
    assert log["copies"] == sum(1 + owned[i][1] for i in ids)
    assert (log["gems"], log["coins"]) == (g, c)
    await assert_ledger_balanced(conn)


async def test_scrap_is_all_or_nothing(conn, owned):
    ids = list(owned)
    await conn.execute("select stardust.set_locked(1, $1)", ids[-1:])
    async with unchanged(conn):
        with sqlstate("SDLCK"):
            await conn.fetchrow("select * from stardust.scrap(1, $1)", ids)
        with sqlstate("SDOWN"):                         # someone else's unit
            await conn.fetchrow("select * from stardust.scrap(1, $1)",
                                ids[:2] + [await other_unit(conn)])
        with sqlstate("SDOWN"):                         # no such unit
            await conn.fetchrow("select * from stardust.scrap(1, $1)", [10**12])


async def test_not_yours_wins_over_locked(conn, owned):
    other = await other_unit(conn)
    await conn.execute("update stardust.inventory set is_locked = true where id = $1", other)
    with sqlstate("SDOWN"):
        await conn.fetchrow("select * from stardust.scrap(1, $1)", [other])


async def test_team_and_expedition_units_are_refused(conn, owned):
    a, b = list(owned)[:2]
    await conn.execute("select stardust.set_team(1, $1)", [a])
    await conn.execute("update stardust.inventory set expedition_slot = 1 where id = $1", b)
    async with unchanged(conn):
        for unit, why in ((a, "team"), (b, "expedition")):
            with sqlstate("SDLCK") as err:
                await conn.fetchrow("select * from stardust.scrap(1, $1)", [unit])
            assert why in err.value.message


@pytest.mark.parametrize("ids", [[], None, [1, None]])
async def test_bad_id_lists(conn, owned, ids):
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.scrap(1, $1::bigint[])", ids)


async def test_too_many_units_at_once(conn, owned):
    await conn.execute("select stardust.set_setting('scrap_max_units', '2')")
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.scrap(1, $1)", list(owned)[:3])


async def test_scrap_request_id(conn, owned):
    ids = list(owned)[:2]
    a = await conn.fetchrow("select * from stardust.scrap(1, $1, 'r')", ids)
    b = await conn.fetchrow("select * from stardust.scrap(1, $1, 'r')", list(reversed(ids)))
    assert dict(a) == dict(b) and a["scrapped"] == 2
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'scrap'") == 1
    with sqlstate("SDIDM"):
        await conn.fetchrow("select * from stardust.scrap(1, $1, 'r')", ids[:1])


@pytest.mark.parametrize("rarity", ["R", "SR"])
async def test_mass_scrap_takes_one_rarity_except_protected(conn, owned, rarity):
    ids = [i for i, (r, _) in owned.items() if r == rarity]
    locked, team, away, *rest = ids if rarity == "R" else ids + [None]
    await conn.execute("select stardust.set_locked(1, $1)", [locked])
    await conn.execute("select stardust.set_team(1, $1)", [team])
    await conn.execute("update stardust.inventory set expedition_slot = 1 where id = $1",
                       away)
    rest = [i for i in rest if i]
    preview = await conn.fetchrow("select * from stardust.mass_scrap_preview(1, $1)", rarity)
    done = await conn.fetchrow("select * from stardust.mass_scrap(1, $1)", rarity)
    g, c = refund(owned[i] for i in rest)
    assert dict(preview) == dict(done) == {"scrapped": len(rest), "gems": g, "coins": c}
    left = {r[0] for r in await conn.fetch("select id from stardust.inventory where user_id = 1")}
    assert left == set(owned) - set(rest)
    assert await conn.fetchval("select count(*) from stardust.inventory where user_id = 2") == 1
    again = await conn.fetchrow("select * from stardust.mass_scrap(1, $1)", rarity)
    assert tuple(again) == (0, 0, 0)
    await assert_ledger_balanced(conn)


async def test_mass_scrap_preview_changes_nothing(conn, owned):
    async with unchanged(conn):
        await conn.fetchrow("select * from stardust.mass_scrap_preview(1, 'R')")


@pytest.mark.parametrize("rarity", ["SSR", "UR", None, "r"])
async def test_mass_scrap_refuses_other_rarities(conn, owned, rarity):
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.mass_scrap(1, $1)", rarity)
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.mass_scrap_preview(1, $1)", rarity)


async def test_mass_scrap_request_id(conn, owned):
    a = await conn.fetchrow("select * from stardust.mass_scrap(1, 'R', 'm')")
    b = await conn.fetchrow("select * from stardust.mass_scrap(1, 'R', 'm')")
    assert dict(a) == dict(b) and a["scrapped"] == 4
    with sqlstate("SDIDM"):
        await conn.fetchrow("select * from stardust.mass_scrap(1, 'SR', 'm')")


async def test_set_locked(conn, owned):
    ids = list(owned)[:3]
    assert await conn.fetchval("select stardust.set_locked(1, $1)", ids) == 3
    assert await conn.fetchval("select stardust.set_locked(1, $1, true)", ids) == 0
    assert await conn.fetchval("select stardust.set_locked(1, $1, false)", ids[:1]) == 1
    assert await conn.fetchval("select count(*) from stardust.inventory where is_locked") == 2
    async with unchanged(conn):
        with sqlstate("SDOWN"):
            await conn.fetchval("select stardust.set_locked(1, $1)",
                                ids + [await other_unit(conn)])
        with sqlstate("SDARG"):
            await conn.fetchval("select stardust.set_locked(1, $1::bigint[])", [])
        with sqlstate("SDARG"):
            await conn.fetchval("select stardust.set_locked(1, $1, null)", ids)
