import json

import pytest

from tests.helpers import (assert_ledger_balanced, load_catalogue, sqlstate, unchanged,
                           without_achievements)

PULL = ("select * from stardust.pull(p_user_id => $1, p_count => $2, p_banner_id => $3,"
        " p_request_id => $4)")


async def pull(conn, user, count=1, banner=None, rid=None):
    return await conn.fetch(PULL, user, count, banner, rid)


@pytest.fixture
async def gacha(conn):
    await load_catalogue(conn)                  # 5 SSR, 10 SR, 20 R
    return conn


async def banner(conn, rate_up, **kw):
    args = ", ".join(f"p_{k} => {v}" for k, v in kw.items())
    return await conn.fetchval(
        f"select id from stardust.create_banner(p_name => 'B', p_rate_up_ids => $1::int[],"
        f" p_ends_at => stardust._now() + interval '7 days'{', ' + args if args else ''})", rate_up)


async def copies_held(conn, user):
    return await conn.fetchval("select coalesce(sum(1 + dupe_level), 0) from stardust.inventory"
                               " where user_id = $1", user)


async def test_ten_pull_charges_records_and_gives(gacha):
    await without_achievements(gacha)
    rows = await pull(gacha, 1, 10)
    assert [r["position"] for r in rows] == list(range(1, 11))
    user = await gacha.fetchrow("select * from stardust.users where user_id = 1")
    assert user["gems"] == 0
    ledger = await gacha.fetch("select gems_delta, reason from stardust.ledger where user_id = 1"
                               " order by id")
    assert [tuple(r) for r in ledger] == [(10000, "signup"), (-10000, "pull")]
    # every unit is in the inventory with the level the result says
    assert await copies_held(gacha, 1) == sum(r["outcome"] != "scrapped" for r in rows)
    for r in rows:
        assert r["outcome"] in ("new", "dupe")
        assert r["inventory_id"] is not None
        inv = await gacha.fetchrow("select * from stardust.inventory where id = $1",
                                   r["inventory_id"])
        assert inv["user_id"] == 1 and inv["anilist_id"] == r["anilist_id"]
    # each character's last copy in the result shows its final dupe level
    last = {r["anilist_id"]: r["dupe_level"] for r in rows}
    for aid, level in last.items():
        assert await gacha.fetchval("select dupe_level from stardust.inventory where user_id = 1"
                                    " and anilist_id = $1", aid) == level
    # pity = pulls since the last SSR
    ssr_positions = [r["position"] for r in rows if r["rarity"] == "SSR"]
    assert user["pity_counter"] == 10 - (ssr_positions[-1] if ssr_positions else 0)
    # the history holds the call, units in order
    hist = await gacha.fetch("select * from stardust.pull_history(1)")
    assert [(h["anilist_id"], h["outcome"]) for h in hist] == [
        (r["anilist_id"], r["outcome"]) for r in rows]
    await assert_ledger_balanced(gacha)


async def test_dupes_count_up_from_new(gacha):
    await gacha.execute("delete from stardust.characters where anilist_id <> 1000")  # 1 SSR
    await gacha.execute("select stardust.set_setting('rate_ssr', '1')")
    await gacha.execute("select stardust.grant(1, 100000)")
    rows = await pull(gacha, 1, 3) + await pull(gacha, 1, 1)
    assert [(r["outcome"], r["dupe_level"]) for r in rows] == [
        ("new", 0), ("dupe", 1), ("dupe", 2), ("dupe", 3)]
    assert len({r["inventory_id"] for r in rows}) == 1


@pytest.mark.parametrize("count", [0, 11, -1, None])
async def test_bad_count(gacha, count):
    await gacha.fetchrow("select * from stardust.get_user(1)")
    async with unchanged(gacha):
        with sqlstate("SDARG"):
            await pull(gacha, 1, count)


async def test_not_enough_gems_changes_nothing(gacha):
    await gacha.execute("select stardust.grant(1, -1)")          # 9,999 gems
    async with unchanged(gacha):
        with sqlstate("SDNSF") as err:
            await pull(gacha, 1, 10)
    assert "missing_gems=1" in err.value.detail
    assert len(await pull(gacha, 1, 9)) == 9


async def test_banner_must_exist_and_be_running(gacha):
    await gacha.fetchrow("select * from stardust.get_user(1)")
    bid = await banner(gacha, [1000])
    async with unchanged(gacha):
        with sqlstate("SDBNR"):
            await pull(gacha, 1, 1, 999)
    await gacha.execute("update stardust.banners set starts_at = stardust._now() + interval '1 day',"
                        " ends_at = stardust._now() + interval '2 days'")
    async with unchanged(gacha):
        with sqlstate("SDBNR") as err:
            await pull(gacha, 1, 1, bid)
        assert "opens at" in err.value.hint
    await gacha.execute("update stardust.banners set starts_at = stardust._now() - interval '2 days',"
                        " ends_at = stardust._now() - interval '1 day'")
    async with unchanged(gacha):
        with sqlstate("SDBNR"):
            await pull(gacha, 1, 1, bid)


async def test_request_id_makes_a_pull_idempotent(gacha):
    await without_achievements(gacha)
    first = await pull(gacha, 1, 10, rid="i-1")
    again = await pull(gacha, 1, 10, rid="i-1")
    assert [dict(r) for r in first] == [dict(r) for r in again]
    assert await gacha.fetchval("select count(*) from stardust.pulls") == 1
    assert await gacha.fetchval("select gems from stardust.users where user_id = 1") == 0
    async with unchanged(gacha):
        with sqlstate("SDIDM"):
            await pull(gacha, 1, 5, rid="i-1")
        with sqlstate("SDIDM"):
            await gacha.execute("select stardust.grant(1, 5, p_request_id => 'i-1')")
    # ids are per user: another user may use the same one
    assert len(await pull(gacha, 2, 1, rid="i-1")) == 1


async def test_spark_points_follow_one_banner(gacha):
    await gacha.execute("select stardust.grant(1, 100000)")
    a = await banner(gacha, [1000])
    b = await banner(gacha, [1001])
    points = lambda: gacha.fetchrow(  # noqa: E731
        "select banner_points, points_banner_id from stardust.users where user_id = 1")
    await pull(gacha, 1, 10, a)
    assert tuple(await points()) == (10, a)
    await pull(gacha, 1, 3, a)
    assert tuple(await points()) == (13, a)
    await pull(gacha, 1, 10)                       # standard pool: neither adds nor resets
    assert tuple(await points()) == (13, a)
    await pull(gacha, 1, 2, b)                     # another banner: reset
    assert tuple(await points()) == (2, b)


async def test_hard_pity_is_a_guarantee(gacha):
    await gacha.execute("select stardust.set_setting('rate_ssr', '0')")
    await gacha.execute("select stardust.grant(1, 300000)")
    rows = []
    for _ in range(27):
        rows += await pull(gacha, 1, 10)
    ssr = [i + 1 for i, r in enumerate(rows) if r["rarity"] == "SSR"]
    assert ssr == [90, 180, 270]
    assert all(rows[i - 1]["is_pity"] for i in ssr)
    assert not any(r["is_pity"] for i, r in enumerate(rows) if i + 1 not in ssr)
    assert await gacha.fetchval("select pity_counter from stardust.users where user_id = 1") == 0


async def test_ten_pull_holds_an_sr_or_better(gacha):
    await gacha.execute("select stardust.set_setting('rate_ssr', '0')")
    await gacha.execute("select stardust.set_setting('rate_sr', '0')")
    await gacha.execute("select stardust.grant(1, 100000)")
    for _ in range(5):
        rows = await pull(gacha, 1, 10)
        assert [r["rarity"] for r in rows] == ["R"] * 9 + ["SR"]
    singles = [(await pull(gacha, 1, 1))[0]["rarity"] for _ in range(10)]
    assert singles == ["R"] * 10                  # the guarantee is for 10-pulls only
    await gacha.execute("select stardust.set_setting('ten_pull_guarantee', 'false')")
    assert {r["rarity"] for r in await pull(gacha, 1, 10)} == {"R"}


async def test_dupe_cap_and_auto_scrap_refunds_exactly(conn):
    await load_catalogue(conn, n_ssr=1, n_sr=1, n_r=1)
    await conn.execute("select stardust.grant(1, 290000)")       # 300 pulls
    rows = []
    for _ in range(30):
        rows += await pull(conn, 1, 10)
    values = {"R": (100, 5), "SR": (500, 25), "SSR": (10000, 500)}
    seen: dict[int, int] = {}
    for r in rows:
        k = seen[r["anilist_id"]] = seen.get(r["anilist_id"], 0) + 1
        assert r["dupe_level"] == min(k - 1, 10)
        if k == 1:
            assert r["outcome"] == "new"
        elif k <= 11:
            assert (r["outcome"], r["gems_refund"], r["coins_refund"]) == ("dupe", 0, 0)
        else:
            assert r["outcome"] == "scrapped"
            assert (r["gems_refund"], r["coins_refund"]) == values[r["rarity"]]
    levels = await conn.fetch("select dupe_level from stardust.inventory where user_id = 1")
    assert all(lv["dupe_level"] <= 10 for lv in levels)
    refund_g = sum(r["gems_refund"] for r in rows)
    refund_c = sum(r["coins_refund"] for r in rows)
    assert refund_g > 0
    assert await conn.fetchval("select sum(gems_delta) from stardust.ledger"
                               " where reason = 'auto_scrap'") == refund_g
    assert await conn.fetchval("select coins from stardust.users where user_id = 1") == refund_c
    assert await conn.fetchval("select sum(copies) from stardust.scrap_log"
                               " where reason = 'auto_scrap'") == sum(
        r["outcome"] == "scrapped" for r in rows)
    await assert_ledger_balanced(conn)


async def test_one_pull_writes_its_charge_and_refund_as_two_ledger_rows(conn):
    # one character in the pool: 11 copies reach the cap, then every copy is scrapped
    await load_catalogue(conn, n_ssr=1, n_sr=1, n_r=1)
    await conn.execute("select stardust.set_setting('rate_ssr', '0')")
    await conn.execute("select stardust.set_setting('rate_sr', '0')")
    await conn.execute("select stardust.set_setting('ten_pull_guarantee', 'false')")
    await conn.execute("select stardust.grant(1, 20000)")
    first = await pull(conn, 1, 10, rid="a")
    assert [r["outcome"] for r in first] == ["new"] + ["dupe"] * 9
    second = await pull(conn, 1, 10, rid="b")
    assert [r["outcome"] for r in second] == ["dupe"] + ["scrapped"] * 9
    assert [r["dupe_level"] for r in second] == [10] * 10
    rows = await conn.fetch("select request_id, reason, gems_delta, coins_delta"
                            " from stardust.ledger where request_id is not null order by id")
    assert [tuple(r) for r in rows] == [("a", "pull", -10000, 0), ("b", "pull", -10000, 0),
                                        ("b", "auto_scrap", 900, 45)]
    log = await conn.fetchrow("select request_id, copies, gems, coins, anilist_ids"
                              " from stardust.scrap_log where reason = 'auto_scrap'")
    assert (log["request_id"], log["copies"], log["gems"], log["coins"]) == ("b", 9, 900, 45)
    assert log["anilist_ids"] == [second[1]["anilist_id"]] * 9
    user = await conn.fetchrow("select gems, coins, pity_counter, pulls_made"
                               " from stardust.users where user_id = 1")
    assert tuple(user) == (10000 + 900, 45, 20, 20)
    await assert_ledger_balanced(conn)


async def test_empty_catalogue_is_a_clear_error(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    async with unchanged(conn):
        with sqlstate("SDCAT"):
            await pull(conn, 1, 1)
    await load_catalogue(conn, n_ssr=1, n_sr=0, n_r=3)
    await conn.execute("select stardust.set_setting('rate_ssr', '0')")
    await conn.execute("select stardust.set_setting('rate_sr', '1')")   # every pull is SR
    async with unchanged(conn):
        with sqlstate("SDCAT") as err:
            await pull(conn, 1, 1)
    assert "SR" in err.value.message


async def test_rate_up_units_on_a_banner(gacha):
    await gacha.execute("select stardust.set_setting('rate_ssr', '1')")   # every pull SSR
    await gacha.execute("select stardust.grant(1, 100000)")
    always = await banner(gacha, [1003], rate_up_chance=1)
    rows = await pull(gacha, 1, 10, always)
    assert {(r["anilist_id"], r["is_rate_up"]) for r in rows} == {(1003, True)}
    never = await banner(gacha, [1003], rate_up_chance=0)
    rows = await pull(gacha, 1, 10, never)
    assert all(r["is_rate_up"] == (r["anilist_id"] == 1003) for r in rows)
    # standard pool: never rate-up
    assert not any(r["is_rate_up"] for r in await pull(gacha, 1, 10))


async def test_result_matches_history_and_json_columns(gacha):
    rows = await pull(gacha, 1, 10, rid="x")
    stored = await gacha.fetchval("select to_jsonb(units) from stardust.pulls")
    assert [u["anilist_id"] for u in json.loads(stored)] == [r["anilist_id"] for r in rows]


async def test_a_request_id_must_be_1_to_100_characters_and_is_refused_first(gacha):
    await gacha.execute("select stardust.grant(1, 100000)")
    for rid in ("", "x" * 101):
        async with unchanged(gacha):
            with sqlstate("SDARG") as err:
                await pull(gacha, 1, 10, rid=rid)
            assert "1-100" in err.value.message
            with sqlstate("SDARG"):
                await gacha.fetchrow("select * from stardust.checkin(1, $1)", rid)
    assert len(await pull(gacha, 1, 10, rid="x" * 100)) == 10
    # checked before anything else: a poor player with a bad id hears about the id
    await gacha.fetchrow("select * from stardust.get_user(2)")
    await gacha.execute("select stardust.grant(2, -5000)")
    with sqlstate("SDARG"):
        await pull(gacha, 2, 10, rid="x" * 101)
    with sqlstate("SDNSF"):
        await pull(gacha, 2, 10, rid="x" * 100)
