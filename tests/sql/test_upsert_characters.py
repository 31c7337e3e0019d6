import json

import pytest

from tests.helpers import sqlstate, unchanged


def char(anilist_id, rank, favorites=1000, **extra):
    return {"anilist_id": anilist_id, "name": f"C{anilist_id}", "series": "S",
            "image_url": f"https://img/{anilist_id}.png", "favorites": favorites,
            "rank": rank, **extra}


async def upsert(conn, chars):
    return await conn.fetchval("select stardust.upsert_characters($1::jsonb)",
                               json.dumps(chars))


async def test_rarity_from_rank_and_power_from_formula(tx):
    chars = [char(1, 1, 200000), char(2, 250), char(3, 251), char(4, 1500), char(5, 1501),
             char(6, 99999, 0)]
    assert await upsert(tx, chars) == 6
    rows = await tx.fetch("select anilist_id, rarity, true_power,"
                          " stardust.effective_power(favorites, rarity) as expected"
                          " from stardust.characters order by anilist_id")
    assert [r["rarity"] for r in rows] == ["SSR", "SSR", "SR", "SR", "R", "R"]
    assert all(r["true_power"] == r["expected"] for r in rows)


async def test_updates_count_only_real_changes(tx):
    await upsert(tx, [char(1, 10), char(2, 20)])
    assert await upsert(tx, [char(1, 10), char(2, 20)]) == 0
    assert await upsert(tx, [char(1, 10, favorites=5000), char(2, 20), char(3, 30)]) == 2
    row = await tx.fetchrow("select * from stardust.characters where anilist_id = 1")
    assert row["favorites"] == 5000
    assert row["true_power"] == await tx.fetchval("select stardust.effective_power(5000, 'SSR')")


async def test_overridden_rows_keep_rarity_power_and_skills(tx):
    await upsert(tx, [char(1, 2000, ability_tags=["Surge"])])
    await tx.execute("update stardust.characters set rarity = 'SSR', true_power = 15000,"
                     " ability_tags = '{Guard}', is_overridden = true where anilist_id = 1")
    await upsert(tx, [char(1, 3000, favorites=1, ability_tags=["Berserk"]) | {"name": "New"}])
    row = await tx.fetchrow("select * from stardust.characters where anilist_id = 1")
    assert (row["name"], row["rank"], row["favorites"]) == ("New", 3000, 1)
    assert (row["rarity"], row["true_power"], row["ability_tags"]) == ("SSR", 15000, ["Guard"])


async def test_ability_tags_absent_are_kept_present_replace(tx):
    await upsert(tx, [char(1, 10, ability_tags=["Surge"])])
    await upsert(tx, [char(1, 11)])
    assert await tx.fetchval("select ability_tags from stardust.characters") == ["Surge"]
    await upsert(tx, [char(1, 11, ability_tags=[])])
    assert await tx.fetchval("select ability_tags from stardust.characters") == []


async def test_rarity_thresholds_come_from_settings(tx):
    await tx.execute("select stardust.set_setting('rank_ssr_max', '5')")
    await upsert(tx, [char(1, 5), char(2, 6)])
    assert [r[0] for r in await tx.fetch(
        "select rarity from stardust.characters order by anilist_id")] == ["SSR", "SR"]


async def test_pool_index_stays_dense_per_rarity(tx):
    await upsert(tx, [char(i, 1 + i * 100) for i in range(1, 30)])
    await upsert(tx, [char(5, 4000)])            # an SSR drops to R
    await tx.execute("delete from stardust.characters where anilist_id = 7")
    rows = await tx.fetch("select rarity, array_agg(pool_idx order by pool_idx) idx, count(*) n"
                          " from stardust.characters group by rarity")
    for r in rows:
        assert r["idx"] == list(range(r["n"])), r


BAD = [
    "{}",
    "null",
    '[1]',
    '[{"anilist_id": 1, "name": "A"}]',                                  # no rank
    '[{"anilist_id": "1", "name": "A", "rank": 1}]',                     # id as string
    '[{"anilist_id": 0, "name": "A", "rank": 1}]',
    '[{"anilist_id": 1.5, "name": "A", "rank": 1}]',
    '[{"anilist_id": 1, "name": " ", "rank": 1}]',
    '[{"anilist_id": 1, "name": "A", "rank": -3}]',
    '[{"anilist_id": 1, "name": "A", "rank": 1, "favorites": -1}]',
    '[{"anilist_id": 1, "name": "A", "rank": 1, "series": 5}]',
    '[{"anilist_id": 1, "name": "A", "rank": 1, "ability_tags": "Surge"}]',
    '[{"anilist_id": 1, "name": "A", "rank": 1}, {"anilist_id": 1, "name": "B", "rank": 2}]',
    '[{"anilist_id": 99999999999, "name": "A", "rank": 1}]',
]


@pytest.mark.parametrize("payload", BAD)
async def test_bad_input_writes_nothing(conn, payload):
    await upsert(conn, [char(500, 1)])
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.execute("select stardust.upsert_characters($1::jsonb)", payload)


async def test_bad_element_is_named(tx):
    with sqlstate("SDARG") as err:
        await upsert(tx, [char(1, 1), char(2, 2), {"anilist_id": 3, "name": "x"}])
    assert "#3" in err.value.message and "rank" in err.value.message
