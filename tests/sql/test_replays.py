"""Exact replays (issue 11 section 6): for EVERY function taking p_request_id, a retry of a
request returns the first call's rows (all of them, in order) and changes nothing, even
after the state moved on so that a fresh call would answer differently; the same request id
with other arguments (or for another function) is SDIDM.

The functions are discovered from the catalogue. A new one without a case here fails
`test_every_request_id_function_has_a_replay_case`, which names what is missing: add a
`Case` to CASES (setup, call, move_on, other).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import asyncpg
import pytest

from tests.helpers import db_state, load_catalogue, player_with_team, sqlstate


pytestmark = pytest.mark.usefixtures("steady_game_clock")   # day and hour rules: a steady clock


RID = "replay-1"
ME, THEM, GUILD = 1, 2, 77

Conn = asyncpg.Connection
Ctx = dict[str, Any]


@dataclass
class Case:
    """call(conn, ctx, rid) makes the call and returns its rows; move_on(conn, ctx) changes
    what a fresh call would return; other(conn, ctx, rid) uses the same request id with
    other arguments, or for another function."""
    call: Callable[[Conn, Ctx, str | None], Awaitable[list]]
    move_on: Callable[[Conn, Ctx], Awaitable[Any]]
    other: Callable[[Conn, Ctx, str], Awaitable[Any]] | None
    setup: Callable[[Conn], Awaitable[Ctx]] | None = None


def q(sql: str) -> Callable[..., Awaitable[list]]:
    """A call of `sql` whose $n parameters come from a function of (ctx, rid)."""
    def make(args: Callable[[Ctx, str | None], tuple]):
        async def run(conn: Conn, ctx: Ctx, rid: str | None) -> list:
            return await conn.fetch(sql, *args(ctx, rid))
        return run
    return make


async def team(conn: Conn, n_bench: int = 5, dupe: int = 10) -> Ctx:
    await load_catalogue(conn, n_ssr=12, n_sr=6, n_r=10)
    me = await player_with_team(conn, ME, n_team=5, n_bench=n_bench, dupe=dupe)
    them = await player_with_team(conn, THEM, n_team=5, n_bench=0, dupe=dupe)
    return {"me": me, "them": them}


async def rich(conn: Conn) -> Ctx:
    ctx = await team(conn, dupe=0)
    await conn.execute("select stardust.grant($1, 1000000, 100000)", ME)
    return ctx


async def age_expedition(conn: Conn) -> None:
    await conn.execute("update stardust.expeditions set last_claim_at = last_claim_at"
                       " - interval '2 hours', started_at = started_at - interval '2 hours'"
                       " where user_id = $1", ME)


async def on_expedition(conn: Conn) -> Ctx:
    ctx = await team(conn)
    await conn.fetch("select * from stardust.expedition_start($1, $2::bigint[])", ME,
                     ctx["me"]["bench"][:2])
    await age_expedition(conn)
    return ctx


async def new_expedition(conn: Conn, ctx: Ctx) -> None:
    """Another expedition out (the current one, if any, stopped), ready to be claimed."""
    if await conn.fetchval("select exists (select 1 from stardust.expeditions"
                           " where user_id = $1)", ME):
        await conn.fetch("select * from stardust.expedition_stop($1)", ME)
    await conn.fetch("select * from stardust.expedition_start($1, $2::bigint[])", ME,
                     ctx["me"]["bench"][2:5])
    await conn.execute("update stardust.expeditions set last_claim_at = last_claim_at"
                       " - interval '5 hours' where user_id = $1", ME)


async def banner(conn: Conn) -> Ctx:
    ctx = await rich(conn)
    ctx["banner"] = await conn.fetchval(
        "select id from stardust.create_banner('Replay', array[1000, 1001],"
        " stardust._now() + interval '1 day')")
    await conn.execute("update stardust.users set banner_points = 1000, points_banner_id = $2"
                       " where user_id = $1", ME, ctx["banner"])
    return ctx


async def with_rs(conn: Conn) -> Ctx:
    ctx = await team(conn)
    await conn.execute("insert into stardust.inventory (user_id, anilist_id, dupe_level)"
                       " select $1, anilist_id, 1 from stardust.characters where rarity = 'R'"
                       " order by anilist_id limit 4", ME)
    return ctx


async def pvp_done(conn: Conn) -> Ctx:
    ctx = await team(conn)
    await conn.fetch("select * from stardust.battle_pvp($1, $2)", ME, THEM)
    return ctx


async def with_items(conn: Conn) -> Ctx:
    ctx = await team(conn, dupe=0)
    await conn.execute("select stardust.grant_item($1, 'bond_med', 10)", ME)
    await conn.execute("select stardust.grant_item($1, 'ssr_token', 10)", ME)
    return ctx


async def gift_codes(conn: Conn) -> Ctx:
    await conn.fetchrow("select * from stardust.get_user($1)", ME)
    for code, gems in (("FIRST", 100), ("SECOND", 200)):
        await conn.fetchrow("select * from stardust.create_gift_code($1, $2::jsonb, 10)", code,
                            json.dumps({"gems": gems, "items": {"bond_small": 1}}))
    return {}


async def weak_raid(conn: Conn) -> Ctx:
    ctx = await team(conn)
    ctx["raid"] = await conn.fetchval("select id from stardust.start_raid($1, 'Boss', 10,"
                                      " stardust._now() + interval '1 day')", GUILD)
    return ctx


async def set_team(conn: Conn, ids: list[int | None]) -> Any:
    return await conn.fetch("select * from stardust.set_team($1, $2::bigint[])", ME, ids)


async def save_preset(conn: Conn, name: str) -> Any:
    return await conn.fetch("select * from stardust.save_preset($1, $2)", ME, name)


async def team_moved_on(conn: Conn, ctx: Ctx) -> None:
    """Another team, and a unit of the first call's team away: a fresh call is SDLCK."""
    await set_team(conn, ctx["me"]["team"][:2])
    await conn.fetch("select * from stardust.expedition_start($1, $2::bigint[])", ME,
                     ctx["me"]["bench"][:1])


async def preset_saved(conn: Conn) -> Ctx:
    """'main' holds the first team; the team is now two bench units."""
    ctx = await team(conn)
    await save_preset(conn, "main")
    await set_team(conn, ctx["me"]["bench"][:2])
    return ctx


async def preset_moved_on(conn: Conn, ctx: Ctx) -> None:
    """Another team, saved as 'main': a fresh load returns it."""
    await set_team(conn, ctx["me"]["bench"][2:4])
    await save_preset(conn, "main")


async def grant(conn: Conn, ctx: Ctx, gems: int) -> Any:
    return await conn.fetch("select * from stardust.grant($1, $2)", ME, gems)


CASES: dict[str, Case] = {
    "pull": Case(
        setup=rich,
        call=q("select * from stardust.pull($1, 10, null, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.pull($1, 10)", ME),
        other=q("select * from stardust.pull($1, 1, null, $2)")(lambda c, r: (ME, r))),
    "spark": Case(
        setup=banner,
        call=q("select * from stardust.spark($1, $2, 1000, $3)")(
            lambda c, r: (ME, c["banner"], r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.spark($1, $2, 1000)",
                                             ME, ctx["banner"]),
        other=q("select * from stardust.spark($1, $2, 1001, $3)")(
            lambda c, r: (ME, c["banner"], r))),
    "claim_starter": Case(
        setup=rich,
        call=q("select * from stardust.claim_starter($1, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.pull($1, 10)", ME),
        other=q("select * from stardust.checkin($1, $2)")(lambda c, r: (ME, r))),
    "shop_buy": Case(
        setup=rich,
        call=q("select * from stardust.shop_buy($1, 1, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.shop_buy($1, 2)", ME),
        other=q("select * from stardust.shop_buy($1, 3, $2)")(lambda c, r: (ME, r))),
    "scrap": Case(
        setup=rich,
        call=q("select * from stardust.scrap($1, $2::bigint[], $3)")(
            lambda c, r: (ME, c["me"]["bench"][:2], r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.scrap($1, $2::bigint[])",
                                             ME, ctx["me"]["bench"][2:3]),
        other=q("select * from stardust.scrap($1, $2::bigint[], $3)")(
            lambda c, r: (ME, c["me"]["bench"][3:4], r))),
    "mass_scrap": Case(
        setup=with_rs,
        call=q("select * from stardust.mass_scrap($1, 'R', $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.execute(
            "insert into stardust.inventory (user_id, anilist_id, dupe_level)"
            " select $1, anilist_id, 3 from stardust.characters where rarity = 'R'", ME),
        other=q("select * from stardust.mass_scrap($1, 'SR', $2)")(lambda c, r: (ME, r))),
    "battle_npc": Case(
        setup=team,
        call=q("select * from stardust.battle_npc($1, 'easy', $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.battle_npc($1, 'easy')",
                                             ME),
        other=q("select * from stardust.battle_npc($1, 'hard', $2)")(lambda c, r: (ME, r))),
    "battle_pvp": Case(
        setup=team,
        call=q("select * from stardust.battle_pvp($1, $2, $3)")(lambda c, r: (ME, THEM, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.battle_pvp($1, $2)",
                                             ME, THEM),
        other=q("select * from stardust.battle_pvp($1, 3, $2)")(lambda c, r: (ME, r))),
    "bounty_claim": Case(
        setup=team,
        call=q("select * from stardust.bounty_claim($1, $2, 1, $3)")(
            lambda c, r: (ME, GUILD, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.bounty_claim($1, $2, 2)",
                                             ME, GUILD),
        other=q("select * from stardust.bounty_claim($1, $2, 3, $3)")(
            lambda c, r: (ME, GUILD, r))),
    "buy_item": Case(
        setup=rich,
        call=q("select * from stardust.buy_item($1, 'ssr_token', 1, $2)")(lambda c, r: (ME, r)),
        # more bought, then the shop stops selling it: a retry still shows the purchase
        move_on=lambda conn, ctx: conn.execute(
            f"select * from stardust.buy_item({ME}, 'ssr_token', 2);"
            " select * from stardust.set_setting('item_shop', '{}'::jsonb)"),
        other=q("select * from stardust.buy_item($1, 'ssr_token', 2, $2)")(
            lambda c, r: (ME, r))),
    "checkin": Case(
        call=q("select * from stardust.checkin($1, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: grant(conn, ctx, 10),
        other=q("select * from stardust.claim_all_tasks($1, $2)")(lambda c, r: (ME, r))),
    "claim_task": Case(
        setup=pvp_done,
        call=q("select * from stardust.claim_task($1, 'pvp', $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.battle_pvp($1, $2)",
                                             ME, THEM),
        other=q("select * from stardust.claim_task($1, 'easy', $2)")(lambda c, r: (ME, r))),
    "claim_all_tasks": Case(
        setup=pvp_done,
        call=q("select * from stardust.claim_all_tasks($1, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.battle_pvp($1, $2)",
                                             ME, THEM),
        other=q("select * from stardust.claim_task($1, 'pvp', $2)")(lambda c, r: (ME, r))),
    "expedition_start": Case(
        setup=team,
        call=q("select * from stardust.expedition_start($1, $2::bigint[], $3)")(
            lambda c, r: (ME, c["me"]["bench"][:2], r)),
        # the case: stop it and send others; a retry still shows the first call's
        move_on=lambda conn, ctx: new_expedition(conn, ctx),
        other=q("select * from stardust.expedition_start($1, $2::bigint[], $3)")(
            lambda c, r: (ME, c["me"]["bench"][:1], r))),
    "expedition_claim": Case(
        setup=on_expedition,
        call=q("select * from stardust.expedition_claim($1, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: new_expedition(conn, ctx),
        other=q("select * from stardust.expedition_stop($1, $2)")(lambda c, r: (ME, r))),
    "expedition_stop": Case(
        setup=on_expedition,
        call=q("select * from stardust.expedition_stop($1, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: new_expedition(conn, ctx),
        other=q("select * from stardust.expedition_claim($1, $2)")(lambda c, r: (ME, r))),
    "gift_bond": Case(
        setup=with_items,
        call=q("select * from stardust.gift_bond($1, $2, 'bond_med', 1, $3)")(
            lambda c, r: (ME, c["me"]["team"][0], r)),
        move_on=lambda conn, ctx: conn.fetch(
            "select * from stardust.gift_bond($1, $2, 'bond_med', 3)", ME, ctx["me"]["team"][0]),
        other=q("select * from stardust.gift_bond($1, $2, 'bond_med', 2, $3)")(
            lambda c, r: (ME, c["me"]["team"][0], r))),
    "use_token": Case(
        setup=with_items,
        call=q("select * from stardust.use_token($1, $2, $3)")(
            lambda c, r: (ME, c["me"]["team"][0], r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.use_token($1, $2)",
                                             ME, ctx["me"]["team"][0]),
        other=q("select * from stardust.use_token($1, $2, $3)")(
            lambda c, r: (ME, c["me"]["team"][1], r))),
    "redeem_code": Case(
        setup=gift_codes,
        call=q("select * from stardust.redeem_code($1, 'first', $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.redeem_code($1,"
                                             " 'second')", ME),
        other=q("select * from stardust.redeem_code($1, 'second', $2)")(lambda c, r: (ME, r))),
    "raid_attack": Case(
        # the attack kills the boss (raid_over); end_raid then closes the raid
        setup=weak_raid,
        call=q("select * from stardust.raid_attack($1, $2, $3)")(lambda c, r: (ME, GUILD, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.end_raid($1, true)",
                                             ctx["raid"]),
        other=q("select * from stardust.raid_attack($1, 78, $2)")(lambda c, r: (ME, r))),
    "grant": Case(
        call=q("select * from stardust.grant(p_user_id => $1, p_gems => 500,"
               " p_request_id => $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: grant(conn, ctx, 700),
        other=q("select * from stardust.grant(p_user_id => $1, p_gems => 600,"
                " p_request_id => $2)")(lambda c, r: (ME, r))),
    "grant_item": Case(
        call=q("select stardust.grant_item($1, 'bond_small', 1, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.execute("select stardust.grant_item($1, 'bond_small', 4)",
                                               ME),
        other=q("select stardust.grant_item($1, 'bond_small', 2, $2)")(lambda c, r: (ME, r))),
    # the player comes back after the erase (a fresh erase would delete again); an erase has
    # no arguments besides the player, whose request records it deletes: its retries are
    # kept in stardust.erasures, by hash of the id and request id, so no SDIDM case exists
    "set_client_seed": Case(
        setup=rich,
        call=q("select * from stardust.set_client_seed($1, 'lucky', $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.pull($1, 1)", ME),
        other=q("select * from stardust.set_client_seed($1, 'other', $2)")(
            lambda c, r: (ME, r))),
    "erase_user": Case(
        setup=rich,
        call=q("select * from stardust.erase_user($1, $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: conn.fetch("select * from stardust.pull($1, 10)", ME),
        other=None),
    # the player's team and presets (migration 0011): a retried /team set must not put back
    # a team the player has changed since, a retried /lock answers the first count, a
    # retried /preset delete answers 1 (a fresh one: SDARG)
    "set_team": Case(
        setup=team,
        call=q("select * from stardust.set_team($1, $2::bigint[], $3)")(
            lambda c, r: (ME, [c["me"]["bench"][0], None, c["me"]["bench"][1]], r)),
        move_on=team_moved_on,
        other=q("select * from stardust.set_team($1, $2::bigint[], $3)")(
            lambda c, r: (ME, [c["me"]["bench"][1], None, c["me"]["bench"][0]], r))),
    "set_locked": Case(
        setup=team,
        call=q("select stardust.set_locked($1, $2::bigint[], true, $3)")(
            lambda c, r: (ME, c["me"]["bench"][:2], r)),
        move_on=lambda conn, ctx: conn.fetch(
            "select stardust.set_locked($1, $2::bigint[], false)", ME, ctx["me"]["bench"][:1]),
        other=q("select stardust.set_locked($1, $2::bigint[], false, $3)")(
            lambda c, r: (ME, c["me"]["bench"][:2], r))),
    "save_preset": Case(
        setup=team,
        call=q("select * from stardust.save_preset($1, 'main', $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: set_team(conn, ctx["me"]["bench"][:3]),
        other=q("select * from stardust.save_preset($1, 'other', $2)")(lambda c, r: (ME, r))),
    "load_preset": Case(
        setup=preset_saved,
        call=q("select * from stardust.load_preset($1, 'main', $2)")(lambda c, r: (ME, r)),
        move_on=preset_moved_on,
        other=q("select * from stardust.load_preset($1, 'other', $2)")(lambda c, r: (ME, r))),
    "delete_preset": Case(
        setup=preset_saved,
        call=q("select stardust.delete_preset($1, 'main', $2)")(lambda c, r: (ME, r)),
        move_on=lambda conn, ctx: save_preset(conn, "other"),
        other=q("select stardust.delete_preset($1, 'other', $2)")(lambda c, r: (ME, r))),
}

# Private helpers (`_` names) take p_request_id only to write it into ledger and history rows;
# they run inside the API functions above and are never replayed on their own.
_REQUEST_ID_FUNCTIONS = """
select p.proname, p.oid::regprocedure::text as sig from pg_proc p
 where p.pronamespace = 'stardust'::regnamespace
   and 'p_request_id' = any(p.proargnames)
   and p.proname not like '\\_%'
 order by 1
"""


async def test_every_request_id_function_has_a_replay_case(tx):
    found = {r["proname"]: r["sig"] for r in await tx.fetch(_REQUEST_ID_FUNCTIONS)}
    names = set(found)
    missing = sorted(found[n] for n in names - set(CASES))
    assert not missing, (f"functions taking p_request_id without a replay case (add one to "
                         f"CASES in {__name__}): {missing}")
    assert not set(CASES) - names, f"cases for no function: {sorted(set(CASES) - names)}"


def rows(result: list) -> list[tuple]:
    return [tuple(r) for r in result]


async def fresh(conn: Conn, case: Case, ctx: Ctx) -> Any:
    """What a new request would return now (rolled back): rows or the SQLSTATE."""
    tr = conn.transaction()
    await tr.start()
    try:
        return rows(await case.call(conn, ctx, "replay-fresh"))
    except asyncpg.PostgresError as exc:
        return exc.sqlstate
    finally:
        await tr.rollback()


@pytest.mark.parametrize("name", sorted(CASES))
async def test_a_replay_returns_the_first_result_and_changes_nothing(conn, name):
    case = CASES[name]
    ctx = await case.setup(conn) if case.setup else {}
    first = rows(await case.call(conn, ctx, RID))
    assert first, f"{name}: the first call returned no rows"
    await case.move_on(conn, ctx)
    assert await fresh(conn, case, ctx) != first, f"{name}: move_on changed nothing"

    before = await db_state(conn)
    again = rows(await case.call(conn, ctx, RID))
    after = await db_state(conn)
    assert again == first, f"{name}: the replay differs from the first call"
    changed = sorted(t for t in before if before[t] != after[t])
    assert not changed, f"{name}: the replay changed {changed}"

    if case.other is not None:
        with sqlstate("SDIDM"):
            await case.other(conn, ctx, RID)
        assert await db_state(conn) == after


async def test_a_retried_preset_delete_spares_a_preset_saved_again_since(conn):
    """/preset delete main, /preset save main, then Discord's retry of the delete: it
    answers the first call's 1 and the new 'main' stays (a fresh delete would remove it)."""
    await preset_saved(conn)
    assert await conn.fetchval("select stardust.delete_preset($1, 'main', $2)", ME, RID) == 1
    await save_preset(conn, "main")
    before = await db_state(conn)
    assert await conn.fetchval("select stardust.delete_preset($1, 'main', $2)", ME, RID) == 1
    assert await db_state(conn) == before
    assert await conn.fetchval("select count(*) from stardust.team_presets"
                               " where user_id = $1 and name = 'main'", ME) == 1
