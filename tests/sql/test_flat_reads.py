"""Flat reads (issue 12): the unit counters and team_power kept on users, the unit's copied
rarity/power/name, the inventory's keyset paging, the leaderboard and the expedition
multiplier fixed at start."""

import json
import random
from pathlib import Path

import asyncpg
import pytest

from tests.helpers import characters, load_catalogue, player_with_team, sqlstate

RECOUNT = """
select u.user_id,
       (u.units_total, u.units_r, u.units_sr, u.units_ssr, u.team_power) as kept,
       ((select count(*) from stardust.inventory i where i.user_id = u.user_id)::integer,
        (select count(*) from stardust.inventory i join stardust.characters c using (anilist_id)
          where i.user_id = u.user_id and c.rarity = 'R')::integer,
        (select count(*) from stardust.inventory i join stardust.characters c using (anilist_id)
          where i.user_id = u.user_id and c.rarity = 'SR')::integer,
        (select count(*) from stardust.inventory i join stardust.characters c using (anilist_id)
          where i.user_id = u.user_id and c.rarity = 'SSR')::integer,
        (select coalesce(sum(stardust.unit_power(c.true_power, i.dupe_level, i.bond_level,
                                                 u.team_level)), 0)::bigint
           from stardust.inventory i join stardust.characters c using (anilist_id)
          where i.user_id = u.user_id and i.team_slot is not null)) as counted
  from stardust.users u
"""
COPIES = """
select i.id from stardust.inventory i join stardust.characters c using (anilist_id)
 where (i.char_rarity, i.char_power, i.char_name) is distinct from (c.rarity, c.true_power, c.name)
    or i.power_key <> c.true_power::bigint * (20 + i.dupe_level) * (200 + i.bond_level)
"""


async def assert_exact(conn):
    bad = [(r["user_id"], r["kept"], r["counted"]) for r in await conn.fetch(RECOUNT)
           if tuple(r["kept"]) != tuple(r["counted"])]
    assert not bad, f"counters differ from a recount: {bad}"
    assert await conn.fetch(COPIES) == []
    # the leaderboards equal their recomputation from the units
    for kind, col in (("team_power", 4), ("collection", 0)):
        want = sorted(((tuple(r["counted"])[col], r["user_id"])
                       for r in await conn.fetch(RECOUNT)), key=lambda x: (-x[0], x[1]))
        want = [w for w in want if w[0] > 0][:10]
        got = await conn.fetch("select * from stardust.leaderboard($1, 10)", kind)
        assert [(r["value"], r["user_id"]) for r in got] == want
        for r in got:
            assert r["rank"] == 1 + sum(1 for w in want if w[0] > r["value"])


async def test_upsert_counts_only_rows_truly_inserted(conn):
    """INSERT ... ON CONFLICT DO UPDATE: the insert trigger's transition table holds the
    inserted rows only (the updated ones reach the update trigger), so pulls count right."""
    await load_catalogue(conn, n_ssr=2, n_sr=2, n_r=4)
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.execute("insert into stardust.inventory (user_id, anilist_id)"
                       " values (1, 1000), (1, 1002)")
    await conn.execute("""
        insert into stardust.inventory as inv (user_id, anilist_id, dupe_level)
        select 1, a, 1 from unnest(array[1000, 1002, 1004, 1005]) a
        on conflict (user_id, anilist_id) do update set dupe_level = inv.dupe_level + 1""")
    row = await conn.fetchrow("select units_total, units_r, units_sr, units_ssr"
                              " from stardust.users where user_id = 1")
    assert tuple(row) == (4, 2, 1, 1)
    await assert_exact(conn)


async def test_a_pull_counts_its_new_units_in_one_users_update(conn):
    """A pull adds its new units to the counters in its own users update (the units come in
    precounted and the insert trigger skips them): one users row version per 10-pull, and
    the counters stay exact, a second copy of a new character in the same pull included.
    Units inserted any other way (the SQL editor) are still counted by the trigger."""
    # 8 characters for 10 draws: some character comes twice, new the first time
    await load_catalogue(conn, n_ssr=1, n_sr=1, n_r=6)
    await conn.execute("select stardust.grant(1, 1000000)")
    # no achievement to measure (the pull's other users update, when a threshold may be
    # reached, is not what this test is about)
    await conn.execute("delete from stardust.achievements;"
                       " update stardust.users set ach_next = '{}' where user_id = 1")
    await conn.execute("create table public.users_updates (n integer not null)")
    await conn.execute("""
        create function public.count_users_update() returns trigger language plpgsql as
        $$ begin insert into public.users_updates values (1); return null; end $$;
        create trigger count_users_update after update on stardust.users
          for each row execute function public.count_users_update()""")
    try:
        units = await conn.fetch("select * from stardust.pull(1, 10, p_request_id => 'p1')")
        new = {u["anilist_id"] for u in units if u["outcome"] == "new"}
        assert new and any(u["outcome"] == "dupe" and u["anilist_id"] in new for u in units)
        assert await conn.fetchval("select count(*) from public.users_updates") == 1
        assert await conn.fetchval("select bool_and(precounted) from stardust.inventory"
                                   " where user_id = 1")
        await assert_exact(conn)
        # the SQL editor's insert is counted by the trigger (precounted defaults to false)
        await conn.fetchrow("select * from stardust.get_user(2)")
        await conn.execute("insert into stardust.inventory (user_id, anilist_id)"
                           " select 2, anilist_id from stardust.characters")
        assert await conn.fetchval("select units_total from stardust.users where user_id = 2"
                                   ) == 8
    finally:
        await conn.execute("drop trigger count_users_update on stardust.users;"
                           " drop function public.count_users_update();"
                           " drop table public.users_updates")
    await assert_exact(conn)


async def test_catalogue_changes_move_the_counters_and_team_power(conn):
    """An admin override of a character's rarity or power (SQL editor, is_overridden) and a
    re-import that moves a character across a rank boundary reach every holder."""
    chars = await load_catalogue(conn, n_ssr=6, n_sr=4, n_r=4)
    units = await player_with_team(conn, 1, n_team=3, n_bench=2)
    await player_with_team(conn, 2, n_team=2, n_bench=1)
    await conn.execute("insert into stardust.inventory (user_id, anilist_id)"
                       " select u, anilist_id from stardust.characters, (values (1), (2)) v(u)"
                       " where rarity = 'R'")
    await assert_exact(conn)
    before = await conn.fetchval("select team_power from stardust.users where user_id = 1")
    # an override: an R becomes SSR, a team member's power doubles
    await conn.execute("update stardust.characters set rarity = 'SSR', is_overridden = true"
                       " where anilist_id = 1010")
    team_aid = await conn.fetchval("select anilist_id from stardust.inventory where id = $1",
                                   units["team"][0])
    await conn.execute("update stardust.characters set true_power = true_power * 2,"
                       " is_overridden = true where anilist_id = $1", team_aid)
    assert await conn.fetchval("select team_power from stardust.users where user_id = 1") > before
    await assert_exact(conn)
    # a re-import: a former SR climbs to SSR rank, an SSR falls to R, favourites change power
    moved = [dict(c) for c in chars]
    for c in moved:
        c["favorites"] += 50_000
    moved[6]["rank"], moved[1]["rank"] = 3, 2000
    await conn.execute("select stardust.upsert_characters($1::jsonb)", json.dumps(moved))
    await assert_exact(conn)
    # the team level multiplies every team unit
    await conn.execute("update stardust.users set team_level = 7 where user_id = 1")
    await assert_exact(conn)
    # admin deletes and edits across players in one statement
    await conn.execute("delete from stardust.inventory where anilist_id = 1011")
    await conn.execute("update stardust.inventory set user_id = 2"
                       " where user_id = 1 and anilist_id = 1004")
    await assert_exact(conn)


async def test_a_random_mix_of_every_mutating_function_keeps_them_exact(conn):
    rng = random.Random(1215)
    chars = characters(n_ssr=10, n_sr=15, n_r=30)
    for c in chars[:8]:
        c["ability_tags"] = ["Master of Coin"]
    await conn.execute("select stardust.upsert_characters($1::jsonb)", json.dumps(chars))
    banner = await conn.fetchval(
        "select id from stardust.create_banner('mix', array[1000, 1010],"
        " stardust._now() + interval '9 days',"
        " p_spark_cost => 3)")
    players = [11, 12, 13, 14, 15]
    for p in players:
        await conn.fetchrow("select * from stardust.get_user($1)", p)
        await conn.execute("select stardust.grant($1, 2000000, 100000)", p)
        await conn.execute("select stardust.grant_item($1, 'bond_large', 50)", p)
        await conn.execute("select stardust.grant_item($1, 'ssr_token', 20)", p)

    async def units(p, where="true"):
        return [r[0] for r in await conn.fetch(
            f"select id from stardust.inventory where user_id = $1 and {where} order by id", p)]

    async def op(name, p):
        mine = await units(p)
        free = await units(p, "team_slot is null and expedition_slot is null")
        pick = (lambda xs, k=1: rng.sample(xs, min(k, len(xs))))
        rid = f"r{rng.random()}"
        if name == "pull":
            await conn.fetch("select * from stardust.pull($1, $2, $3, $4)", p,
                             rng.choice([1, 10]), rng.choice([None, banner]), rid)
        elif name == "spark":
            await conn.fetch("select * from stardust.spark($1, $2, 1000, $3)", p, banner, rid)
        elif name == "claim_starter":
            await conn.fetch("select * from stardust.claim_starter($1, $2)", p, rid)
        elif name == "shop_buy":
            await conn.fetch("select * from stardust.shop($1)", p)
            await conn.fetch("select * from stardust.shop_buy($1, $2, $3)", p,
                             rng.randint(1, 3), rid)
        elif name == "scrap":
            await conn.fetch("select * from stardust.scrap($1, $2::bigint[], $3)", p,
                             pick(free, 3), rid)
        elif name == "mass_scrap":
            await conn.fetch("select * from stardust.mass_scrap($1, $2, $3)", p,
                             rng.choice(["R", "SR"]), rid)
        elif name == "set_team":
            await conn.fetch("select * from stardust.set_team($1, $2::bigint[], $3)", p,
                             pick(free + await units(p, "team_slot is not null"), 5), rid)
        elif name == "presets":
            await conn.fetch("select * from stardust.save_preset($1, 'a', $2)", p, rid)
            await conn.fetch("select * from stardust.set_team($1, $2::bigint[])", p,
                             pick(free, 3))
            await conn.fetch("select * from stardust.load_preset($1, 'a', $2)", p, rid + "l")
        elif name == "set_locked":
            await conn.fetch("select stardust.set_locked($1, $2::bigint[], $3, $4)", p,
                             pick(mine, 4), rng.random() < 0.3, rid)
        elif name == "gift_bond":
            await conn.fetch("select * from stardust.gift_bond($1, $2, 'bond_large', $3, $4)",
                             p, pick(await units(p, "team_slot is not null") or mine)[0],
                             rng.randint(1, 3), rid)
        elif name == "use_token":
            ssr = await units(p, "char_rarity = 'SSR' and dupe_level < 10")
            await conn.fetch("select * from stardust.use_token($1, $2, $3)", p, pick(ssr)[0],
                             rid)
        elif name == "expedition":
            await conn.fetch("select * from stardust.expedition_start($1, $2::bigint[], $3)",
                             p, pick(free, 3), rid)
        elif name == "expedition_claim":
            await conn.execute("update stardust.expeditions set last_claim_at = last_claim_at"
                               " - interval '30 days', started_at = started_at"
                               " - interval '30 days' where user_id = $1", p)
            await conn.fetch("select * from stardust.%s($1, $2)"
                             % rng.choice(["expedition_claim", "expedition_stop"]), p, rid)
        elif name == "admin_level":
            await conn.execute("update stardust.users set team_level = $2 where user_id = $1",
                               p, rng.randint(1, 60))
        elif name == "admin_delete":
            await conn.execute("delete from stardust.inventory where id = any($1::bigint[])",
                               pick(free, 2))
        elif name == "admin_override":
            await conn.execute("update stardust.characters set rarity = $2, true_power = $3,"
                               " is_overridden = true where anilist_id = $1",
                               rng.choice(chars)["anilist_id"], rng.choice(["R", "SR", "SSR"]),
                               rng.randint(1000, 20000))
        elif name == "reimport":
            again = [dict(c, favorites=rng.randint(0, 90000),
                          rank=rng.choice([c["rank"], rng.randint(1, 3000)])) for c in chars]
            await conn.execute("select stardust.upsert_characters($1::jsonb)",
                               json.dumps(again))
        elif name == "erase":
            await conn.fetch("select * from stardust.erase_user($1)", p)
            await conn.fetchrow("select * from stardust.get_user($1)", p)
            await conn.execute("select stardust.grant($1, 2000000, 100000)", p)
        else:
            raise AssertionError(name)

    kinds = ["pull", "pull", "pull", "spark", "claim_starter", "shop_buy", "scrap",
             "mass_scrap", "set_team", "set_team", "presets", "set_locked", "gift_bond",
             "use_token", "expedition", "expedition_claim", "admin_level", "admin_delete",
             "admin_override", "reimport", "erase"]
    done: dict[str, int] = {}
    failed = 0
    for step in range(260):
        name = "erase" if step % 90 == 89 else rng.choice(kinds[:-1])
        try:
            async with conn.transaction():
                await op(name, rng.choice(players))
            done[name] = done.get(name, 0) + 1
        except (asyncpg.PostgresError, IndexError) as exc:
            failed += 1
            if name == "erase":
                raise AssertionError("erase_user failed") from exc        # a refused call (not enough points, nothing to pick) is fine
        if step % 20 == 0:
            await assert_exact(conn)
    await assert_exact(conn)
    # the mix really ran: most calls succeeded and every kind succeeded at least once
    assert sum(done.values()) >= 0.6 * 260, (done, failed)
    assert set(done) == set(kinds), set(kinds) - set(done)
    assert await conn.fetchval("select sum(units_total) from stardust.users") > 30


@pytest.fixture
async def collection(conn):
    """40 units of player 1 with varied dupes and bonds, several sharing a date and names."""
    chars = characters(n_ssr=8, n_sr=12, n_r=20)
    for i, c in enumerate(chars):
        c["name"] = f"Name {i % 7}"                     # ties on the name
    await conn.execute("select stardust.upsert_characters($1::jsonb)", json.dumps(chars))
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetchrow("select * from stardust.get_user(2)")
    await conn.execute("""
        insert into stardust.inventory (user_id, anilist_id, dupe_level, bond_level, obtained_at)
        select 1, anilist_id, (anilist_id * 7) % 11, 1 + (anilist_id * 3) % 5,
               timestamptz '2026-01-01' + ((anilist_id % 6) * interval '1 day')
          from stardust.characters""")
    await conn.execute("insert into stardust.inventory (user_id, anilist_id)"
                       " select 2, anilist_id from stardust.characters limit 3")
    return await conn.fetch("select * from stardust.inventory where user_id = 1")


def reference(rows, sort, rarity):
    rank = {"SSR": 3, "SR": 2, "R": 1}
    rows = [r for r in rows if rarity is None or r["char_rarity"] == rarity]
    date = lambda r: (r["obtained_at"], r["id"])                  # noqa: E731
    keys = {"date": lambda r: date(r),
            "power": lambda r: (r["power_key"],) + date(r),
            "rarity": lambda r: (rank[r["char_rarity"]], r["power_key"]) + date(r),
            "dupes": lambda r: (r["dupe_level"],) + date(r)}
    if sort == "name":
        rows = sorted(rows, key=date, reverse=True)
        return [r["id"] for r in sorted(rows, key=lambda r: r["char_name"])]
    return [r["id"] for r in sorted(rows, key=keys[sort], reverse=True)]


@pytest.mark.parametrize("rarity", [None, "R", "SR", "SSR"])
async def test_keyset_pages_equal_offset_pages(conn, collection, rarity):
    for sort in ("date", "power", "rarity", "name", "dupes"):
        want = reference(collection, sort, rarity)
        q = "select * from stardust.inventory(1, $1, $2, 7, $3, p_after => $4, p_before => $5)"
        by_offset, pages, after = [], [], None
        for off in range(0, len(want) + 7, 7):
            by_offset += [r["inventory_id"] for r in await conn.fetch(q, sort, rarity, off,
                                                                     None, None)]
        while True:
            page = await conn.fetch(q, sort, rarity, 0, after, None)
            if not page:
                break
            assert {r["total"] for r in page} == {len(want)}
            pages.append([r["inventory_id"] for r in page])
            after = page[-1]["inventory_id"]
        assert by_offset == want, sort
        assert sum(pages, []) == want, sort
        # and back again with p_before, page by page
        for prev, nxt in zip(pages, pages[1:]):
            back = await conn.fetch(q, sort, rarity, 0, None, nxt[0])
            assert [r["inventory_id"] for r in back] == prev, sort
        shown = [r["power"] for r in await conn.fetch(q, "power", rarity, 0, None, None)]
        assert shown == sorted(shown, reverse=True)


async def test_keyset_cursor_must_be_one_of_the_players_units(conn, collection):
    other = await conn.fetchval("select id from stardust.inventory where user_id = 2 limit 1")
    for bad in (other, 10**12):
        with sqlstate("SDOWN"):
            await conn.fetch("select * from stardust.inventory(1, p_after => $1)", bad)
    with sqlstate("SDARG"):
        await conn.fetch("select * from stardust.inventory(1, p_after => $1, p_before => $1)",
                         collection[0]["id"])


async def test_expedition_multiplier_is_fixed_at_start(conn):
    """Master of Coin counts every owned unit: read once when the expedition starts, so a
    Master of Coin pulled (or scrapped) while it is out changes nothing until the next one."""
    await load_catalogue(conn, n_ssr=12, n_sr=2, n_r=2)
    await conn.execute("update stardust.characters set ability_tags = '{Master of Coin}'"
                       " where anilist_id in (1000, 1011)")
    units = await player_with_team(conn, 1, n_team=0, n_bench=6)
    await conn.fetch("select * from stardust.expedition_start(1, $1::bigint[])",
                     units["bench"][1:4])
    assert float((await conn.fetchrow("select * from stardust.expedition_status(1)"))
                 ["multiplier"]) == 1.1
    await conn.execute("insert into stardust.inventory (user_id, anilist_id) values (1, 1011)")
    await conn.execute("delete from stardust.inventory where id = $1", units["bench"][0])
    assert float((await conn.fetchrow("select * from stardust.expedition_status(1)"))
                 ["multiplier"]) == 1.1
    await conn.execute("update stardust.expeditions"
                       " set last_claim_at = stardust._now() - interval '2 h'")
    await conn.fetch("select * from stardust.expedition_stop(1)")
    await conn.fetch("select * from stardust.expedition_start(1, $1::bigint[])",
                     units["bench"][1:4])
    assert float((await conn.fetchrow("select * from stardust.expedition_status(1)"))
                 ["multiplier"]) == 1.1                # one Master of Coin out, one in


async def test_migration_backfills_counters_copies_and_bonus(make_db):
    """Rolled back to 0013, data written the old way, migrated forward: everything kept on
    users, units and expeditions starts exact."""
    from bot import migrate
    url = make_db("backfill", template=None)
    migrate.migrate(url)
    later = sorted(p.name for p in (Path(migrate.__file__).parents[1] / "sql" / "migrations")
                   .glob("0*.sql") if not p.name.endswith(".rollback.sql")
                   and p.name >= "0015")               # 0015 and every migration after it
    assert migrate.rollback(url, count=len(later))[-1].startswith("0015_")
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("""
            insert into stardust.characters (anilist_id, name, rank, rarity, true_power,
                                             ability_tags)
            select g, 'C' || g, g, case when g < 3 then 'SSR' when g < 6 then 'SR' else 'R' end,
                   1000 * g, case when g % 4 = 0 then '{Master of Coin}'::text[] else '{}' end
              from generate_series(1, 12) g;
            insert into stardust.users (user_id, team_level) values (1, 3), (2, 1), (3, 9);
            insert into stardust.inventory (user_id, anilist_id, dupe_level, bond_level,
                                            team_slot, expedition_slot)
            select u, g, g % 11, 1 + g % 7,
                   case when g <= 3 then g end, case when g between 4 and 5 then g - 3 end
              from generate_series(1, 2) u cross join generate_series(1, 12) g;
            insert into stardust.expeditions (user_id) values (1);""")
    finally:
        await conn.close()
    migrate.migrate(url)
    conn = await asyncpg.connect(url)
    try:
        await assert_exact(conn)
        assert float(await conn.fetchval("select owned_bonus from stardust.expeditions")) == 0.3
    finally:
        await conn.close()
