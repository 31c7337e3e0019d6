"""Row locks across players (issue 11 section 5): no function locks another player's row
that it was not asked to change, and the inventory rows it does lock are taken in ascending
id, so players naming each other's units never deadlock (40P01)."""

import asyncio
import random
import re

import asyncpg

from tests.helpers import assert_ledger_balanced, load_catalogue, player_with_team, sqlstate


async def waiting_on_lock(observer: asyncpg.Connection, pid: int) -> bool:
    return await observer.fetchval(
        "select wait_event_type = 'Lock' from pg_stat_activity where pid = $1", pid) or False


async def until_waiting_or_done(observer, conn, task, what):
    """Poll pg_stat_activity (never a sleep as a proof) until `conn`'s statement waits on a
    lock or `task` has finished."""
    pid = conn.get_server_pid()
    for _ in range(2000):
        if task.done() or await waiting_on_lock(observer, pid):
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"{what} neither waited nor finished")


async def outcome(task):
    try:
        return await task
    except asyncpg.PostgresError as exc:
        return exc.sqlstate


async def test_set_locked_on_anothers_units_never_deadlocks_the_owners_set_team(conn,
                                                                                 connections):
    """The issue's forced interleaving: session C holds the owner's lower unit; another
    player's set_locked names both units, the owner's set_team swaps the team from the lower
    to the higher one; C rolls back. Before the fix set_locked queued on the owner's rows
    and set_team died with 40P01 every time."""
    await load_catalogue(conn, n_ssr=6)
    owner = await player_with_team(conn, 1, n_team=1, n_bench=1)
    await conn.fetchrow("select * from stardust.get_user(2)")
    lo, hi = owner["team"][0], owner["bench"][0]
    assert lo < hi
    c, them, me = await connections(3, as_bot=False)
    (observer,) = await connections(1)

    await c.execute("begin")
    await c.execute("select 1 from stardust.inventory where id = $1 for update", lo)
    locker = asyncio.ensure_future(
        them.fetchval("select stardust.set_locked(2, $1::bigint[])", [lo, hi]))
    await until_waiting_or_done(observer, them, locker, "set_locked")
    teamer = asyncio.ensure_future(
        me.fetch("select * from stardust.set_team(1, $1::bigint[])", [hi]))
    await until_waiting_or_done(observer, me, teamer, "set_team")
    assert not teamer.done(), "set_team must wait for C's lock on the old member"
    await c.execute("rollback")

    team, locked = await outcome(teamer), await outcome(locker)
    assert locked == "SDOWN", f"set_locked on another player's units: {locked}"
    assert not isinstance(team, str), f"set_team failed: {team}"
    assert [r["inventory_id"] for r in team] == [hi]
    assert await conn.fetchval("select count(*) from stardust.inventory where is_locked") == 0


async def test_naming_anothers_unit_takes_no_lock_on_it(conn, connections):
    """A unit held by its owner's open transaction does not make another player wait: each
    function that takes unit ids refuses at once with SDOWN."""
    await load_catalogue(conn, n_ssr=6)
    owner = await player_with_team(conn, 1, n_team=1, n_bench=2)
    await player_with_team(conn, 2, n_team=0, n_bench=0)
    unit = owner["bench"][0]
    holder, other = await connections(2)
    await holder.execute("begin")
    await holder.execute("select 1 from stardust.inventory where id = $1 for update", unit)
    await other.execute("set lock_timeout = '5s'")        # a failure, not a hang
    for sql in ("select stardust.set_locked(2, $1::bigint[])",
                "select * from stardust.set_team(2, $1::bigint[])",
                "select * from stardust.scrap(2, $1::bigint[])",
                "select * from stardust.expedition_start(2, $1::bigint[])"):
        with sqlstate("SDOWN"):
            await other.fetch(sql, [unit])
    for sql in ("select * from stardust.gift_bond(2, $1, 'bond_small')",
                "select * from stardust.use_token(2, $1)"):
        await other.execute("select stardust.grant_item(2, 'bond_small', 1)")
        await other.execute("select stardust.grant_item(2, 'ssr_token', 1)")
        with sqlstate("SDOWN"):
            await other.fetch(sql, unit)
    await holder.execute("rollback")


async def test_random_race_of_players_naming_each_others_units(conn, connections):
    """Several players at once, each set_team / set_locked / scrap / expedition_start /
    expedition_stop on a mix of their own and other players' units: no deadlock, only game
    errors, and the invariants hold afterwards."""
    await load_catalogue(conn, n_ssr=40, n_sr=10, n_r=10)
    players = [1, 2, 3]
    owned = {}
    for p in players:
        await conn.fetchrow("select * from stardust.get_user($1)", p)
        owned[p] = [r[0] for r in await conn.fetch(
            "insert into stardust.inventory (user_id, anilist_id)"
            " select $1, anilist_id from stardust.characters where rarity = 'SSR'"
            " order by anilist_id limit 10 returning id", p)]
    # a few units per player carry most of the traffic, so calls collide
    hot = {p: ids[:2] for p, ids in owned.items()}
    every = sorted(u for ids in hot.values() for u in ids)
    workers = await connections(12, as_bot=True)
    allowed = {"SDOWN", "SDLCK", "SDDON", "SDARG", "SDTEM"}
    errors: list[str] = []

    async def play(c, seed):
        r = random.Random(seed)
        for _ in range(150):
            p = r.choice(players)
            op = r.choice(["team", "team", "lock", "lock", "unlock", "scrap", "expedition",
                           "stop"])
            # the owner mostly reshuffles their own hot units (swapping the team from one to
            # another); the others name them alongside their own, in any order
            ids = r.sample(hot[p] if r.random() < 0.8 else owned[p], r.randint(1, 2))
            if op != "team" or r.random() < 0.2:
                for _ in range(r.randint(1, 3)):
                    ids.insert(r.randint(0, len(ids)), r.choice(every))
            ids = list(dict.fromkeys(ids))
            try:
                if op == "team":
                    await c.fetch("select * from stardust.set_team($1, $2::bigint[])", p,
                                  ids[:5])
                elif op in ("lock", "unlock"):
                    await c.fetchval("select stardust.set_locked($1, $2::bigint[], $3)", p,
                                     ids, op == "lock")
                elif op == "scrap":
                    await c.fetch("select * from stardust.scrap($1, $2::bigint[])", p, ids)
                elif op == "expedition":
                    await c.fetch("select * from stardust.expedition_start($1, $2::bigint[])",
                                  p, ids[:5])
                else:
                    await c.fetch("select * from stardust.expedition_stop($1)", p)
            except asyncpg.PostgresError as exc:
                if exc.sqlstate not in allowed:
                    errors.append(f"{op}: {exc.sqlstate} {exc}")

    await asyncio.gather(*(play(c, seed) for seed, c in enumerate(workers)))
    assert not errors, errors[:5]
    # invariants: nothing changed owner, no unit both teamed and away, one slot per unit,
    # expeditions and their units agree, scrapped units are gone and were never locked
    bad = await conn.fetch("""
        select i.id from stardust.inventory i
         where (i.team_slot is not null and i.expedition_slot is not null)
            or (i.expedition_slot is not null
                and not exists (select 1 from stardust.expeditions e
                                 where e.user_id = i.user_id))""")
    assert not bad, [r[0] for r in bad]
    assert not await conn.fetch("""
        select e.user_id from stardust.expeditions e
         where not exists (select 1 from stardust.inventory i
                            where i.user_id = e.user_id and i.expedition_slot is not null)""")
    for p in players:
        left = {r[0] for r in await conn.fetch(
            "select id from stardust.inventory where user_id = $1", p)}
        scrapped = {r[0] for r in await conn.fetch(
            "select unnest(inventory_ids) from stardust.scrap_log where user_id = $1", p)}
        assert left | scrapped == set(owned[p]) and not left & scrapped, p
    await assert_ledger_balanced(conn)


# Every row lock a function takes explicitly, and why. A function locking rows that is not
# listed here fails the audit below: add it only with the reason it is allowed to.
# Global order: users rows ascending -> guild/shared rows -> inventory rows ascending id.
LOCKS = {
    "_lock_user": "the caller's own users row (FOR NO KEY UPDATE, so other transactions' "
                  "foreign-key checks, e.g. a PvP battle naming this player, pass)",
    "_lock_units": "the caller's own inventory rows, ascending id, only `user_id = "
                   "p_user_id` (never another player's)",
    "_bounty_board": "the guild row (shared), after the user's lock, to make one board",
    "raid_attack": "the raid row (shared), after the user's lock, so the boss's HP is exact",
    "redeem_code": "the gift code row (shared), after the user's lock, so the limit is exact",
    "end_raid": "CROSS-PLAYER, needed: every attacker's users row ascending, then the raid "
                "row, to pay each their share of the rewards (admin/bot closing a raid)",
    "set_setting": "the settings row (admin only, no player rows)",
    "battle_pvp": "CROSS-PLAYER, key share only: the opponent's users row FOR KEY SHARE, "
                  "after the attacker's own lock (what the defender_id foreign key takes "
                  "anyway): it blocks only an erase of the opponent, never their play",
    "pull": "the caller's own users row FOR NO KEY UPDATE, as _lock_user (which it calls only "
            "for a player seen for the first time): one statement on the hot path",
    "erase_user": "the erased player's own users row FOR UPDATE (the row is deleted)",
    "take_notifications": "the caller's own users row (FOR NO KEY UPDATE, as _lock_user, "
                          "without creating it), only when a notification is pending",
    "_characters_sync": "CROSS-PLAYER, admin only (catalogue change): the holders' users rows "
                        "ascending, then their units, to copy a changed rarity/power/name",
}
_LOCK_RE = re.compile(r"\bfor\s+(no\s+key\s+update|key\s+share|update|share)\b", re.I)


async def test_every_row_lock_is_audited(tx):
    """A static audit of every function body for FOR UPDATE / FOR NO KEY UPDATE / FOR
    SHARE / FOR KEY SHARE: each one is in LOCKS with its reason."""
    rows = await tx.fetch("select p.proname, p.prosrc from pg_proc p"
                          " where p.pronamespace = 'stardust'::regnamespace")
    # comments mention the words; strip them first
    locking = {r["proname"] for r in rows
               if _LOCK_RE.search(re.sub(r"--[^\n]*", "", r["prosrc"]))}
    assert locking <= set(LOCKS), f"unaudited row locks in: {sorted(locking - set(LOCKS))}"
    assert set(LOCKS) <= locking, f"stale audit entries: {sorted(set(LOCKS) - locking)}"
