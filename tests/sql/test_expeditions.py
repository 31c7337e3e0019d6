"""Expeditions: who may go, what they earn (the issue's formula, skills, the 24 h cap),
claim spacing, team XP and levels, and a race of claims."""

import asyncio
import math
from decimal import Decimal
from fractions import Fraction

import asyncpg

from tests.helpers import (assert_ledger_balanced, load_catalogue, player_with_team, sqlstate,
                           unchanged)


def pulls_per_day(p):
    if p < 20000:
        return p / 20000 * 10
    if p < 60000:
        return 10 + (p - 20000) / 4000
    return min(25, 20 + (p - 60000) / 4000)


async def setup(conn, true_power=2000, uid=1):
    await load_catalogue(conn, n_ssr=12, n_sr=5, n_r=5)
    await conn.execute("update stardust.characters set true_power = $1, is_overridden = true"
                       " where rarity = 'SSR'", true_power)
    return await player_with_team(conn, uid, n_team=5, n_bench=5)


async def start(conn, ids, uid=1, rid=None):
    return await conn.fetch("select * from stardust.expedition_start($1, $2::bigint[], $3)",
                            uid, ids, rid)


async def age(conn, interval, uid=1):
    await conn.execute("update stardust.expeditions set last_claim_at = last_claim_at - $2::text::interval"
                       " where user_id = $1", uid, interval)


async def status(conn, uid=1):
    return await conn.fetchrow("select * from stardust.expedition_status($1)", uid)


async def test_start_sends_units_and_status_shows_the_rate(conn):
    units = await setup(conn)
    rows = await start(conn, units["bench"][:3], rid="e1")
    assert [r["slot"] for r in rows] == [1, 2, 3]
    assert [r["inventory_id"] for r in rows] == units["bench"][:3]
    power = sum(r["power"] for r in rows)
    # floor(2000 x 1.005 (bond 1) x 1.01 (team level 1)) each
    assert power == 3 * math.floor(2000 * 1.005 * 1.01)
    st = await status(conn)
    assert st["power"] == power and st["multiplier"] == 1
    assert float(st["gems_per_hour"]) == round(pulls_per_day(power) * 1000 / 24, 1)
    assert st["accrued_gems"] == 0 and len(st["units"]) == 3
    # a retry of the same interaction shows the same expedition
    assert [dict(r) for r in await start(conn, units["bench"][:3], rid="e1")] == [
        dict(r) for r in rows]
    assert await conn.fetchval("select count(*) from stardust.expeditions") == 1


async def test_who_may_go(conn):
    units = await setup(conn)
    other = await player_with_team(conn, 2, n_team=0, n_bench=1)
    async with unchanged(conn):
        with sqlstate("SDLCK"):                    # in the team
            await start(conn, [units["bench"][0], units["team"][0]])
        with sqlstate("SDOWN"):
            await start(conn, [units["bench"][0], other["bench"][0]])
        with sqlstate("SDOWN"):
            await start(conn, [10 ** 9])
        for bad in ([], units["bench"] + units["team"][:1], [units["bench"][0]] * 2, None):
            with sqlstate("SDARG"):
                await start(conn, bad)
    await start(conn, units["bench"][:2])
    away = units["bench"][0]
    async with unchanged(conn):
        with sqlstate("SDDON"):                    # one expedition at a time
            await start(conn, units["bench"][2:4])
        with sqlstate("SDLCK"):                    # away: not teamed ...
            await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", [away])
        with sqlstate("SDLCK"):                    # ... nor scrapped
            await conn.fetch("select * from stardust.scrap(1, $1::bigint[])", [away])
    # mass scrap passes over units away (make one an R to be a candidate)
    r_id = await conn.fetchval("select anilist_id from stardust.characters where rarity = 'R'"
                               " limit 1")
    await conn.execute("update stardust.inventory set anilist_id = $2 where id = $1", away, r_id)
    await conn.fetch("select * from stardust.mass_scrap(1, 'R')")
    assert await conn.fetchval("select count(*) from stardust.inventory where id = $1", away) == 1


async def test_claim_pays_the_accrued_gems_and_restarts_the_clock(conn):
    units = await setup(conn)
    await start(conn, units["bench"])
    async with unchanged(conn):
        with sqlstate("SDDON") as err:             # at least 60 s between claims
            await conn.fetchrow("select * from stardust.expedition_claim(1)")
    assert "s." in err.value.hint
    await age(conn, "2 hours")
    st = await status(conn)
    before = await conn.fetchrow("select gems, team_xp from stardust.users where user_id = 1")
    row = await conn.fetchrow("select * from stardust.expedition_claim(1, 'c1')")
    expected = float(st["gems_per_hour"]) * 2
    assert abs(row["gems"] - expected) <= 2        # seconds pass between status and claim
    assert row["xp"] == 120 and not row["stopped"]
    after = await conn.fetchrow("select gems, team_xp from stardust.users where user_id = 1")
    assert after["gems"] == before["gems"] + row["gems"]
    assert after["team_xp"] == before["team_xp"] + 120
    assert dict(await conn.fetchrow("select * from stardust.expedition_claim(1, 'c1')")) == dict(row)
    with sqlstate("SDDON"):                        # the clock restarted
        await conn.fetchrow("select * from stardust.expedition_claim(1, 'c2')")
    await assert_ledger_balanced(conn)


async def test_accrual_is_capped_at_24_hours_and_follows_the_formula(conn):
    await load_catalogue(conn, n_ssr=15, n_sr=1, n_r=1)
    powers = []
    # the three regimes: P < 20k, 20k <= P < 60k, P >= 60k (capped at 25 pulls a day)
    for uid, true_power in ((1, 1000), (2, 8000), (3, 40000)):
        await conn.fetchrow("select * from stardust.get_user($1)", uid)
        ids = [r[0] for r in await conn.fetch(
            "insert into stardust.inventory (user_id, anilist_id) select $1::bigint, anilist_id"
            " from stardust.characters where rarity = 'SSR' order by anilist_id"
            " offset ($1::int - 1) * 5 limit 5 returning id", uid)]
        await conn.execute("update stardust.characters c set true_power = $2,"
                           " is_overridden = true from stardust.inventory i"
                           " where i.anilist_id = c.anilist_id and i.user_id = $1::bigint",
                           uid, true_power)
        await start(conn, ids, uid)
        await age(conn, "3 days", uid)
        st = await status(conn, uid)
        p = st["power"]
        powers.append(p)
        assert st["hours"] == 24 and st["accrued_xp"] == 1440
        assert st["accrued_gems"] == math.floor(pulls_per_day(Fraction(p)) * 1000)
    assert powers[0] < 20000 <= powers[1] < 60000 <= powers[2]
    assert pulls_per_day(powers[2]) == 25


async def test_expedition_skills_multiply_the_yield(conn):
    units = await setup(conn)
    ids = units["bench"]
    aids = [r[0] for r in await conn.fetch(
        "select anilist_id from stardust.inventory where id = any($1::bigint[]) order by id", ids)]
    team_aid = await conn.fetchval("select anilist_id from stardust.inventory where id = $1",
                                   units["team"][0])
    # two deployed Hardworkers (+15 % each), a Master of Coin who stays home (+10 %, owned),
    # a deployed Long Road (+24 % x hours / 24)
    await conn.execute("update stardust.characters set ability_tags = '{Hardworker}'"
                       " where anilist_id = any($1::int[])", aids[:2])
    await conn.execute("update stardust.characters set ability_tags = '{Master of Coin}'"
                       " where anilist_id = $1", team_aid)
    await conn.execute("update stardust.characters set ability_tags = '{The Long Road}'"
                       " where anilist_id = $1", aids[2])
    await start(conn, ids[:3])
    await age(conn, "12 hours")
    st = await status(conn)
    assert abs(float(st["multiplier"]) - (1 + 0.30 + 0.10 + 0.24 * 12 / 24)) < 1e-3
    await age(conn, "2 days")
    st = await status(conn)
    assert st["multiplier"] == Decimal("1.64")
    assert st["accrued_gems"] == math.floor(
        pulls_per_day(Fraction(st["power"])) * 1000 * Fraction("1.64"))


async def test_team_xp_levels_up_and_raises_power(conn):
    units = await setup(conn)
    await start(conn, units["bench"])
    power_before = await conn.fetchval("select stardust.team_power(1)")
    await age(conn, "30 hours")
    row = await conn.fetchrow("select * from stardust.expedition_claim(1)")
    # 1,440 XP: level 2 at 100, 3 at 500, 4 at 1,400, 5 at 3,000 (L -> L+1 needs L^2 x 100)
    assert (row["xp"], row["team_level"], row["level_ups"]) == (1440, 4, 3)
    prof = await conn.fetchrow("select * from stardust.profile(1)")
    assert (prof["team_level"], prof["team_xp"], prof["next_level_xp"]) == (4, 1440, 3000)
    per_unit = math.floor(2000 * 1.005 * 1.04)
    assert await conn.fetchval("select stardust.team_power(1)") == 5 * per_unit > power_before


async def test_stop_pays_and_brings_the_units_home(conn):
    units = await setup(conn)
    await start(conn, units["bench"][:2])
    await age(conn, "1 hour")
    row = await conn.fetchrow("select * from stardust.expedition_stop(1, 's1')")
    assert row["stopped"] and row["gems"] > 0 and row["xp"] == 60
    assert await status(conn) is None
    assert await conn.fetchval("select count(*) from stardust.inventory"
                               " where expedition_slot is not null") == 0
    await conn.fetch("select * from stardust.set_team(1, $1::bigint[])", units["bench"][:2])
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.expedition_claim(1)")
        with sqlstate("SDARG"):
            await conn.fetchrow("select * from stardust.expedition_stop(1)")
    # stopping right after starting is allowed (and pays nothing)
    await start(conn, units["bench"][2:])
    assert (await conn.fetchrow("select * from stardust.expedition_stop(1)"))["gems"] == 0
    await assert_ledger_balanced(conn)


async def test_twenty_concurrent_claims_pay_once(conn, connections):
    units = await setup(conn)
    await start(conn, units["bench"])
    await age(conn, "5 hours")
    before = await conn.fetchval("select gems from stardust.users where user_id = 1")
    conns = await connections(20, as_bot=True)

    async def claim(c, i):
        fn = "expedition_claim" if i % 4 else "expedition_stop"
        try:
            return (await c.fetchrow(f"select * from stardust.{fn}(1, $1)", f"r{i}"))["gems"]
        except asyncpg.PostgresError as exc:
            return exc.sqlstate

    results = await asyncio.gather(*(claim(c, i) for i, c in enumerate(conns)))
    paid = [r for r in results if isinstance(r, int) and r > 0]
    assert len(paid) == 1, results
    assert set(results) - set(paid) <= {"SDDON", "SDARG", 0}
    assert await conn.fetchval("select gems from stardust.users where user_id = 1") == (
        before + paid[0])
    await assert_ledger_balanced(conn)


async def test_the_long_road_does_not_stack(conn):
    # SKILLS.md: Hardworker and Master of Coin stack, The Long Road does not: three deployed
    # Long Roads give +24 % x min(hours, 24)/24 once (the engine used to give 3 x 24 %)
    units = await setup(conn)
    ids = units["bench"]
    aids = [r[0] for r in await conn.fetch(
        "select anilist_id from stardust.inventory where id = any($1::bigint[]) order by id", ids)]
    assert await conn.fetchval(
        "select stacks from stardust.skills where name = 'The Long Road'") is False
    await conn.execute("update stardust.characters set ability_tags = '{The Long Road}'"
                       " where anilist_id = any($1::int[])", aids[:3])
    await conn.execute("update stardust.characters set ability_tags = '{Hardworker}'"
                       " where anilist_id = $1", aids[3])
    await start(conn, ids[:4])
    await age(conn, "6 hours")
    st = await status(conn)
    assert abs(float(st["multiplier"]) - (1 + 0.15 + 0.24 * 6 / 24)) < 1e-3
    await age(conn, "2 days")
    st = await status(conn)
    assert st["multiplier"] == Decimal("1.39")
    # an admin's non-stacking skill of another kind is counted once too
    await conn.execute("update stardust.skills set stacks = false where name = 'Hardworker'")
    await conn.execute("update stardust.characters set ability_tags = '{Hardworker}'"
                       " where anilist_id = any($1::int[])", aids[:3])
    assert (await status(conn))["multiplier"] == Decimal("1.15")


async def test_team_levels_follow_the_curve_at_their_boundaries(tx):
    """Level L -> L + 1 needs L^2 x 100 XP, so level L is reached at 100 (L - 1) L (2L - 1) / 6
    XP in all: 2 at 100, 3 at 500, 4 at 1,400, 10 at 28,500; one XP short is a level short."""
    await tx.fetchrow("select * from stardust.get_user(1)")
    total, level = 0, 1
    for xp, want in ((99, 1), (100, 2), (499, 2), (500, 3), (1399, 3), (1400, 4),
                     (28499, 9), (28500, 10)):
        row = await tx.fetchrow("select * from stardust._team_xp(1, $1)", xp - total)
        assert (row["o_level"], row["o_level_ups"]) == (want, want - level), xp
        total, level = xp, want
    assert tuple(await tx.fetchrow("select team_xp, team_level from stardust.users"
                                   " where user_id = 1")) == (28500, 10)
