"""The daily shop (one listing per UTC day, prices, once per slot, max dupes), the item
shop and SSR Tokens."""

import asyncio

import asyncpg
import pytest

from tests.helpers import (assert_ledger_balanced, load_catalogue, sqlstate, unchanged,
                           without_achievements)


pytestmark = pytest.mark.usefixtures("steady_game_clock")   # day and hour rules: a steady clock


async def shop(conn, uid=1):
    return await conn.fetch("select * from stardust.shop($1)", uid)


async def buy(conn, slot, uid=1, rid=None):
    return await conn.fetch("select * from stardust.shop_buy($1, $2, $3)", uid, slot, rid)


async def rich(conn, uid=1, gems=1_000_000, coins=0):
    await conn.fetchrow("select * from stardust.get_user($1)", uid)
    await conn.fetchrow("select * from stardust.grant($1, $2, $3)", uid, gems, coins)


async def test_one_listing_a_day_for_everyone(conn):
    await load_catalogue(conn, n_ssr=5, n_sr=6, n_r=10)
    await rich(conn, 1)
    rows = await shop(conn)
    assert [r["slot"] for r in rows] == list(range(1, 11))
    assert [r["rarity"] for r in rows] == ["SSR"] * 2 + ["SR"] * 3 + ["R"] * 5
    assert len({r["anilist_id"] for r in rows}) == 10
    assert [r["price"] for r in rows] == [100000] * 2 + [20000] * 3 + [1000] * 5
    assert not any(r["bought"] or r["maxed"] for r in rows)
    # the same listing for another player, and again later today
    assert [r["anilist_id"] for r in await shop(conn, 2)] == [r["anilist_id"] for r in rows]
    assert [r["anilist_id"] for r in await shop(conn)] == [r["anilist_id"] for r in rows]
    # tomorrow (yesterday's listing moved back a day): a new one is drawn
    await conn.execute("update stardust.shop_listings set day = day - 1")
    assert len(await shop(conn)) == 10
    assert await conn.fetchval("select count(distinct day) from stardust.shop_listings") == 2


async def test_ten_first_looks_at_once_draw_one_listing(conn, connections):
    await load_catalogue(conn, n_ssr=20, n_sr=20, n_r=20)
    conns = await connections(10, as_bot=True)
    listings = await asyncio.gather(*(c.fetch("select * from stardust.shop($1)", i)
                                      for i, c in enumerate(conns, 1)))
    assert await conn.fetchval("select count(*) from stardust.shop_listings") == 10
    assert all([r["anilist_id"] for r in x] == [r["anilist_id"] for r in listings[0]]
               for x in listings)


async def test_buying_charges_gives_and_records(conn):
    await load_catalogue(conn, n_ssr=2, n_sr=3, n_r=5)
    await rich(conn)
    rows = await shop(conn)
    before = await conn.fetchval("select gems from stardust.users where user_id = 1")
    got = await buy(conn, 3, rid="b1")
    assert len(got) == 1
    assert (got[0]["anilist_id"], got[0]["outcome"], got[0]["dupe_level"]) == (
        rows[2]["anilist_id"], "new", 0)
    assert await conn.fetchval("select gems from stardust.users where user_id = 1") == (
        before - 20000)
    assert await conn.fetchval("select source from stardust.pulls order by id desc limit 1") == (
        "shop")
    assert [dict(r) for r in await buy(conn, 3, rid="b1")] == [dict(r) for r in got]
    assert [r["bought"] for r in await shop(conn)] == [s == 3 for s in range(1, 11)]
    async with unchanged(conn):
        with sqlstate("SDDON"):
            await buy(conn, 3)
        for bad in (0, 11, None):
            with sqlstate("SDARG"):
                await buy(conn, bad)
    # another slot is another purchase; a copy already held becomes a dupe
    await conn.execute("insert into stardust.inventory (user_id, anilist_id) values (1, $1)",
                       rows[3]["anilist_id"])
    assert (await buy(conn, 4))[0]["outcome"] == "dupe"
    await assert_ledger_balanced(conn)


async def test_a_unit_at_max_dupes_is_refused_not_wasted(conn):
    await load_catalogue(conn, n_ssr=2, n_sr=3, n_r=5)
    await rich(conn)
    rows = await shop(conn)
    await conn.execute("insert into stardust.inventory (user_id, anilist_id, dupe_level)"
                       " values (1, $1, 10)", rows[0]["anilist_id"])
    assert (await shop(conn))[0]["maxed"]
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await buy(conn, 1)


async def test_not_enough_gems_changes_nothing(conn):
    await load_catalogue(conn, n_ssr=2, n_sr=3, n_r=5)
    await conn.fetchrow("select * from stardust.get_user(1)")        # 10,000 gems
    await shop(conn)
    async with unchanged(conn):
        with sqlstate("SDNSF"):
            await buy(conn, 1)


async def test_team_level_30_buys_at_a_discount(conn):
    await load_catalogue(conn, n_ssr=2, n_sr=3, n_r=5)
    await rich(conn)
    await conn.execute("update stardust.users set team_level = 29 where user_id = 1")
    assert (await shop(conn))[0]["price"] == 100000
    await conn.execute("update stardust.users set team_level = 30 where user_id = 1")
    rows = await shop(conn)
    assert [(r["price"], r["full_price"]) for r in rows[::4]] == [
        (75000, 100000), (15000, 20000), (750, 1000)]
    before = await conn.fetchval("select gems from stardust.users where user_id = 1")
    await buy(conn, 1)
    assert await conn.fetchval("select gems from stardust.users where user_id = 1") == (
        before - 75000)


async def test_a_thin_catalogue_leaves_slots_empty(conn):
    await load_catalogue(conn, n_ssr=1, n_sr=0, n_r=2)
    await rich(conn)
    rows = await shop(conn)
    assert [(r["slot"], r["rarity"]) for r in rows] == [(1, "SSR"), (6, "R"), (7, "R")]
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await buy(conn, 2)


# --- item shop and tokens -------------------------------------------------------------------
async def test_item_shop_sells_tokens_for_coins(conn):
    assert [tuple(r)[::3] for r in await conn.fetch("select * from stardust.item_shop()")] == [
        ("ssr_token", 2000)]
    await rich(conn, gems=0, coins=5000)
    row = await conn.fetchrow("select * from stardust.buy_item(1, 'ssr_token', 2, 'i1')")
    assert (row["qty"], row["coins_spent"], row["held"], row["coins_left"]) == (2, 4000, 2, 1000)
    assert dict(await conn.fetchrow(
        "select * from stardust.buy_item(1, 'ssr_token', 2, 'i1')")) == dict(row)
    async with unchanged(conn):
        with sqlstate("SDNSF") as err:
            await conn.fetchrow("select * from stardust.buy_item(1, 'ssr_token', 1)")
        assert "missing_coins=1000" in err.value.detail
        for item, qty in (("bond_ur", 1), ("nope", 1), (None, 1), ("ssr_token", 0),
                          ("ssr_token", 101), ("ssr_token", None)):
            with sqlstate("SDARG"):
                await conn.fetchrow("select * from stardust.buy_item(1, $1, $2)", item, qty)
    # prices are a setting
    await conn.execute("""select stardust.set_setting('item_shop', '{"ssr_token": 500}')""")
    assert (await conn.fetchrow("select * from stardust.buy_item(1, 'ssr_token')"))[
        "coins_spent"] == 500
    await assert_ledger_balanced(conn)


async def test_a_token_raises_an_ssr_by_one_dupe(conn):
    await without_achievements(conn)
    await load_catalogue(conn, n_ssr=2, n_sr=1, n_r=1)
    await rich(conn, gems=0, coins=10000)
    await rich(conn, 2)
    ssr, maxed, sr = [r[0] for r in await conn.fetch(
        "insert into stardust.inventory (user_id, anilist_id, dupe_level) select 1, anilist_id,"
        " case when rank = 2 then 10 else 3 end from stardust.characters where rank <= 2"
        " or rarity = 'SR' order by rank returning id")]
    theirs = await conn.fetchval("insert into stardust.inventory (user_id, anilist_id)"
                                 " values (2, 1000) returning id")
    async with unchanged(conn):
        with sqlstate("SDNSF"):
            await conn.fetchrow("select * from stardust.use_token(1, $1)", ssr)
    await conn.fetchrow("select * from stardust.buy_item(1, 'ssr_token', 2)")
    await conn.execute("update stardust.inventory set is_locked = true where id = $1", ssr)
    row = await conn.fetchrow("select * from stardust.use_token(1, $1, 't1')", ssr)
    assert (row["dupe_level"], row["tokens_left"]) == (4, 1)
    assert row["power"] == await conn.fetchval(
        "select stardust.unit_power(c.true_power, 4, 1, 1) from stardust.characters c"
        " where anilist_id = 1000")
    assert dict(await conn.fetchrow("select * from stardust.use_token(1, $1, 't1')", ssr)) == (
        dict(row))
    async with unchanged(conn):
        with sqlstate("SDARG"):                    # at the cap: the token is kept
            await conn.fetchrow("select * from stardust.use_token(1, $1)", maxed)
        with sqlstate("SDARG"):                    # SSRs only
            await conn.fetchrow("select * from stardust.use_token(1, $1)", sr)
        with sqlstate("SDOWN"):
            await conn.fetchrow("select * from stardust.use_token(1, $1)", theirs)
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.use_token(1, null)")


async def test_concurrent_purchases_of_one_slot_buy_once(conn, connections):
    await load_catalogue(conn, n_ssr=2, n_sr=3, n_r=5)
    await rich(conn)
    await shop(conn)
    before = await conn.fetchval("select gems from stardust.users where user_id = 1")
    last = await conn.fetchval("select max(id) from stardust.ledger")
    conns = await connections(12, as_bot=True)

    async def attempt(c, i):
        try:
            return len(await c.fetch("select * from stardust.shop_buy(1, 1, $1)", f"r{i}"))
        except asyncpg.PostgresError as exc:
            return exc.sqlstate

    results = await asyncio.gather(*(attempt(c, i) for i, c in enumerate(conns)))
    assert sorted(results, key=str) == [1] + ["SDDON"] * 11
    # one charge of the price, and nothing else but what achievements paid
    moves = await conn.fetch("select reason, gems_delta from stardust.ledger where id > $1"
                             " and user_id = 1 order by id", last)
    assert [m["gems_delta"] for m in moves if m["reason"] == "shop"] == [-100000]
    assert {m["reason"] for m in moves} <= {"shop", "achievement"}
    assert await conn.fetchval("select gems from stardust.users where user_id = 1") == \
        before + sum(m["gems_delta"] for m in moves)
    assert await conn.fetchval("select count(*) from stardust.shop_purchases") == 1
    await assert_ledger_balanced(conn)
