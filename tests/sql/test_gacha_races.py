"""Races on real parallel connections, then invariants: balances equal ledger sums, nothing
negative, nothing granted twice, no copy lost."""

import asyncio
import random

import asyncpg

from tests.helpers import assert_ledger_balanced, load_catalogue, without_achievements

EXPECTED = {"SDNSF", "SDLCK", "SDOWN", "SDARG"}


async def attempt(coro, allowed=EXPECTED):
    """Run one call; return its result, or the SQLSTATE of an expected game error."""
    try:
        return await coro
    except asyncpg.PostgresError as exc:
        assert exc.sqlstate in allowed, f"unexpected {exc.sqlstate}: {exc}"
        return exc.sqlstate


async def assert_no_copy_lost(conn):
    """Every copy a user obtained (not auto-scrapped) is either still held (1 + dupe_level
    per unit) or was scrapped by hand or in bulk (scrap_log)."""
    bad = await conn.fetch("""
        with obtained as (
          select p.user_id, u.anilist_id, count(*) as n
            from stardust.pulls p cross join unnest(p.units) u
           where u.outcome <> 'scrapped' group by 1, 2
        ), held as (
          select user_id, anilist_id, 1 + dupe_level as n from stardust.inventory
        ), scrapped as (
          select l.user_id, u.anilist_id, sum(1 + u.dupe_level) as n
            from stardust.scrap_log l
           cross join unnest(l.anilist_ids, l.dupe_levels) u(anilist_id, dupe_level)
           where l.reason in ('scrap', 'mass_scrap') group by 1, 2
        )
        select o.user_id, o.anilist_id, o.n, h.n as held, s.n as scrapped
          from obtained o
          full join held h using (user_id, anilist_id)
          left join scrapped s using (user_id, anilist_id)
         where coalesce(o.n, 0) <> coalesce(h.n, 0) + coalesce(s.n, 0)""")
    assert not bad, [dict(r) for r in bad]


async def test_32_concurrent_ten_pulls_on_a_user_who_can_afford_7(conn, connections):
    await without_achievements(conn)
    await load_catalogue(conn)
    await conn.execute("select stardust.grant(1, 60000)")          # 70,000 gems in all
    conns = await connections(32, as_bot=True)
    results = await asyncio.gather(*(attempt(c.fetch("select * from stardust.pull(1, 10)"))
                                     for c in conns))
    assert sum(isinstance(r, list) for r in results) == 7
    assert results.count("SDNSF") == 25
    assert await conn.fetchval("select gems from stardust.users where user_id = 1") == (
        await conn.fetchval("select coalesce(sum(gems_refund), 0) from stardust.pulls p"
                            " cross join unnest(p.units) u"))   # only auto-scrap refunds
    assert await conn.fetchval("select count(*) from stardust.pulls") == 7
    assert await conn.fetchval("select count(*) from stardust.ledger where reason = 'pull'") == 7
    await assert_ledger_balanced(conn)
    await assert_no_copy_lost(conn)


async def test_same_request_id_ten_times_at_once(conn, connections):
    await without_achievements(conn)
    await load_catalogue(conn)
    await conn.execute("select stardust.grant(1, 90000)")
    conns = await connections(10, as_bot=True)
    results = await asyncio.gather(*(
        c.fetch("select * from stardust.pull(1, 10, p_request_id => 'same')") for c in conns))
    first = [dict(r) for r in results[0]]
    assert all([dict(r) for r in res] == first for res in results)
    assert await conn.fetchval("select count(*) from stardust.pulls") == 1
    assert await conn.fetchval("select gems from stardust.users where user_id = 1") == 90000
    await assert_ledger_balanced(conn)


async def test_pull_racing_mass_scrap_loses_no_copy(conn, connections):
    await load_catalogue(conn, n_ssr=2, n_sr=4, n_r=8)
    await conn.execute("select stardust.grant(1, 2000000)")
    pullers = await connections(4, as_bot=True)
    scrappers = await connections(2, as_bot=True)

    async def pull_loop(c):
        for _ in range(25):
            await attempt(c.fetch("select * from stardust.pull(1, 10)"))

    async def scrap_loop(c, rarity):
        for _ in range(25):
            await attempt(c.fetchrow("select * from stardust.mass_scrap(1, $1)", rarity))
            await asyncio.sleep(0)

    await asyncio.gather(*(pull_loop(c) for c in pullers),
                         scrap_loop(scrappers[0], "R"), scrap_loop(scrappers[1], "SR"))
    assert await conn.fetchval("select count(*) from stardust.pulls") == 100
    assert await conn.fetchval("select count(*) from stardust.scrap_log"
                               " where reason = 'mass_scrap'") > 0
    await assert_ledger_balanced(conn)
    await assert_no_copy_lost(conn)


async def test_scrap_racing_team_and_locks(conn, connections):
    """Only clean game errors (SDLCK/SDOWN) come out of the race - never a foreign key
    violation or a deadlock - and no unit that was locked or in the team is ever scrapped."""
    await load_catalogue(conn, n_ssr=5, n_sr=10, n_r=20)
    await conn.fetchrow("select * from stardust.get_user(1)")
    ids = [r[0] for r in await conn.fetch(
        "insert into stardust.inventory (user_id, anilist_id)"
        " select 1, anilist_id from stardust.characters returning id")]
    # protected at the start and never released: these must survive
    await conn.execute("select stardust.set_locked(1, $1)", ids[:5])
    await conn.execute("select stardust.set_team(1, $1::bigint[])", ids[5:10])
    keep = set(ids[:10])
    pool = ids[10:]
    workers = await connections(6, as_bot=True)
    rng = random.Random(7)

    async def churn(c, seed):
        r = random.Random(seed)
        for _ in range(30):
            pick = r.sample(pool, 3)
            op = r.choice(["team", "lock", "unlock", "scrap", "scrap_protected"])
            if op == "team":
                await attempt(c.fetch("select * from stardust.set_team(1, $1::bigint[])",
                                      ids[5:7] + pick))
            elif op == "lock":
                await attempt(c.fetchval("select stardust.set_locked(1, $1)", pick))
            elif op == "unlock":
                await attempt(c.fetchval("select stardust.set_locked(1, $1, false)", pick))
            elif op == "scrap":
                await attempt(c.fetchrow("select * from stardust.scrap(1, $1)", pick[:1]))
            else:
                await attempt(c.fetchrow("select * from stardust.scrap(1, $1)",
                                         [r.choice(ids[:7])]))

    await asyncio.gather(*(churn(c, rng.random()) for c in workers))
    left = {r[0] for r in await conn.fetch("select id from stardust.inventory")}
    assert keep & left == keep, "a locked or team unit was scrapped"
    scrapped = {r[0] for r in await conn.fetch(
        "select unnest(inventory_ids) from stardust.scrap_log")}
    assert not scrapped & left and scrapped, "scrap_log and inventory disagree"
    # the team is whole: its two fixed members plus at most three others, one per slot
    team = await conn.fetch("select team_slot from stardust.inventory where user_id = 1"
                            " and team_slot is not null order by team_slot")
    assert 2 <= len(team) <= 5
    await assert_ledger_balanced(conn)


async def test_conservation_after_a_random_parallel_mix(conn, connections):
    await load_catalogue(conn, n_ssr=3, n_sr=6, n_r=12)
    users = [11, 12, 13, 14]
    for u in users:
        await conn.execute("select stardust.grant($1, 500000)", u)
    bid = await conn.fetchval("select id from stardust.create_banner('Mix', array[1000, 1003],"
                              " stardust._now() + interval '1 day', p_spark_cost => 20)")
    workers = await connections(8, as_bot=True)

    async def mix(c, seed):
        r = random.Random(seed)
        for i in range(40):
            u = r.choice(users)
            op = r.random()
            if op < 0.35:
                # "shared" is reused across calls: a different call is refused (SDIDM),
                # never applied twice
                await attempt(c.fetch("select * from stardust.pull($1, $2, $3, $4)", u,
                                      r.choice([1, 10]), r.choice([None, bid]),
                                      r.choice([None, f"{seed}-{i}", "shared"])),
                              EXPECTED | {"SDIDM"})
            elif op < 0.45:
                await attempt(c.fetch("select * from stardust.spark($1, $2, 1000)", u, bid),
                              {"SDSPK", "SDARG"})
            elif op < 0.6:
                owned = [x[0] for x in await c.fetch(
                    "select inventory_id from stardust.inventory($1, p_limit => 100)", u)]
                if owned:
                    await attempt(c.fetchrow("select * from stardust.scrap($1, $2)", u,
                                             r.sample(owned, min(2, len(owned)))))
            elif op < 0.7:
                await attempt(c.fetchrow("select * from stardust.mass_scrap($1, $2)", u,
                                         r.choice(["R", "SR"])))
            elif op < 0.8:
                owned = [x[0] for x in await c.fetch(
                    "select inventory_id from stardust.inventory($1, p_limit => 100)", u)]
                await attempt(c.fetch("select * from stardust.set_team($1, $2::bigint[])", u,
                                      r.sample(owned, min(3, len(owned)))))
            elif op < 0.9:
                await attempt(c.fetch("select * from stardust.grant($1, $2)", u,
                                      r.choice([-30000, -1000, 500, 5000])))
            else:
                owned = [x[0] for x in await c.fetch(
                    "select inventory_id from stardust.inventory($1, p_limit => 100)", u)]
                if owned:
                    await attempt(c.fetchval("select stardust.set_locked($1, $2, $3)", u,
                                             r.sample(owned, 1), r.random() < 0.5))

    await asyncio.gather(*(mix(c, s) for s, c in enumerate(workers)))
    await assert_ledger_balanced(conn)
    await assert_no_copy_lost(conn)
    assert await conn.fetchval("select count(*) from stardust.users"
                               " where gems < 0 or coins < 0 or banner_points < 0") == 0
