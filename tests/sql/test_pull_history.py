from tests.helpers import load_catalogue, sqlstate


async def test_history_pages_whole_calls_newest_first(conn):
    await load_catalogue(conn)
    await conn.execute("select stardust.grant(1, 100000)")
    calls = []
    for n in (10, 1, 10, 3):
        calls.append([r["anilist_id"] for r in
                      await conn.fetch("select * from stardust.pull(1, $1)", n)])
    page = await conn.fetch("select * from stardust.pull_history(1, p_limit => 12)")
    ids = [r["pull_id"] for r in page]
    assert ids == sorted(ids, reverse=True)
    assert [r["anilist_id"] for r in page] == calls[3]  # 3 + 10 > 12: the 10-pull waits
    nxt = await conn.fetch("select * from stardust.pull_history(1, 12, $1)", min(ids))
    assert [r["anilist_id"] for r in nxt] == calls[2] + calls[1]
    last = await conn.fetch("select * from stardust.pull_history(1, 5, $1)",
                            min(r["pull_id"] for r in nxt))
    assert [r["anilist_id"] for r in last] == calls[0]          # a page holds at least one call
    assert [r["position"] for r in last] == list(range(1, 11))
    assert {r["source"] for r in last} == {"pull"}
    everything = await conn.fetch("select * from stardust.pull_history(1, 500)")
    assert len(everything) == 24


async def test_history_of_nobody_and_bad_limit(conn):
    assert await conn.fetch("select * from stardust.pull_history(5)") == []
    for bad in (0, 501, None):
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.pull_history(5, $1)", bad)
