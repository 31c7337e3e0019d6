"""erase_user: a player erased leaves no row that refers to them, while every other player's
history, balances, battles, raids and gift codes stay true."""

from __future__ import annotations

import asyncio
import hashlib
import json

import asyncpg
import pytest

from tests.helpers import (assert_ledger_balanced, load_catalogue, player_with_team, sqlstate,
                           unchanged)


pytestmark = pytest.mark.usefixtures("steady_game_clock")   # day and hour rules: a steady clock


# snowflake-sized ids: no count, power, seed or other id in the database can spell them
X = 880_000_000_000_000_001          # the player who asks to be forgotten
A = 880_000_000_000_000_002          # other players
B = 880_000_000_000_000_003
GUILD = 77

# every column that refers to a player: a foreign key to users, or a name that says so
REFS_SQL = r"""
select c.conrelid::regclass::text as tbl, a.attname::text as col
  from pg_constraint c
  join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
 where c.contype = 'f' and c.confrelid = 'stardust.users'::regclass
union
select a.attrelid::regclass::text, a.attname::text
  from pg_attribute a join pg_class k on k.oid = a.attrelid
 where k.relnamespace = 'stardust'::regnamespace and k.relkind in ('r', 'p')
   and a.attnum > 0 and not a.attisdropped
   and a.attname ~ '(user_id|attacker_id|defender_id|killed_by)$'
 order by 1, 2
"""

TABLES_SQL = """
select c.oid::regclass::text from pg_class c
 where c.relnamespace = 'stardust'::regnamespace and c.relkind in ('r', 'p') order by 1
"""


def user_hash(uid: int) -> str:
    return hashlib.sha256(str(uid).encode()).hexdigest()


async def erase(conn, uid, rid=None) -> dict[str, tuple[int, int]]:
    rows = await conn.fetch("select * from stardust.erase_user(p_user_id => $1,"
                            " p_request_id => $2)", uid, rid)
    return {r["table_name"]: (r["deleted"], r["anonymised"]) for r in rows}


async def mentions(conn, uid: int) -> dict[str, int]:
    """Rows of any stardust table whose text (every column, jsonb and arrays included)
    contains the id, by table; erasures are named by hash and never match."""
    out = {}
    for (table,) in await conn.fetch(TABLES_SQL):
        n = await conn.fetchval(f"select count(*) from {table} t"
                                f" where strpos(t::text, $1) > 0", str(uid))
        if n:
            out[table] = n
    return out


async def referring_rows(conn, uid: int) -> dict[str, int]:
    out = {}
    for tbl, col in await conn.fetch(REFS_SQL):
        n = await conn.fetchval(f'select count(*) from {tbl} where "{col}" = $1', uid)
        if n:
            out[f"{tbl}.{col}"] = n
    return out


async def strong_team(conn, uid: int) -> dict[str, list[int]]:
    """Five maxed SSR units in the team (they win every bounty) and five on the bench."""
    ids = await player_with_team(conn, uid, dupe=10)
    await conn.execute("update stardust.inventory set bond_level = 50 where id = any($1)",
                       ids["team"])
    await conn.execute("update stardust.users set team_level = 60 where user_id = $1", uid)
    return ids


async def world(conn) -> dict:
    """X plays everything there is; A and B play with (and against) X."""
    await load_catalogue(conn, n_ssr=12, n_sr=6, n_r=12)
    units = {uid: await strong_team(conn, uid) for uid in (X, A, B)}
    q = conn.fetchrow
    await q("select * from stardust.claim_starter($1, 'x-starter')", X)
    await q("select * from stardust.grant($1, 500000, 5000, 'prize', 'x-grant')", X)
    # X as the acting admin of a grant to A: the audit keeps it, without X's id
    await q("select * from stardust.grant($1, 100, 0, 'help', 'x-admin', $2)", A, X)
    await conn.fetch("select * from stardust.pull($1, 10, null, 'x-pull')", X)
    r_unit = await conn.fetchval(
        "select i.id from stardust.inventory i join stardust.characters c using (anilist_id)"
        " where i.user_id = $1 and c.rarity <> 'SSR' and i.team_slot is null"
        " order by i.id limit 1", X)
    await q("select * from stardust.scrap($1, array[$2]::bigint[], 'x-scrap')", X, r_unit)
    await q("select * from stardust.mass_scrap($1, 'R', 'x-mass')", X)
    await q("select * from stardust.save_preset($1, 'main')", X)
    await q("select * from stardust.battle_npc($1, 'easy', 'x-npc')", X)
    await conn.fetch("select * from stardust.claim_task($1, 'easy', 'x-task')", X)
    x_vs_a = (await q("select * from stardust.battle_pvp($1, $2, 'x-pvp')", X, A))["battle_id"]
    a_vs_x = (await q("select * from stardust.battle_pvp($1, $2, 'a-pvp')", A, X))["battle_id"]
    bounty = await q("select * from stardust.bounty_claim($1, $2, 1, 'x-bounty')", X, GUILD)
    assert bounty["outcome"] == "WIN"
    await q("select * from stardust.grant_item($1, 'bond_small', 2, 'x-item-grant')", X)
    await q("select * from stardust.gift_bond($1, $2, 'bond_small', 1, 'x-gift')", X,
            units[X]["bench"][4])
    await q("select * from stardust.checkin($1, 'x-checkin')", X)
    await conn.fetch("select * from stardust.expedition_start($1, $2::bigint[], 'x-exp')", X,
                     units[X]["bench"][:2])
    for slot in range(1, 11):               # a slot whose unit X does not hold at dupe 10
        try:
            await q("select * from stardust.shop_buy($1, $2, 'x-shop')", X, slot)
            break
        except asyncpg.PostgresError:
            continue
    await q("select * from stardust.buy_item($1, 'ssr_token', 1, 'x-item')", X)
    await q("select * from stardust.create_gift_code('TWO', '{\"gems\": 100}', 2)")
    for uid in (X, A):
        await q("select * from stardust.redeem_code($1, 'TWO', $2)", uid, f"{uid}-code")
    # a raid A attacks and X finishes, not yet paid: X's damage is part of its arithmetic
    await q("select * from stardust.start_raid($1, 'Boss', 10000000, stardust._now() + interval '1 day')",
            GUILD)
    raid = (await q("select * from stardust.raid_attack($1, $2, 'a-raid')", A, GUILD))["raid_id"]
    await conn.execute("update stardust.raids set hp = 1000 where id = $1", raid)
    await conn.execute("update stardust.raid_attacks set damage = 10000000 - 1000"
                       " where raid_id = $1", raid)
    kill = await q("select * from stardust.raid_attack($1, $2, 'x-raid')", X, GUILD)
    assert kill["killing_blow"]
    # a raid in another server that X and B attacked, ended and paid
    await q("select * from stardust.start_raid($1, 'Other', 10000000, stardust._now() + interval '1 day')",
            GUILD + 1)
    paid = (await q("select * from stardust.raid_attack($1, $2, 'x-raid2')", X, GUILD + 1))[
        "raid_id"]
    await q("select * from stardust.raid_attack($1, $2, 'b-raid2')", B, GUILD + 1)
    await conn.fetch("select * from stardust.end_raid($1, true)", paid)
    await assert_ledger_balanced(conn)
    return {"x_vs_a": x_vs_a, "a_vs_x": a_vs_x, "raid": raid, "paid_raid": paid}


async def test_erase_leaves_nothing_that_refers_to_the_player(conn):
    w = await world(conn)
    before = await referring_rows(conn, X)
    # the scenario reaches every table that refers to a player (a new such table that no
    # scenario step writes is caught by the static test below)
    tables = {k.split(".")[1] for k in before}
    assert tables >= {"users", "inventory", "ledger", "requests", "pulls", "scrap_log",
                      "user_items", "team_presets", "battles", "bounty_clears", "task_claims",
                      "expeditions", "shop_purchases", "code_redemptions", "user_achievements",
                      "notifications", "raids", "raid_attacks", "raid_rewards", "admin_grants"}, before
    others = {uid: await conn.fetchrow("select * from stardust.users where user_id = $1", uid)
              for uid in (A, B)}
    counts = await erase(conn, X, "forget-1")
    assert counts["users"] == (1, 0) and counts["ledger"][0] >= 5
    assert counts["battles"][1] == 4         # 2 PvP (either side) and 2 raid battles kept
    assert counts["raid_attacks"] == (0, 2) and counts["raids"] == (0, 1)
    # A's PvP request named X as its opponent, A's grant named X as the acting admin
    assert counts["requests"][1] == 2
    assert counts["admin_grants"] == (0, 2)  # X's grant and the one X made for A
    assert await referring_rows(conn, X) == {}
    assert await mentions(conn, X) == {}
    # the others are untouched, their ledgers balanced
    for uid, row in others.items():
        assert await conn.fetchrow("select * from stardust.users where user_id = $1",
                                   uid) == row
    await assert_ledger_balanced(conn)
    # the erasure is on record, by hash
    rec = await conn.fetchrow("select * from stardust.erasures")
    assert rec["user_hash"] == user_hash(X) and rec["request_id"] == "forget-1"
    assert {k: (v["deleted"], v["anonymised"]) for k, v in json.loads(rec["counts"]).items()} \
        == counts


async def test_pvp_opponents_keep_their_battles_anonymised(conn):
    w = await world(conn)
    await erase(conn, X)
    mine = await conn.fetchrow("select * from stardust.battles where id = $1", w["a_vs_x"])
    theirs = await conn.fetchrow("select * from stardust.battles where id = $1", w["x_vs_a"])
    assert (mine["attacker_id"], mine["defender_id"], mine["request_id"]) == (A, None, "a-pvp")
    assert (theirs["attacker_id"], theirs["defender_id"], theirs["request_id"]) == (None, A, None)
    # the record still explains and replays
    assert await conn.fetch("select * from stardust.battle_log($1)", w["a_vs_x"])
    replay = await conn.fetchrow("select * from stardust.replay_battle($1)", w["x_vs_a"])
    assert replay is not None
    # X's own solo battles are gone; A's replayed request no longer names X
    assert await conn.fetchval("select count(*) from stardust.battles where kind in"
                               " ('npc', 'bounty') and attacker_id is null") == 0
    args = await conn.fetchval("select args from stardust.requests where user_id = $1"
                               " and request_id = 'a-pvp'", A)
    assert json.loads(args) == {"opponent": None}
    # a battle's context loses names and the player's id, keeps the rest, wherever it is
    await conn.execute("update stardust.battles set context = context ||"
                       " jsonb_build_object('defender_name', 'Ada', 'opponent', $2::bigint)"
                       " where id = $1", w["a_vs_x"], B)
    assert (await erase(conn, B))["battles"][1] >= 1
    ctx = json.loads(await conn.fetchval("select context from stardust.battles where id = $1",
                                         w["a_vs_x"]))
    assert "defender_name" not in ctx and ctx["opponent"] is None and "options" in ctx


async def test_raids_keep_their_arithmetic(conn):
    w = await world(conn)
    await erase(conn, X)
    for raid_id in (w["raid"], w["paid_raid"]):
        raid = await conn.fetchrow("select * from stardust.raids where id = $1", raid_id)
        dealt = await conn.fetchval("select sum(damage) from stardust.raid_attacks"
                                    " where raid_id = $1", raid_id)
        assert raid["boss_hp"] - raid["hp"] == dealt
    raid = await conn.fetchrow("select * from stardust.raids where id = $1", w["raid"])
    assert raid["hp"] == 0 and raid["killed_by"] is None and raid["killed_at"] is not None
    # the open raid ends and pays A alone; X's share is paid to no one
    paid = await conn.fetch("select * from stardust.end_raid($1)", w["raid"])
    assert [r["user_id"] for r in paid] == [A] and not paid[0]["killing_blow"]
    board = await conn.fetch("select * from stardust.raid_leaderboard($1)", GUILD)
    assert [(r["user_id"], r["gems"] is None) for r in board] == [(A, False), (None, True)]
    await assert_ledger_balanced(conn)


async def test_gift_codes_are_not_reopened(conn):
    await world(conn)
    await erase(conn, X)
    code = await conn.fetchrow("select * from stardust.gift_codes where code = 'TWO'")
    assert code["used"] == 2 <= code["usage_limit"]
    with sqlstate("SDDON"):
        await conn.fetchrow("select * from stardust.redeem_code($1, 'TWO')", B)


async def unhandled(conn) -> list[str]:
    """Tables with a column that refers to a player which erase_user never names."""
    body = await conn.fetchval(
        "select pg_get_functiondef('stardust.erase_user(bigint, text)'::regprocedure)")
    return sorted({tbl for tbl, _ in await conn.fetch(REFS_SQL)
                   if f"'{tbl.removeprefix('stardust.')}'" not in body})


async def test_every_table_that_refers_to_players_is_handled(tx):
    """Static: each table with a column that refers to a player is named in erase_user, so a
    table added later without its line there fails here, by name (and, should it hold rows,
    erase_user itself fails on the foreign key and erases nothing)."""
    assert len(await tx.fetch(REFS_SQL)) >= 18
    assert await unhandled(tx) == []
    await tx.execute("create table stardust.zz_new (user_id bigint references stardust.users)")
    await tx.execute("create table stardust.zz_log (rival_user_id bigint)")
    assert await unhandled(tx) == ["stardust.zz_log", "stardust.zz_new"]


async def test_retry_is_idempotent_and_unknown_players_are_zero(conn):
    await load_catalogue(conn)
    await player_with_team(conn, X)
    units = await conn.fetchval("select count(*) from stardust.inventory")
    first = await erase(conn, X, "req-1")
    assert first["users"] == (1, 0) and first["inventory"] == (units, 0)
    async with unchanged(conn):
        assert await erase(conn, X, "req-1") == first
    # a new request finds nobody: zero counts, recorded
    again = await erase(conn, X, "req-2")
    assert set(again) == set(first) and set(again.values()) == {(0, 0)}
    # the player comes back (a fresh player) and the old request is still the old answer
    await conn.fetchrow("select * from stardust.get_user($1)", X)
    assert await erase(conn, X, "req-1") == first
    assert await conn.fetchval("select count(*) from stardust.users where user_id = $1", X) == 1
    assert await conn.fetchval("select count(*) from stardust.erasures where user_hash = $1",
                               user_hash(X)) == 2
    # without a request id every call is its own erasure
    await erase(conn, X)
    await erase(conn, X)
    assert await conn.fetchval("select count(*) from stardust.erasures where user_hash = $1"
                               " and request_id is null", user_hash(X)) == 2
    await assert_ledger_balanced(conn)


async def test_bad_input_changes_nothing(conn):
    await conn.fetchrow("select * from stardust.get_user($1)", X)
    async with unchanged(conn):
        for uid, rid in ((None, None), (0, None), (-5, "r"), (X, ""), (X, "x" * 101)):
            with sqlstate("SDARG"):
                await erase(conn, uid, rid)


async def test_the_bot_can_erase_but_not_touch_the_ledger(conn, bot_conn):
    await conn.fetchrow("select * from stardust.get_user($1)", X)
    await conn.fetchrow("select * from stardust.get_user($1)", A)
    # the marker is no key: the bot has no privilege on the ledger at all
    async with unchanged(conn):
        async with bot_conn.transaction():
            await bot_conn.execute(f"set local stardust.erasing = '{A}'")
            with sqlstate("42501"):
                async with bot_conn.transaction():
                    await bot_conn.execute("delete from stardust.ledger where user_id = $1", A)
    counts = await erase(bot_conn, X, "bot-1")
    assert counts["users"] == (1, 0) and counts["ledger"] == (1, 0)
    assert await referring_rows(conn, X) == {}
    await assert_ledger_balanced(conn)


async def test_the_ledger_stays_append_only_outside_an_erase(conn):
    await conn.fetchrow("select * from stardust.get_user($1)", X)
    await conn.fetchrow("select * from stardust.get_user($1)", A)
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.execute("delete from stardust.ledger where user_id = $1", A)
        async with conn.transaction():
            # the marker lets only the named player's rows go, and never an UPDATE
            await conn.execute(f"set local stardust.erasing = '{X}'")
            for sql in (f"delete from stardust.ledger where user_id = {A}",
                        f"update stardust.ledger set gems_delta = 1 where user_id = {X}",
                        "truncate stardust.ledger"):
                with sqlstate("SDARG"):
                    async with conn.transaction():
                        await conn.execute(sql)
    # erase_user clears the marker behind it
    async with conn.transaction():
        await erase(conn, X)
        assert await conn.fetchval("select current_setting('stardust.erasing', true)") == ""


# --- races ---------------------------------------------------------------------------------
async def wait_until_blocked(conn, pid: int) -> None:
    """Poll (a condition, not a timed assertion) until backend `pid` waits for a lock; a
    backend that never does fails the test instead of hanging it."""
    for _ in range(3000):
        if await conn.fetchval("select wait_event_type = 'Lock' from pg_stat_activity"
                               " where pid = $1", pid):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"backend {pid} never waited for a lock")


async def test_erase_waits_for_a_pull_in_flight_and_erases_it(conn, connections):
    await load_catalogue(conn)
    await conn.fetchrow("select * from stardust.get_user($1)", X)
    puller, eraser = await connections(2, as_bot=True)
    tr = puller.transaction()
    await tr.start()
    await puller.fetch("select * from stardust.pull($1, 10)", X)
    erasing = asyncio.create_task(erase(eraser, X))
    await wait_until_blocked(conn, eraser.get_server_pid())
    await tr.commit()
    counts = await erasing
    assert counts["pulls"] == (1, 0) and counts["users"] == (1, 0)
    assert await referring_rows(conn, X) == {}
    await assert_ledger_balanced(conn)


async def test_a_pull_after_the_erase_finds_nobody_and_starts_afresh(conn, connections):
    await load_catalogue(conn)
    await player_with_team(conn, X)
    await conn.fetch("select * from stardust.pull($1, 1)", X)
    puller, eraser = await connections(2, as_bot=True)
    tr = eraser.transaction()
    await tr.start()
    await erase(eraser, X)
    pulling = asyncio.create_task(puller.fetch("select * from stardust.pull($1, 1)", X))
    await wait_until_blocked(conn, puller.get_server_pid())
    await tr.commit()
    await pulling
    # a fresh player: the signup grant and one pull, nothing of before
    assert await conn.fetchval("select count(*) from stardust.inventory where user_id = $1",
                               X) == 1
    assert await conn.fetchval("select count(*) from stardust.pulls where user_id = $1", X) == 1
    reasons = [r[0] for r in await conn.fetch(
        "select reason from stardust.ledger where user_id = $1 order by id", X)]
    assert reasons[0] == "signup" and "pull" in reasons
    await assert_ledger_balanced(conn)


async def test_many_pulls_racing_an_erase_keep_every_invariant(conn, connections):
    await load_catalogue(conn)
    await conn.fetchrow("select * from stardust.get_user($1)", X)
    conns = await connections(6, as_bot=True)

    async def pulls(c, n):
        for i in range(n):
            await c.fetch("select * from stardust.pull($1, 1, null, $2)", X,
                          f"{c.get_server_pid()}-{i}")

    await asyncio.gather(*(pulls(c, 2) for c in conns[:5]), erase(conns[5], X, "race"))
    await assert_ledger_balanced(conn)
    # whatever is left is a fresh player, consistent with itself
    n_pulls = await conn.fetchval("select count(*) from stardust.pulls where user_id = $1", X)
    if n_pulls:
        assert await conn.fetchval("select count(*) from stardust.ledger where user_id = $1"
                                   " and reason = 'signup'", X) == 1
        assert await conn.fetchval("select pulls_made from stardust.users where user_id = $1",
                                   X) == n_pulls


async def test_pvp_against_a_player_being_erased(conn, connections):
    """A battle in flight against X holds X's key: the erase waits and then anonymises it.
    A battle that comes while the erase holds X waits and finds no team (SDTEM), never a
    foreign-key error."""
    await load_catalogue(conn, n_ssr=12)
    await player_with_team(conn, X)
    await player_with_team(conn, A)
    fighter, eraser = await connections(2, as_bot=True)
    tr = fighter.transaction()
    await tr.start()
    battle = await fighter.fetchrow("select * from stardust.battle_pvp($1, $2)", A, X)
    erasing = asyncio.create_task(erase(eraser, X))
    await wait_until_blocked(conn, eraser.get_server_pid())
    await tr.commit()
    assert (await erasing)["battles"] == (0, 1)
    assert await conn.fetchval("select defender_id from stardust.battles where id = $1",
                               battle["battle_id"]) is None

    await player_with_team(conn, B)
    tr = eraser.transaction()
    await tr.start()
    await erase(eraser, B)
    fighting = asyncio.create_task(
        fighter.fetchrow("select * from stardust.battle_pvp($1, $2)", A, B))
    await wait_until_blocked(conn, fighter.get_server_pid())
    await tr.commit()
    with sqlstate("SDTEM"):
        await fighting


async def test_a_player_who_comes_back_never_redraws_what_they_saw(conn):
    """A returning player restarts at nonce 0 with their id as client seed: under the same
    server seed their draws would repeat, known in advance. Erasing a player who drew with
    the active seed reveals it and starts a new one; erasing one who did not changes no
    seed."""
    await load_catalogue(conn)
    active = "select id from stardust.server_seeds where revealed_at is null"
    await conn.fetchrow("select * from stardust.get_user($1)", A)   # never drew
    seed = await conn.fetchval(active)
    await erase(conn, A)
    assert await conn.fetchval(active) == seed
    first = [tuple(r[:4]) for r in await conn.fetch(
        "select * from stardust.pull($1, 10)", X)]
    assert await conn.fetchval(active) == seed
    await erase(conn, X)
    assert await conn.fetchval(active) != seed
    assert await conn.fetchval("select revealed_at is not null from stardust.server_seeds"
                               " where id = $1", seed)
    again = [tuple(r[:4]) for r in await conn.fetch(
        "select * from stardust.pull($1, 10)", X)]
    assert again != first
    assert await conn.fetchval("select nonce from stardust.users where user_id = $1", X) == 10
