import json

import asyncpg
import pytest

from tests.helpers import load_catalogue, sqlstate, unchanged



async def test_set_setting_records_history_with_actor(conn):
    row = await conn.fetchrow("select * from stardust.set_setting('signup_gems', '3000',"
                              " p_actor => 'alice')")
    assert row["value"] == "3000" and row["updated_by"] == "alice"
    hist = await conn.fetch("select key, old_value, new_value, changed_by"
                            " from stardust.settings_history order by id")
    assert [tuple(h) for h in hist] == [("signup_gems", "10000", "3000", "alice")]


async def test_hand_edits_are_recorded_too(conn):
    await conn.execute("update stardust.settings set value = '1' where key = 'signup_coins'")
    hist = await conn.fetchrow("select * from stardust.settings_history")
    assert (hist["key"], hist["old_value"], hist["new_value"]) == ("signup_coins", "0", "1")
    # the session user, absent an actor (whatever the test server's superuser is called)
    assert hist["changed_by"] == await conn.fetchval("select session_user::text")


async def test_bad_settings_are_refused(conn):
    async with unchanged(conn):
        for call in ("select stardust.set_setting('no_such_key', '1')",
                     "select stardust.set_setting('signup_gems', '\"lots\"')",
                     "select stardust.set_setting('signup_gems', '-5')",
                     "select stardust.set_setting('signup_gems', null)"):
            with sqlstate("SDARG"):
                await conn.execute(call)


async def test_every_setting_has_a_rule_that_its_value_keeps(conn):
    # a later migration that adds a setting without its rule fails (kind is not null); the
    # seeded values all keep theirs
    rows = await conn.fetch("select key, kind, value from stardust.settings")
    assert len(rows) >= 39 and all(r["kind"] for r in rows)
    broken = await conn.fetch(
        "select key, stardust._setting_problem(kind, min_value, max_value, value) as problem"
        "  from stardust.settings"
        " where stardust._setting_problem(kind, min_value, max_value, value) is not null")
    assert not broken, [dict(r) for r in broken]


_TIERS = {"R": [1, 2], "SR": [3, 4], "SSR": [5, 6], "UR": [7, 7]}
_REWARDS = {"R": "bond_small", "SR": "bond_med", "SSR": "bond_large", "UR": "bond_ur"}

# (setting, a value that breaks its rule, words the refusal must hold): each of these was
# taken before migration 0019 and broke the game afterwards (a cast in every pull, negative
# shop prices, a division by zero, an item that does not exist)
REFUSED = [
    ("pull_cost", 1000.5, "whole number from 0 to 2147483647, not 1000.5"),
    ("pull_cost", 1e30, "from 0 to 2147483647"),
    ("pull_cost", 1000.0, "whole number from 0 to 2147483647, not 1000.0"),  # '1000.0'::bigint
    ("scrap_gems", {"R": 100, "SR": 500.0, "SSR": 1}, "SR: it must be a whole number"),
    ("signup_gems", -5, "from 0 to"),
    ("signup_gems", "lots", "must be a whole number"),
    ("pull_max", 0, "from 1 to 100"),
    ("pity_hard", 0, "from 1 to 2147483647"),
    ("raid_tickets", -1, "from 0 to 2147483647"),
    ("dupe_cap", 1001, "from 0 to 1000"),
    ("bounty_key_minutes", 0, "from 1 to"),
    ("shop_discount", 1.5, "number from 0 to 1, not 1.5"),
    ("rate_ssr", -0.01, "from 0 to 1"),
    ("bounty_ur_chance", "0.5", "must be a number"),
    ("ten_pull_guarantee", 1, "true or false"),
    ("battle_variance", [1.1, 0.9], "low end (1.1) is above its high end (0.9)"),
    ("battle_variance", [0.9], "[low, high]"),
    ("battle_variance", 1, "[low, high]"),
    ("scrap_gems", {"R": 100, "SR": 500}, "exactly the keys R, SR, SSR (it has R, SR)"),
    ("scrap_gems", {"R": 100, "SR": 500, "SSR": 1, "UR": 5}, "exactly the keys"),
    ("scrap_gems", {"R": "x", "SR": 500, "SSR": 1}, "R: it must be a whole number"),
    ("scrap_coins", {"R": 1.5, "SR": 500, "SSR": 1}, "R: it must be a whole number"),
    ("shop_prices", [1000, 20000, 100000], "JSON object with the keys R, SR, SSR"),
    ("bounty_power", {**_TIERS, "SR": [4, 3]}, "SR: its low end (4) is above"),
    ("bounty_power", {**_TIERS, "UR": [0, 5]}, "UR: it must be a whole number from 1"),
    ("bounty_power", {**_TIERS, "R": [1]}, "R: it must be [low, high]"),
    ("bounty_rewards", {**_REWARDS, "UR": "bond_huge"}, "UR: there is no item bond_huge"),
    ("bounty_rewards", {**_REWARDS, "UR": 5}, "UR: it must be the name of an item"),
    ("item_shop", {"gold_bar": 5}, "gold_bar: there is no item gold_bar"),
    ("item_shop", {"ssr_token": 0}, "ssr_token: it must be a whole number from 1"),
    ("item_shop", {"ssr_token": "2000"}, "ssr_token: it must be a whole number"),
    ("item_shop", "ssr_token", "JSON object of item -> price"),
    ("signup_gems", None, "a value is required"),
]


@pytest.mark.parametrize("key,value,words", REFUSED,
                         ids=[f"{k}={json.dumps(v)}" for k, v, _ in REFUSED])
async def test_a_value_outside_its_rule_is_refused_and_changes_nothing(conn, key, value,
                                                                        words):
    given = None if value is None else json.dumps(value)
    async with unchanged(conn):
        with sqlstate("SDARG") as info:
            await conn.execute("select stardust.set_setting($1, $2::jsonb)", key, given)
    assert info.value.message.startswith(f"Setting {key}: "), info.value.message
    assert words in info.value.message, info.value.message
    # the admin sees what is there now
    current = await conn.fetchval("select value from stardust.settings where key = $1", key)
    assert info.value.hint == f"Current value: {current}"


async def test_hand_edits_meet_the_same_rules(conn):
    async with unchanged(conn):
        with sqlstate("SDARG"):
            await conn.execute("update stardust.settings set value = '1000.5'"
                               " where key = 'pull_cost'")
        with sqlstate("SDARG"):
            await conn.execute("insert into stardust.settings (key, value, description, kind,"
                               " min_value, max_value)"
                               " values ('new_cap', '-1', 'A cap.', 'integer', 0, 10)")
        # a setting without a rule: a migration must give one
        with pytest.raises(asyncpg.NotNullViolationError):
            await conn.execute("insert into stardust.settings (key, value, description)"
                               " values ('new_cap', '1', 'A cap.')")
        with sqlstate("SDARG") as info:
            await conn.execute("update stardust.settings set min_value = 11, max_value = 10"
                               " where key = 'pull_max'")
        assert "min_value (11) is above its max_value (10)" in info.value.message


ACCEPTED = [
    ("pull_cost", 0),                       # free pulls: an event
    ("pull_cost", 2147483647),
    ("shop_discount", 1),
    ("expedition_max_hours", 1.5),
    ("ten_pull_guarantee", False),
    ("battle_variance", [1, 1]),
    ("scrap_gems", {"SSR": 1, "R": 0, "SR": 2}),
    ("bounty_power", _TIERS),
    ("bounty_rewards", {**_REWARDS, "R": "bond_ur"}),
    ("item_shop", {}),                      # an empty shop
    ("item_shop", {"ssr_token": 1, "bond_small": 50}),
]


@pytest.mark.parametrize("key,value", ACCEPTED,
                         ids=[f"{k}={json.dumps(v)}" for k, v in ACCEPTED])
async def test_a_value_within_its_rule_is_taken(conn, key, value):
    row = await conn.fetchrow("select * from stardust.set_setting($1, $2::jsonb)", key,
                              json.dumps(value))
    assert json.loads(row["value"]) == value


async def test_the_game_runs_on_the_extremes_its_rules_allow(conn):
    # numbers at a bound of their rule still give a working pull
    await load_catalogue(conn)
    gacha = conn
    for key, value in (("pull_cost", 0), ("pull_max", 1), ("pity_hard", 1), ("dupe_cap", 0),
                       ("rate_ssr", 0), ("rate_sr", 1), ("scrap_gems",
                                                         {"R": 0, "SR": 0, "SSR": 0})):
        await gacha.execute("select stardust.set_setting($1, $2::jsonb)", key,
                            json.dumps(value))
    units = await gacha.fetch("select * from stardust.pull(1, 1)")
    assert len(units) == 1 and units[0]["rarity"] == "SSR"      # pity_hard 1: always SSR
    again = await gacha.fetch("select * from stardust.pull(1, 1)")
    assert again[0]["outcome"] in ("new", "scrapped")           # dupe_cap 0: copies scrap
    with sqlstate("SDARG"):
        await gacha.fetch("select * from stardust.pull(1, 2)")  # pull_max 1
