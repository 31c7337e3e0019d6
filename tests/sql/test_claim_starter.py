import pytest

from tests.helpers import assert_ledger_balanced, load_catalogue, sqlstate, unchanged

STARTER = "select * from stardust.claim_starter(p_user_id => $1, p_request_id => $2)"


@pytest.fixture
async def gacha(conn):
    await load_catalogue(conn)
    return conn


async def test_starter_pack_is_ten_free_pulls_with_an_ssr(gacha):
    rows = await gacha.fetch(STARTER, 1, None)
    assert len(rows) == 10 and any(r["rarity"] == "SSR" for r in rows)
    user = await gacha.fetchrow("select * from stardust.users where user_id = 1")
    assert user["gems"] == 10000 + await gacha.fetchval(   # free (the SSR's achievement aside)
        "select coalesce(sum(gems_delta), 0) from stardust.ledger where reason = 'achievement'")
    assert user["pity_counter"] == 0                   # pity untouched
    # ten pulls made, its SSRs pulled: "Lucky Star" unlocks with the starter
    assert (user["pulls_made"], user["ssr_pulled"]) == (
        10, sum(r["rarity"] == "SSR" for r in rows))
    assert "first_ssr" in {r[0] for r in await gacha.fetch(
        "select key from stardust.user_achievements")}
    assert user["starter_claimed_at"] is not None
    assert await gacha.fetchval("select source from stardust.pulls") == "starter"
    await assert_ledger_balanced(gacha)


async def test_the_ssr_is_guaranteed_even_when_none_is_drawn(gacha):
    await gacha.execute("select stardust.set_setting('rate_ssr', '0')")
    rows = await gacha.fetch(STARTER, 1, None)
    assert [r["rarity"] == "SSR" for r in rows] == [False] * 9 + [True]


async def test_once_per_user(gacha):
    await gacha.fetch(STARTER, 1, "a")
    async with unchanged(gacha):
        with sqlstate("SDDON"):
            await gacha.fetch(STARTER, 1, "b")
    # a retry of the first request returns the same pack rather than an error
    assert len(await gacha.fetch(STARTER, 1, "a")) == 10
    assert await gacha.fetchval("select count(*) from stardust.pulls") == 1
    assert len(await gacha.fetch(STARTER, 2, "a")) == 10        # another user
