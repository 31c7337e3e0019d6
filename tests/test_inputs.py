"""Every input answered with a documented code and nothing changed (issue 11, section 4).

Each test here reproduces a finding of fuzzing the bot-callable functions on the code before
the fix (tests/test_bot_api_fuzz.py keeps looking for new ones): integer overflows (22003),
two-dimensional arrays (0A000), a function the bot could not run (42501), reads that answered
an impossible user id with nothing, and NUL characters the bot answered with an apology.
"""

from __future__ import annotations

import io

import asyncpg
import pytest

from bot.console import COMMANDS, Console
from bot.db import Database
from bot.handlers import ArtSource
from tests.helpers import (assert_ledger_balanced, load_catalogue, player_with_team, sqlstate,
                           unchanged)

I64 = 2**63 - 1


async def as_bot(bot_conn: asyncpg.Connection, sql: str, *args):
    return await bot_conn.fetch(sql, *args)


# --- 22003: numbers past a bigint ----------------------------------------------------------
@pytest.mark.parametrize("gems,coins", [(I64, 0), (-I64, 0), (-I64 - 1, 0), (0, I64),
                                        (0, -I64), (10**15 + 1, 0), (0, -(10**15) - 1)])
async def test_grant_amounts_are_range_checked(conn, bot_conn, gems, coins):
    await conn.execute("select stardust.get_user(1)")
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.grant(p_user_id => 1, p_gems => $1,"
                                 " p_coins => $2, p_reason => 'fuzz')", gems, coins)


async def test_grant_of_the_largest_amounts_works(conn):
    row = await conn.fetchrow("select * from stardust.grant(p_user_id => 1, p_gems => $1,"
                              " p_coins => $1, p_reason => 'max')", 10**15)
    assert row["coins"] == 10**15
    await assert_ledger_balanced(conn)


async def test_a_credit_past_the_balance_cap_is_refused(conn, bot_conn):
    """A balance near the top of a bigint (a hand-made grant): check-in, a grant and a
    bounty reward used to overflow; now a balance above 10^18 is refused."""
    await conn.execute("select stardust.get_user(1)")
    await conn.execute("insert into stardust.ledger (user_id, gems_delta, coins_delta, reason)"
                       " values (1, $1, $1, 'admin')", I64 - 20000)
    await conn.execute("update stardust.users set gems = gems + $1, coins = coins + $1"
                       " where user_id = 1", I64 - 20000)
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.checkin(1)")
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.grant(p_user_id => 1, p_gems => 1,"
                                 " p_reason => 'more')")
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.grant(p_user_id => 1, p_coins => 1,"
                                 " p_reason => 'more')")
    # taking away still works
    await conn.execute("select stardust.grant(p_user_id => 1, p_gems => -5, p_reason => 'fix')")
    await assert_ledger_balanced(conn)


async def test_unit_power_is_range_checked(bot_conn):
    with sqlstate("SDARG"):
        await bot_conn.fetchval("select stardust.unit_power(10000, 9000042, 9000041, 9000042)")
    for args in [(-1, 0, 1, 1), (10000, -1, 1, 1), (10000, 0, 1001, 1), (10000, 0, 1, 10**6 + 1)]:
        with sqlstate("SDARG"):
            await bot_conn.fetchval("select stardust.unit_power($1, $2, $3, $4)", *args)
    # the largest accepted arguments fit a bigint
    assert await bot_conn.fetchval("select stardust.unit_power($1, 1000, 1000, 1000000)",
                                   2**31 - 1) == (2**31 - 1) * 51 * 6 * 10001
    assert await bot_conn.fetchval("select stardust.unit_power(10000, 3, 1, 1)") == 11673
    assert await bot_conn.fetchval("select stardust.unit_power(null, 3, 1, 1)") is None


# --- 0A000: arrays of arrays ---------------------------------------------------------------
@pytest.mark.parametrize("call", [
    "select * from stardust.scrap(1, $1::bigint[])",
    "select * from stardust.set_locked(1, $1::bigint[])",
    "select * from stardust.expedition_start(1, $1::bigint[])",
    "select * from stardust.set_team(1, $1::bigint[])",
])
async def test_id_arrays_must_be_one_dimensional(conn, bot_conn, call):
    await load_catalogue(conn)
    ids = (await player_with_team(conn, 1, n_team=0, n_bench=4))["bench"]
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await bot_conn.fetch(call, [ids[:2], ids[2:]])


# --- 42501: functions the bot may call must work for the bot --------------------------------
async def test_effective_power_works_for_the_bot(bot_conn):
    assert await bot_conn.fetchval("select stardust.effective_power(1000, 'SR')") == 7166
    assert await bot_conn.fetchval("select stardust.effective_power(100000, 'R')") == 6212
    with sqlstate("SDARG"):
        await bot_conn.fetchval("select stardust.effective_power(-1, 'SR')")


# --- ids no user or server can have -----------------------------------------------------------
USER_READS = [
    "select * from stardust.team_power($1)",
    "select * from stardust.daily_tasks($1)",
    "select * from stardust.shop($1)",
    "select * from stardust.achievements($1)",
    "select * from stardust.user_items($1)",
    "select * from stardust.inventory($1)",
    "select * from stardust.team_details($1)",
    "select * from stardust.list_presets($1)",
    "select * from stardust.expedition_status($1)",
    "select * from stardust.get_unit($1, 1)",
    "select * from stardust.search_units($1, 'a')",
    "select * from stardust.mass_scrap_preview($1, 'R')",
    "select * from stardust.pull_history($1)",
    "select * from stardust.profile($1)",
    "select * from stardust.bounty_board(1, $1)",
    "select * from stardust.raid_status(1, $1)",
]
GUILD_CALLS = [
    "select * from stardust.bounty_board($1, 1)",
    "select * from stardust.bounty_claim(1, $1, 1)",
    "select * from stardust.raid_status($1, 1)",
    "select * from stardust.raid_attack(1, $1)",
    "select * from stardust.raid_leaderboard($1)",
]


@pytest.mark.parametrize("call", USER_READS + GUILD_CALLS)
async def test_non_positive_ids_are_refused_everywhere(conn, bot_conn, call):
    nullable = "bounty_board(1, $1)" in call or "raid_status(1, $1)" in call
    async with unchanged(conn):
        for bad in (-1, 0, -I64 - 1) + (() if nullable else (None,)):
            with sqlstate("SDARG"):
                await bot_conn.fetch(call, bad)


async def test_optional_user_ids_stay_optional(conn, bot_conn):
    assert len(await bot_conn.fetch("select * from stardust.bounty_board(5, null)")) == 3
    assert await bot_conn.fetch("select * from stardust.raid_status(5, null)") == []


async def test_search_units_limit_is_range_checked(conn, bot_conn):
    await conn.execute("select stardust.get_user(1)")
    for bad in (0, 26, -1, None):
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.search_units(1, '', $1)", bad)
    assert await bot_conn.fetch("select * from stardust.search_units(1, '', 25)") == []


# --- control characters in names and reasons ---------------------------------------------------
async def test_control_characters_are_refused_in_names_and_reasons(conn, bot_conn):
    await load_catalogue(conn)
    await player_with_team(conn, 1, n_team=2, n_bench=0)
    async with unchanged(conn):
        for name in ("a\tb", "main\x1b[31m", "x\x7f"):
            with sqlstate("SDARG"):
                await bot_conn.fetch("select * from stardust.save_preset(1, $1)", name)
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.grant(p_user_id => 1, p_gems => 5,"
                                 " p_reason => $1)", "prize\r\nforged ledger line")
    assert (await bot_conn.fetchrow("select * from stardust.save_preset(1, 'ünï 🌟')"))


# --- NUL characters and numbers too large for a parameter: the bot's answer -------------------
async def test_the_bot_answers_unusable_input_with_a_sentence(db_url, conn, tmp_path):
    """PostgreSQL text cannot hold NUL (the server refuses the bind with 22021 before any
    function runs); asyncpg refuses a number past the parameter's type itself. Through the
    real handlers (as Discord reaches them: the console refuses such input before, by the
    Discord definitions), both are a plain refusal, not an apology."""
    await load_catalogue(conn)
    db = await Database.connect(db_url, max_size=2)
    out = io.StringIO()
    console = Console(db=db, user_id=57, out_dir=tmp_path, art=ArtSource(), stream=out)
    try:
        for line, path, values in (
                ("/redeem code:WEL\x00COME", "redeem", {"code": "WEL\x00COME"}),
                ("/pull count:99999999999", "pull", {"count": 99999999999}),
                ("/preset save name:a\x00b", "preset save", {"name": "a\x00b"}),
                ("/view unit:99999999999999999999", "view", {"unit": 99999999999999999999})):
            before = await conn.fetchval("select count(*) from stardust.ledger")
            assert await console.run(line) is None                  # the console: a usage line
            assert out.getvalue().splitlines()[-1].startswith("! ")
            reply = await console._call(COMMANDS[path], **values)    # the handler, as Discord
            assert reply is not None and reply.ephemeral, line
            assert reply.title == "That didn't work", (line, reply.plain())
            assert "Sorry" not in reply.plain() and "$" not in reply.plain()
            assert await conn.fetchval("select count(*) from stardust.ledger") == before
    finally:
        await db.close()
    assert "(error:" not in out.getvalue()


# --- admin functions (owner only): the same rules --------------------------------------------
async def test_admin_inputs_are_range_checked(conn):
    await load_catalogue(conn)
    await conn.execute("select stardust.get_user(1)")
    await conn.execute("select stardust.grant_item(1, 'bond_small', 999999)")
    async with unchanged(conn):
        for qty in (2**31 - 1, -(2**31), 1000001, 2):            # 2: past 1,000,000 held
            with sqlstate("SDARG"):
                await conn.fetchval("select stardust.grant_item(1, 'bond_small', $1)", qty)
        with sqlstate("SDARG"):
            await conn.fetchval("select stardust.create_banner('B', $1::integer[],"
                                " stardust._now() + interval '1 day')", [[1000, 1001]])
        with sqlstate("SDARG"):
            await conn.fetchval("select stardust.purge_requests('178000000 years')")
        with sqlstate("SDARG"):
            await conn.fetchval("select stardust.set_setting('pull_cost', '1e30')")
        with sqlstate("SDARG"):
            await conn.fetchval("select stardust.set_character_skills(1000, $1::text[])",
                                [["Surge", "Surge"]])
        with sqlstate("SDARG"):
            await conn.fetchval("select stardust.start_raid(-5, 'Boss', 100,"
                                " stardust._now() + interval '1 day')")
    assert await conn.fetchval("select stardust.grant_item(1, 'bond_small', 1)") == 1000000


async def test_items_held_are_capped_in_the_shop(conn, bot_conn):
    await conn.execute("select stardust.get_user(1)")
    await conn.execute("select stardust.grant(p_user_id => 1, p_coins => 10000, p_reason => 'x')")
    await conn.execute("select stardust.grant_item(1, 'ssr_token', 1000000)")
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await bot_conn.fetch("select * from stardust.buy_item(1, 'ssr_token', 1)")
