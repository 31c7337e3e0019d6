import pytest

from tests.helpers import assert_ledger_balanced, load_catalogue, sqlstate, unchanged

SPARK = ("select * from stardust.spark(p_user_id => $1, p_banner_id => $2,"
         " p_anilist_id => $3, p_request_id => $4)")


@pytest.fixture
async def sparkable(conn):
    """User 1 holds 10 spark points on banner B (spark cost 10) featuring SSR 1000 and SR 1005."""
    await load_catalogue(conn)
    bid = await conn.fetchval(
        "select id from stardust.create_banner(p_name => 'B', p_rate_up_ids => array[1000, 1005],"
        " p_ends_at => stardust._now() + interval '7 days', p_spark_cost => 10)")
    await conn.fetch("select * from stardust.pull(1, 10, $1)", bid)
    return conn, bid


async def points(conn):
    return await conn.fetchval("select banner_points from stardust.users where user_id = 1")


async def test_spark_trades_points_for_the_chosen_unit(sparkable):
    conn, bid = sparkable
    before = await conn.fetchval("select coalesce(max(dupe_level), -1) from stardust.inventory"
                                 " where user_id = 1 and anilist_id = 1000")
    (row,) = await conn.fetch(SPARK, 1, bid, 1000, None)
    assert (row["anilist_id"], row["rarity"], row["is_rate_up"]) == (1000, "SSR", True)
    assert row["dupe_level"] == before + 1
    assert row["outcome"] == ("new" if before < 0 else "dupe")
    assert await points(conn) == 0
    assert await conn.fetchval("select source from stardust.pulls order by id desc limit 1") == "spark"
    # no gems move (but an achievement's reward: a sparked SSR counts as pulled)
    assert await conn.fetchval("select count(*) from stardust.ledger where reason not in"
                               " ('signup', 'pull', 'achievement', 'auto_scrap')") == 0
    assert await conn.fetchval("select ssr_pulled from stardust.users") == 1 + await conn.fetchval(
        "select count(*) from stardust.pulls p, unnest(p.units) u"
        " where p.source = 'pull' and u.rarity = 'SSR'")
    assert "first_ssr" in {r[0] for r in await conn.fetch(
        "select key from stardust.user_achievements")}
    await assert_ledger_balanced(conn)


async def test_not_enough_points_or_points_of_another_banner(sparkable):
    conn, bid = sparkable
    other = await conn.fetchval(
        "select id from stardust.create_banner(p_name => 'C', p_rate_up_ids => array[1001],"
        " p_ends_at => stardust._now() + interval '7 days', p_spark_cost => 1)")
    async with unchanged(conn):
        with sqlstate("SDSPK"):                 # the 10 points belong to banner B
            await conn.fetch(SPARK, 1, other, 1001, None)
    await conn.execute("update stardust.banners set spark_cost = 11 where id = $1", bid)
    async with unchanged(conn):
        with sqlstate("SDSPK") as err:
            await conn.fetch(SPARK, 1, bid, 1000, None)
    assert "10 of 11" in err.value.message


async def test_bad_unit_or_banner(sparkable):
    conn, bid = sparkable
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.fetch(SPARK, 1, bid, 1001, None)      # not a rate-up unit
        with sqlstate("SDARG"):
            await conn.fetch(SPARK, 1, bid, None, None)
        with sqlstate("SDBNR"):
            await conn.fetch(SPARK, 1, 12345, 1000, None)
    await conn.execute("update stardust.banners set starts_at = stardust._now() - interval '2 days',"
                       " ends_at = stardust._now() - interval '1 second'")
    async with unchanged(conn):
        with sqlstate("SDBNR"):
            await conn.fetch(SPARK, 1, bid, 1000, None)


async def test_spark_respects_the_dupe_cap_and_keeps_points(sparkable):
    conn, bid = sparkable
    await conn.fetch(SPARK, 1, bid, 1000, None)
    await conn.execute("update stardust.inventory set dupe_level = 10"
                       " where user_id = 1 and anilist_id = 1000")
    await conn.execute("update stardust.users set banner_points = 10 where user_id = 1")
    async with unchanged(conn):
        with sqlstate("SDARG") as err:
            await conn.fetch(SPARK, 1, bid, 1000, None)
    assert "points are kept" in err.value.hint


async def test_spark_is_idempotent(sparkable):
    conn, bid = sparkable
    a = await conn.fetch(SPARK, 1, bid, 1005, "s-1")
    b = await conn.fetch(SPARK, 1, bid, 1005, "s-1")
    assert [dict(r) for r in a] == [dict(r) for r in b]
    assert await points(conn) == 0
    with sqlstate("SDIDM"):
        await conn.fetch(SPARK, 1, bid, 1000, "s-1")


async def test_rate_up_unit_gone_from_the_catalogue_is_a_clear_error(sparkable):
    conn, bid = sparkable
    await conn.execute("delete from stardust.inventory where anilist_id = 1005")
    await conn.execute("delete from stardust.characters where anilist_id = 1005")
    async with unchanged(conn):
        with sqlstate("SDCAT") as err:
            await conn.fetch(SPARK, 1, bid, 1005, "r1")
    assert "character 1005" in err.value.message
