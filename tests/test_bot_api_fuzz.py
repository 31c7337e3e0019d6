"""Every function the bot may call, called AS THE BOT with hostile arguments.

The list of functions is read from the catalogue (every `stardust` function the role
`stardust_bot` may execute), never written down here, so a function added or changed by a later
migration is fuzzed too. Arguments are generated per parameter type: integer extremes, 0, -1,
nulls, empty/huge/two-dimensional/NULL-element arrays, empty/huge/odd-unicode text (without
NUL, which PostgreSQL text cannot hold: the bot layer answers that, tests/test_inputs.py),
JSON of every shape, booleans, and values taken from the seeded database (ids, names, codes)
so calls reach deep code paths.

The property: every call either succeeds or fails with a documented game SQLSTATE (DESIGN.md's
table plus the extensions in docs/API.md), and a failed call changes nothing. Each call runs
in its own transaction, rolled back afterwards, so every example starts from the same seeded
database; hypothesis is derandomized, so CI sees the same calls on every run. The admin
functions (not granted to the bot) get the same treatment as the owner.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import asyncpg
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.helpers import load_catalogue, player_with_team

DESIGN_CODES = {"SDARG", "SDNSF", "SDBNR", "SDOWN", "SDLCK", "SDKEY", "SDDON", "SDSPK", "SDIDM",
                "SDTEM"}
API_MD = Path(__file__).resolve().parent.parent / "docs" / "API.md"
# 40 keeps the module well under a minute; STARDUST_FUZZ_EXAMPLES=1000 for a deeper search
EXAMPLES_PER_FUNCTION = int(os.environ.get("STARDUST_FUZZ_EXAMPLES", "40"))

I32 = 2**31 - 1
I64 = 2**63 - 1
P1, P2, P3 = 7001, 7002, 7003          # seeded players (P3 without a team)
GUILD = 8001


def documented_codes() -> set[str]:
    """DESIGN.md's codes plus every code in docs/API.md's error table."""
    found = set(re.findall(r"^\| (SD[A-Z0-9]{3}) \|", API_MD.read_text(), re.M))
    return DESIGN_CODES | found


# --- the seeded database -------------------------------------------------------------------
async def seed(conn) -> None:
    """A catalogue, three players (two with teams, units of every rarity, items, a preset, an
    expedition, battles), a guild with a bounty board and a raid, a banner, a gift code."""
    await load_catalogue(conn, n_ssr=6, n_sr=8, n_r=12)
    for uid in (P1, P2):
        await player_with_team(conn, uid, n_team=5, n_bench=1, dupe=2)
        await conn.execute(
            "insert into stardust.inventory (user_id, anilist_id)"
            " select $1, anilist_id from stardust.characters where rarity <> 'SSR'", uid)
        await conn.execute("select stardust.grant($1, 50000, 5000, 'seed')", uid)
    await conn.execute("select stardust.get_user($1)", P3)
    await conn.execute(
        "insert into stardust.inventory (user_id, anilist_id)"
        " select $1, anilist_id from stardust.characters where rarity = 'R' limit 3", P3)
    await conn.execute(
        "select stardust.create_banner('Fuzz banner', array[1000, 1006], stardust._now() + interval '7 days')")
    await conn.execute("select stardust.save_preset($1, 'main')", P1)
    await conn.execute(
        "select stardust.grant_item($1, i.item, 3) from stardust.items i", P1)
    await conn.execute("select stardust.battle_npc($1, 'easy')", P1)
    await conn.execute("select stardust.battle_pvp($1, $2)", P1, P2)
    await conn.execute("select stardust.bounty_board($1, $2)", GUILD, P1)
    await conn.execute("select stardust.start_raid($1, 'Fuzz boss', 1000000,"
                       " stardust._now() + interval '1 day')", GUILD)
    await conn.execute("select stardust.raid_attack($1, $2)", P2, GUILD)
    # a raid in another server whose time is up: the bot may end it (not force a running one)
    await conn.execute("select stardust.start_raid($1, 'Fuzz boss', 1000000,"
                       " stardust._now() + interval '1 day')", GUILD + 1)
    await conn.execute("select stardust.raid_attack($1, $2)", P2, GUILD + 1)
    await conn.execute("update stardust.raids set starts_at = stardust._now() - interval '2 days',"
                       " ends_at = stardust._now() - interval '1 minute' where guild_id = $1", GUILD + 1)
    await conn.execute("""select stardust.create_gift_code('FUZZ-1', '{"gems": 100}', 10)""")
    await conn.execute("select stardust.pull($1, 10)", P2)
    bench = await conn.fetchval(
        "select array_agg(id order by id) from stardust.inventory"
        " where user_id = $1 and team_slot is null", P2)
    await conn.execute("select stardust.expedition_start($1, $2::bigint[])", P2, bench[:2])
    await conn.execute("update stardust.expeditions set started_at = stardust._now() - interval '2 hours',"
                       " last_claim_at = stardust._now() - interval '2 hours'")
    await conn.execute("update stardust.users set banner_points = 300, points_banner_id ="
                       " (select max(id) from stardust.banners) where user_id = $1", P1)


@pytest.fixture(scope="module")
async def seeded_url(make_db):
    """One seeded database for this module; every call below is rolled back."""
    url = make_db("fuzz")
    conn = await asyncpg.connect(url)
    try:
        await seed(conn)
    finally:
        await conn.close()
    return url


# --- the catalogue of bot-callable functions -------------------------------------------------
FUNCTIONS_SQL = """
select p.oid::regprocedure::text as sig, p.proname as name,
       array(select coalesce(x.arg, '') from unnest(p.proargnames) with ordinality x(arg, n)
              where coalesce((p.proargmodes)[n], 'i') in ('i', 'b', 'v')
              order by n) as arg_names,
       array(select format_type(t, null)
               from unnest(p.proargtypes::oid[]) with ordinality u(t, n) order by n) as arg_types
  from pg_proc p
 where p.pronamespace = 'stardust'::regnamespace
   and p.prokind = 'f'
   and has_function_privilege('stardust_bot', p.oid, 'execute') = %(bot)s
   and p.proname !~ '^_' and p.prorettype <> 'trigger'::regtype
   and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
 order by 1
"""


def api_functions(dbc: psycopg.Connection, bot: bool) -> list[tuple[str, str, list[str], list[str]]]:
    """The functions granted to the bot, or (bot=False) the admin functions: the other
    functions without a leading underscore."""
    return [tuple(r) for r in dbc.execute(FUNCTIONS_SQL, {"bot": bot}).fetchall()]


# --- argument generators -----------------------------------------------------------------------
def pools(dbc: psycopg.Connection) -> tuple[list[int], list[str]]:
    """Integers and short texts found in the seeded tables: ids, slots, keys, names, codes."""
    ints: set[int] = set()
    texts: set[str] = {"date", "power", "rarity", "name", "dupes", "R", "SR", "SSR", "UR",
                       "team_power", "collection", "easy", "hell", "pvp", "main", "fuzz-1",
                       "ssr_token", "bond_small", "req-1"}
    cols = dbc.execute("""
        select c.relname, a.attname, format_type(a.atttypid, null)
          from pg_attribute a join pg_class c on c.oid = a.attrelid
         where c.relnamespace = 'stardust'::regnamespace and c.relkind = 'r'
           and a.attnum > 0 and not a.attisdropped
           and a.atttypid in ('int2'::regtype, 'int4'::regtype, 'int8'::regtype,
                              'text'::regtype)""").fetchall()
    for table, col, typ in cols:
        values = dbc.execute(
            f'select distinct "{col}" from stardust."{table}" where "{col}" is not null'
            f' limit 25').fetchall()
        for (v,) in values:
            if typ == "text":
                if len(v) <= 40:
                    texts.add(v)
            else:
                ints.add(v)
    return sorted(ints), sorted(texts)


def int_strategy(bits: int, pool: list[int]) -> st.SearchStrategy:
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    edges = [v for v in (0, -1, 1, 2, 5, 10, 11, 100, 10**6, 10**15, 10**15 + 1, hi, hi - 1,
                         lo, lo + 1, -hi, 2**31 - 1, -(2**31), 2**53) if lo <= v <= hi]
    return st.one_of(st.sampled_from([hi, lo, -hi]), st.sampled_from(edges),
                     st.sampled_from([v for v in pool if lo <= v <= hi] or [0]),
                     st.integers(lo, hi))


def text_strategy(pool: list[str]) -> st.SearchStrategy:
    chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
    odd = ["", " ", "   ", "\t", "\n", "'; drop table stardust.users; --", "%s %d %%", "\\",
           "ＳＳＲ", "ssr", "R\u200b", "\u202eRSS", "🌟" * 10, "a" * 101, "x" * 10_000,
           "\x01\x02\x7f", "é", "null", "NULL", "{}", "[]", "-1", "9" * 40]
    return st.one_of(st.sampled_from(pool), st.sampled_from(odd),
                     st.text(chars, max_size=40))


class Raw(str):
    """An array literal passed as written (bounds other than 1..n)."""


def array_strategy(elem: st.SearchStrategy) -> st.SearchStrategy:
    flat = st.lists(st.one_of(elem, st.none()), max_size=8)
    return st.one_of(
        st.sampled_from([Raw("[0:1]={1,2}"), Raw("[-3:-1]={1,NULL,3}"), Raw("[5:5]={1}"),
                         Raw("[2:3][1:1]={{1},{2}}"), Raw("{}")]),
        st.just([]), st.just([None]), flat,
        st.lists(elem, min_size=1, max_size=6),
        st.lists(st.lists(elem, min_size=2, max_size=2), min_size=1, max_size=3),  # 2-D
        st.just([[1, 2], [3, 4]]),
        st.integers(501, 3000).map(lambda n: list(range(1, n))),                     # huge
    )


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-I64 * 4, I64 * 4),
                         st.floats(allow_nan=False, allow_infinity=False),
                         st.text(st.characters(blacklist_categories=("Cs",),
                                               blacklist_characters="\x00"), max_size=20))


def json_strategy(texts: list[str]) -> st.SearchStrategy:
    keyed = st.dictionaries(st.one_of(st.sampled_from(texts + ["gems", "coins", "items",
                                                               "anilist_id", "name"]),
                                      st.text(max_size=8).filter(lambda s: "\x00" not in s)),
                            st.recursive(JSON_SCALARS, lambda c: st.lists(c, max_size=3)
                                         | st.dictionaries(st.text(max_size=5).filter(
                                             lambda s: "\x00" not in s), c, max_size=3),
                                         max_leaves=6), max_size=5)
    return st.one_of(keyed, st.lists(keyed, max_size=3), JSON_SCALARS,
                     st.just([{"anilist_id": 1, "name": "x", "rank": -5, "favorites": I64}]),
                     st.just({"gems": 10**30, "coins": -1}))


def literal(typ: str, value) -> str | None:
    """The text form PostgreSQL reads for `value` of type `typ` (arrays as literals)."""
    if value is None:
        return None
    if isinstance(value, Raw):
        return str(value)
    if typ.endswith("[]"):
        def elem(v):
            if isinstance(v, list):
                return "{" + ",".join(elem(x) for x in v) + "}"
            if v is None:
                return "NULL"
            s = str(v)
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return elem(value)
    if typ in ("jsonb", "json"):
        return json.dumps(value)
    if typ == "boolean":
        return "true" if value else "false"
    return str(value)


def weighted(*pairs: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    return st.sampled_from([s for w, s in pairs for _ in range(w)]).flatmap(lambda s: s)


def strategy_for(typ: str, name: str, ints: list[int], texts: list[str]) -> st.SearchStrategy:
    """Hostile values of a type; for parameters named like ids of the seed, mostly those."""
    base = typ[:-2] if typ.endswith("[]") else typ
    scalar = {
        "bigint": lambda: int_strategy(64, ints),
        "integer": lambda: int_strategy(32, ints),
        "smallint": lambda: int_strategy(16, ints),
        "numeric": lambda: st.one_of(st.sampled_from(["NaN", "Infinity", "-Infinity", "0",
                                                      "-1", "1e100", "0.5", "1.000001"]),
                                     st.decimals(allow_nan=False, allow_infinity=False,
                                                 places=4, min_value=-10**20,
                                                 max_value=10**20).map(str)),
        "double precision": lambda: st.sampled_from(["NaN", "Infinity", "-1", "0", "1e308",
                                                     "0.5"]),
        "text": lambda: text_strategy(texts),
        "boolean": lambda: st.booleans(),
        "jsonb": lambda: json_strategy(texts),
        "json": lambda: json_strategy(texts),
        "timestamp with time zone": lambda: st.sampled_from(
            ["infinity", "-infinity", "now", "epoch", "4713-01-01 00:00 BC", "294276-12-31",
             "2020-01-01", "2100-01-01"]),
        "date": lambda: st.sampled_from(["infinity", "-infinity", "today", "4713-01-01 BC",
                                         "5874897-12-31", "2100-01-01"]),
        "interval": lambda: st.sampled_from(["0", "1 second", "1 day", "-1 day",
                                             "178000000 years", "-178000000 years"]),
    }.get(base)
    if scalar is None:
        return st.none()
    s = scalar()
    if base == "bigint" and re.search(r"user_id|opponent_id", name):
        s = weighted((3, st.sampled_from([P1, P2, P3])), (1, s))
    elif base == "bigint" and "guild_id" in name:
        s = weighted((3, st.just(GUILD)), (1, s))
    elif base == "text" and "request_id" in name:
        s = weighted((3, st.none()), (2, st.sampled_from(["req-1", "req-2"])), (1, s))
    if typ.endswith("[]"):
        s = array_strategy(s)
    return weighted((6, s), (1, st.none()))


# --- the property --------------------------------------------------------------------------
def fingerprint_sql(dbc: psycopg.Connection) -> str:
    """tests/helpers.db_state in one round trip: every row of every stardust table."""
    tables = [t for (t,) in dbc.execute(
        "select relname from pg_class where relnamespace = 'stardust'::regnamespace"
        " and relkind in ('r', 'p') order by 1").fetchall()]
    return "select concat_ws(' ', " + ", ".join(
        f"(select '{t}=' || count(*) || ':' || coalesce(md5(string_agg(t::text, '|'"
        f" order by t::text)), '') from stardust.\"{t}\" t)" for t in tables) + ")"


def fuzz(url: str, examples: int, as_bot: bool = True) -> list[str]:
    codes = documented_codes()
    findings: list[str] = []
    with psycopg.connect(url) as dbc:           # the owner: transactions, fingerprints
        dbc.execute("set statement_timeout = '10s'")
        dbc.commit()
        funcs = api_functions(dbc, as_bot)
        ints, texts = pools(dbc)
        fingerprint = fingerprint_sql(dbc)
        seeded = dbc.execute(fingerprint).fetchone()[0]
        dbc.rollback()
        assert len(funcs) >= (40 if as_bot else 5), funcs
        enter = "savepoint call" + ("; set local role stardust_bot" if as_bot else "")

        for sig, name, arg_names, arg_types in funcs:
            # count(*): the function runs to completion, nothing is decoded by the client
            call = (f"select count(*) from stardust.{name}("
                    + ", ".join(f"%s::text::{t}" for t in arg_types) + ") x")
            arg_names += [""] * (len(arg_types) - len(arg_names))
            strategy = st.tuples(*(strategy_for(t, n, ints, texts)
                                   for n, t in zip(arg_names, arg_types)))

            @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck))
            @given(strategy)
            def check(args):
                params = [literal(t, v) for t, v in zip(arg_types, args)]
                try:                    # one transaction per call, always rolled back
                    dbc.execute(enter)
                    try:
                        dbc.execute(call, params).fetchall()
                    except psycopg.Error as exc:
                        dbc.execute("rollback to savepoint call")      # back to the owner
                        assert exc.sqlstate in codes, (
                            f"{sig}{tuple(params)!r:.300}: undocumented SQLSTATE "
                            f"{exc.sqlstate}: {str(exc).splitlines()[0]}")
                        after = dbc.execute(fingerprint).fetchone()[0]
                        assert after == seeded, f"{sig}{tuple(params)!r:.300} failed " \
                                                f"({exc.sqlstate}) but changed the database"
                finally:
                    dbc.rollback()

            try:
                check()
            except AssertionError as exc:
                findings.append(str(exc).splitlines()[0])
    return findings


@pytest.mark.slow                                 # hypothesis over every function
async def test_every_bot_function_answers_hostile_arguments_with_a_documented_code(seeded_url):
    findings = await asyncio.to_thread(fuzz, seeded_url, EXAMPLES_PER_FUNCTION)
    assert not findings, "\n".join(findings)


@pytest.mark.slow                                 # hypothesis over every function
async def test_admin_functions_answer_hostile_arguments_with_a_documented_code(seeded_url):
    """The same property for the owner-only functions (SQL editor), called as the owner."""
    findings = await asyncio.to_thread(fuzz, seeded_url, EXAMPLES_PER_FUNCTION, False)
    assert not findings, "\n".join(findings)


# --- valid arguments: every function granted to the bot works for the bot --------------------
def valid_arguments(facts: dict) -> dict[str, dict[str, object]]:
    """Named arguments that the seeded database accepts, per function. A function missing
    here (added later) is called with its required parameters guessed from their names."""
    p1_unit, p1_r_unit, p1_bench = facts["p1_unit"], facts["p1_r_unit"], facts["p1_bench"]
    return {
        "achievements": {"p_user_id": P1},
        "battle_log": {"p_battle_id": facts["battle_id"]},
        "has_played": {"p_user_id": P1},
        "battle_npc": {"p_user_id": P1, "p_difficulty": "easy"},
        "battle_pvp": {"p_user_id": P1, "p_opponent_id": P2},
        "bounty_board": {"p_guild_id": GUILD, "p_user_id": P1},
        "bounty_claim": {"p_user_id": P1, "p_guild_id": GUILD, "p_slot": 1},
        "buy_item": {"p_user_id": P1, "p_item": "ssr_token", "p_qty": 1},
        "checkin": {"p_user_id": P1},
        "claim_all_tasks": {"p_user_id": P1},
        "claim_starter": {"p_user_id": P3},
        "claim_task": {"p_user_id": P1, "p_task": "pvp"},
        "daily_tasks": {"p_user_id": P1},
        "delete_preset": {"p_user_id": P1, "p_name": "main"},
        "effective_power": {"p_favorites": 1000, "p_rarity": "SR"},
        "end_raid": {"p_raid_id": facts["raid_id"], "p_force": False},
        "expedition_claim": {"p_user_id": P2},
        "expedition_start": {"p_user_id": P1, "p_inventory_ids": [p1_bench]},
        "expedition_status": {"p_user_id": P2},
        "expedition_stop": {"p_user_id": P2},
        "get_unit": {"p_user_id": P1, "p_inventory_id": p1_unit},
        "get_user": {"p_user_id": P1},
        "gift_bond": {"p_user_id": P1, "p_inventory_id": p1_unit, "p_item": "bond_small"},
        "grant": {"p_user_id": P1, "p_gems": 100, "p_reason": "valid", "p_admin_id": P2},
        "inventory": {"p_user_id": P1},
        "leaderboard": {"p_kind": "collection"},
        "list_presets": {"p_user_id": P1},
        "load_preset": {"p_user_id": P1, "p_name": "main"},
        "mass_scrap": {"p_user_id": P1, "p_rarity": "R"},
        "mass_scrap_preview": {"p_user_id": P1, "p_rarity": "SR"},
        "profile": {"p_user_id": P1},
        "pull": {"p_user_id": P1, "p_count": 10, "p_banner_id": facts["banner_id"]},
        "pull_history": {"p_user_id": P2},
        "raid_attack": {"p_user_id": P1, "p_guild_id": GUILD},
        "raid_leaderboard": {"p_guild_id": GUILD},
        "raid_status": {"p_guild_id": GUILD, "p_user_id": P1},
        "rates": {"p_banner_id": facts["banner_id"]},
        "redeem_code": {"p_user_id": P1, "p_code": "fuzz-1"},
        "replay_battle": {"p_battle_id": facts["battle_id"]},
        "save_preset": {"p_user_id": P1, "p_name": "second"},
        "scrap": {"p_user_id": P1, "p_inventory_ids": [p1_r_unit]},
        "search_units": {"p_user_id": P1, "p_query": "char"},
        "set_locked": {"p_user_id": P1, "p_inventory_ids": [p1_unit]},
        "set_team": {"p_user_id": P1, "p_inventory_ids": [p1_bench]},
        "shop": {"p_user_id": P1},
        "shop_buy": {"p_user_id": P1, "p_slot": 10},
        "spark": {"p_user_id": P1, "p_banner_id": facts["banner_id"], "p_anilist_id": 1000},
        "take_notifications": {"p_user_id": P1},
        "team_details": {"p_user_id": P1},
        "team_power": {"p_user_id": P1},
        "unit_power": {"p_true_power": 10000, "p_dupe_level": 3, "p_bond_level": 1,
                       "p_team_level": 1},
        "use_token": {"p_user_id": P1, "p_inventory_id": p1_unit},
        "user_items": {"p_user_id": P1},
    }


def guess(name: str, typ: str) -> object:
    """A plausible value for a required parameter of a function not listed above."""
    if typ == "bigint" and re.search(r"user_id|admin_id|opponent_id", name):
        return P1
    if typ == "bigint" and "guild_id" in name:
        return GUILD
    return {"bigint": 1, "integer": 1, "smallint": 1, "numeric": 1, "boolean": True,
            "text": "fuzz", "jsonb": "{}", "bigint[]": [1]}.get(typ)


REQUIRED_SQL = """
select p.proname, p.oid::regprocedure::text, p.proargnames[1:p.pronargs],
       array(select format_type(t, null) from unnest(p.proargtypes::oid[]) t), p.pronargdefaults
  from pg_proc p
 where p.pronamespace = 'stardust'::regnamespace and p.prokind = 'f'
   and has_function_privilege('stardust_bot', p.oid, 'execute')
   and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
 order by 1
"""


async def test_every_bot_function_works_for_the_bot_with_valid_arguments(seeded_url):
    """No function the bot may call fails for the bot (42501 was effective_power calling
    a helper the bot may not execute); with valid arguments every call succeeds, and with
    a non-positive user or server id instead every call is SDARG."""
    owner = await asyncpg.connect(seeded_url)
    bot = await asyncpg.connect(seeded_url, server_settings={"role": "stardust_bot"})
    try:
        facts = dict(await owner.fetchrow(f"""
            select (select min(id) from stardust.battles) as battle_id,
                   (select max(id) from stardust.raids where ends_at < stardust._now()) as raid_id,
                   (select max(id) from stardust.banners) as banner_id,
                   (select min(id) from stardust.inventory where user_id = {P1}
                       and team_slot is not null) as p1_unit,
                   (select min(i.id) from stardust.inventory i join stardust.characters c
                       using (anilist_id) where i.user_id = {P1} and c.rarity = 'R') as p1_r_unit,
                   (select min(id) from stardust.inventory where user_id = {P1}
                       and team_slot is null) as p1_bench"""))
        valid = valid_arguments(facts)
        failures = []
        for name, sig, arg_names, arg_types, n_defaults in await owner.fetch(REQUIRED_SQL):
            args = dict(valid.get(name, {}))
            for i, (arg, typ) in enumerate(zip(arg_names, arg_types)):
                if arg not in args and i < len(arg_names) - n_defaults:
                    args[arg] = guess(arg, typ)                   # required, not listed
            types = dict(zip(arg_names, arg_types))
            call = (f"select * from stardust.{name}("
                    + ", ".join(f"{a} => ${i}::{types[a]}" for i, a in enumerate(args, 1))
                    + ")")
            values = [json.dumps(v) if types[a] == "jsonb" else v for a, v in args.items()]
            tx = bot.transaction()
            await tx.start()
            try:
                await bot.fetch(call, *values)
            except asyncpg.PostgresError as exc:
                if name in valid or exc.sqlstate[:2] != "SD":
                    failures.append(f"{sig} {args}: {exc.sqlstate} {exc}")
            finally:
                await tx.rollback()
            # the same call with an id no user or server can have is SDARG, reads included
            for i, a in enumerate(args):
                if re.fullmatch(r"p_(user|guild|opponent)_id", a):
                    tx = bot.transaction()
                    await tx.start()
                    try:
                        await bot.fetch(call, *values[:i], -1, *values[i + 1:])
                        failures.append(f"{sig} {a} => -1: no error")
                    except asyncpg.PostgresError as exc:
                        if exc.sqlstate != "SDARG":
                            failures.append(f"{sig} {a} => -1: {exc.sqlstate} {exc}")
                    finally:
                        await tx.rollback()
        assert not failures, "\n".join(failures)
        assert not set(valid) - {r[0] for r in await owner.fetch(REQUIRED_SQL)}, \
            "a listed function is no longer granted to the bot"
    finally:
        await bot.close()
        await owner.close()
