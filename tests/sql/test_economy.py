"""Profile and leaderboards, and the conservation check: a random parallel mix of every
economy function leaves balances equal to the ledger, nothing negative, nothing twice."""

import asyncio
import json
import random

import asyncpg

from tests.helpers import (assert_ledger_balanced, load_catalogue, player_with_team, sqlstate)


async def test_profile_shows_progression(conn):
    await conn.fetchrow("select * from stardust.get_user(1)")
    p = await conn.fetchrow("select * from stardust.profile(1)")
    assert (p["team_level"], p["team_xp"], p["level_xp"], p["next_level_xp"],
            p["checkin_streak"], p["last_checkin"], p["pulls_made"], p["achievements"],
            p["achievements_total"]) == (1, 0, 0, 100, 0, None, 0, 0, 15)
    await conn.fetchrow("select * from stardust.checkin(1)")
    await conn.execute("update stardust.users set team_level = 3, team_xp = 700")
    p = await conn.fetchrow("select * from stardust.profile(1)")
    assert (p["checkin_streak"], p["level_xp"], p["next_level_xp"]) == (1, 500, 1400)


async def test_leaderboards(conn):
    await load_catalogue(conn, n_ssr=10, n_sr=5, n_r=5)
    await player_with_team(conn, 1, n_team=5, n_bench=0)
    await player_with_team(conn, 2, n_team=2, n_bench=6)
    await player_with_team(conn, 3, n_team=2, n_bench=0)
    await conn.fetchrow("select * from stardust.get_user(4)")          # no team, no units
    rows = await conn.fetch("select * from stardust.leaderboard('team_power', 10)")
    assert [r["user_id"] for r in rows] == [1, 2, 3]
    assert [r["value"] for r in rows] == [await conn.fetchval("select stardust.team_power($1)",
                                                              u) for u in (1, 2, 3)]
    # players 2 and 3 field the same two characters: a tie shares the rank
    assert [r["rank"] for r in rows] == [1, 2, 2]
    rows = await conn.fetch("select * from stardust.leaderboard('collection', 2)")
    assert [(r["rank"], r["user_id"], r["value"]) for r in rows] == [(1, 2, 8), (2, 1, 5)]
    for kind, limit in (("gems", 10), (None, 10), ("team_power", 0), ("collection", 101),
                        ("collection", None)):
        with sqlstate("SDARG"):
            await conn.fetch("select * from stardust.leaderboard($1, $2)", kind, limit)


OPS = ["checkin", "tasks", "npc", "pull", "expedition", "shop", "item", "token", "code",
       "raid", "bounty", "scrap", "gift"]


async def one_op(c, uid, op, rng, step):
    rid = f"{uid}-{step}"
    if op == "checkin":
        await c.fetchrow("select * from stardust.checkin($1, $2)", uid, rid)
    elif op == "tasks":
        await c.fetch("select * from stardust.claim_all_tasks($1, $2)", uid, rid)
    elif op == "npc":
        await c.fetchrow("select * from stardust.battle_npc($1, $2, $3)", uid,
                         rng.choice(["easy", "normal", "hell"]), rid)
    elif op == "pull":
        await c.fetch("select * from stardust.pull($1, $2, null, $3)", uid, rng.choice([1, 10]),
                      rid)
    elif op == "expedition":
        units = [r[0] for r in await c.fetch(
            "select inventory_id from stardust.inventory($1) where not in_team"
            " and not on_expedition limit 3", uid)]
        fn = rng.choice(["start", "claim", "stop"])
        if fn == "start":
            await c.fetch("select * from stardust.expedition_start($1, $2::bigint[], $3)",
                          uid, units, rid)
        else:
            await c.fetchrow(f"select * from stardust.expedition_{fn}($1, $2)", uid, rid)
    elif op == "shop":
        await c.fetch("select * from stardust.shop_buy($1, $2, $3)", uid, rng.randint(1, 10),
                      rid)
    elif op == "item":
        await c.fetchrow("select * from stardust.buy_item($1, 'ssr_token', 1, $2)", uid, rid)
    elif op == "token":
        unit = await c.fetchval("select inventory_id from stardust.inventory($1)"
                                " where rarity = 'SSR' order by random() limit 1", uid)
        await c.fetchrow("select * from stardust.use_token($1, $2, $3)", uid, unit, rid)
    elif op == "code":
        await c.fetchrow("select * from stardust.redeem_code($1, $2, $3)", uid,
                         rng.choice(["MIX", "MIX2"]), rid)
    elif op == "raid":
        row = await c.fetchrow("select * from stardust.raid_attack($1, 5, $2)", uid, rid)
        if row["raid_over"]:
            await c.fetch("select * from stardust.end_raid($1)", row["raid_id"])
    elif op == "bounty":
        await c.fetchrow("select * from stardust.bounty_claim($1, 5, $2, $3)", uid,
                         rng.randint(1, 3), rid)
    elif op == "scrap":
        unit = await c.fetchval("select inventory_id from stardust.inventory($1)"
                                " where not in_team and not on_expedition and not is_locked"
                                " order by random() limit 1", uid)
        await c.fetchrow("select * from stardust.scrap($1, $2::bigint[], $3)", uid, [unit], rid)
    elif op == "gift":
        unit = await c.fetchval("select inventory_id from stardust.inventory($1) limit 1", uid)
        await c.fetchrow("select * from stardust.gift_bond($1, $2, 'bond_small', 1, $3)", uid,
                         unit, rid)


async def test_a_random_parallel_mix_conserves_everything(conn, connections):
    await load_catalogue(conn, n_ssr=15, n_sr=20, n_r=30)
    users = list(range(1, 13))
    for uid in users:
        await player_with_team(conn, uid, n_team=5, n_bench=4)
        await conn.fetchrow("select * from stardust.grant($1, 300000, 10000)", uid)
        await conn.execute("insert into stardust.user_items (user_id, item, qty)"
                           " values ($1, 'bond_small', 5)", uid)
    await conn.fetchrow("select * from stardust.create_gift_code('MIX', $1::jsonb, 5)",
                        json.dumps({"gems": 777, "coins": 7, "items": {"ssr_token": 1}}))
    await conn.fetchrow("select * from stardust.create_gift_code('MIX2', $1::jsonb, 50)",
                        json.dumps({"gems": 1}))
    hit = await conn.fetchval("select stardust.team_power(1)")
    await conn.fetchrow("select * from stardust.start_raid(5, 'Mix Boss', $1,"
                        " stardust._now() + interval '1 day')", hit * 12)
    conns = await connections(len(users), as_bot=True)
    codes = {}
    done: dict[str, int] = {}

    async def play(c, uid):
        rng = random.Random(uid)
        for step in range(25):
            op = rng.choice(OPS)
            try:
                await one_op(c, uid, op, rng, step)
            except asyncpg.PostgresError as exc:
                assert exc.sqlstate.startswith("SD"), f"{op}: {exc}"
                codes[exc.sqlstate] = codes.get(exc.sqlstate, 0) + 1
            else:
                done[op] = done.get(op, 0) + 1

    await asyncio.gather(*(play(c, u) for c, u in zip(conns, users)))
    print("refusals by SQLSTATE:", codes, "successes by operation:", done)
    # a mix in which every call is refused conserves everything too: most calls must work,
    # and every kind of operation at least once
    assert sum(done.values()) >= 0.5 * len(users) * 25, (done, codes)
    assert set(done) == set(OPS), f"never succeeded: {set(OPS) - set(done)}"
    print("ledger reasons:", dict(await conn.fetch(
        "select reason, count(*) from stardust.ledger group by 1 order by 1")))
    await assert_ledger_balanced(conn)
    assert not await conn.fetch("select * from stardust.user_items where qty < 0")
    assert await conn.fetchval("select used from stardust.gift_codes where code = 'MIX'") == (
        await conn.fetchval("select count(*) from stardust.code_redemptions where code = 'MIX'"))
    assert await conn.fetchval("select used <= usage_limit from stardust.gift_codes"
                               " where code = 'MIX'")
    assert await conn.fetchval("select count(*) from stardust.ledger"
                               " where reason = 'gift_code'") == await conn.fetchval(
        "select count(*) from stardust.code_redemptions")
    boss = await conn.fetchrow("select * from stardust.raids")
    assert boss["hp"] == boss["boss_hp"] - await conn.fetchval(
        "select coalesce(sum(damage), 0) from stardust.raid_attacks")
    assert boss["hp"] >= 0
    assert await conn.fetchval("select count(*) from stardust.raid_attacks where killing") == (
        1 if boss["hp"] == 0 else 0)
    assert await conn.fetchval("select count(*) from stardust.task_claims") == await conn.fetchval(
        "select count(distinct (user_id, day, task)) from stardust.task_claims")
    # every achievement's reward was paid exactly once
    assert await conn.fetchval("select coalesce(sum(gems_delta), 0) from stardust.ledger"
                               " where reason = 'achievement'") == await conn.fetchval(
        "select coalesce(sum((a.reward ->> 'gems')::bigint), 0) from stardust.user_achievements"
        " ua join stardust.achievements a using (key)")
    # units away or in the team were never scrapped; no unit is both
    assert not await conn.fetch("select id from stardust.inventory where team_slot is not null"
                                " and expedition_slot is not null")
    # each player's units away: at most five, in distinct slots, with their expedition row
    assert not await conn.fetch(
        "select i.user_id from stardust.inventory i where i.expedition_slot is not null"
        " group by i.user_id having count(*) > 5"
        " or count(*) <> count(distinct i.expedition_slot)"
        " or not exists (select 1 from stardust.expeditions e where e.user_id = i.user_id)")
    assert not await conn.fetch(
        "select e.user_id from stardust.expeditions e where not exists (select 1 from"
        " stardust.inventory i where i.user_id = e.user_id and i.expedition_slot is not null)")
