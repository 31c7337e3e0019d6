"""SHARD_COUNT / SHARD_IDS (issue 15): parsed, validated with a clear error, documented in
`stardust run --help`."""

from __future__ import annotations

import pytest

from bot.config import BotSettings, ConfigError
from bot.fleet import ShardError, parse_shard_ids, shard_of, start_waves
from tests.test_cli import env_with, stardust


def test_shard_ids_take_lists_and_ranges():
    assert parse_shard_ids("0-3,8", 16) == [0, 1, 2, 3, 8]
    assert parse_shard_ids(" 5 , 2-3 ,5", 6) == [2, 3, 5]
    assert parse_shard_ids("", 4) is None                 # every shard
    settings = BotSettings({"SHARD_COUNT": "4", "SHARD_IDS": "1,3"})
    assert (settings.shard_count, settings.shard_ids) == (4, [1, 3])
    assert BotSettings({}).shard_count is None           # Discord's recommendation


@pytest.mark.parametrize("count, ids, what", [
    ("2", "2", "does not exist"), ("4", "0-9", "does not exist"), ("4", "3-1", "backwards"),
    ("4", "a", "not a shard id"), ("4", "1-", "not a shard id"), ("4", ",", "no shard"),
    ("", "0", "needs SHARD_COUNT"), ("0", "", "1 or more"), ("two", "", "whole number")])
def test_bad_shard_settings_are_refused_with_the_fix(count, ids, what):
    with pytest.raises(ShardError, match=what):
        BotSettings({"SHARD_COUNT": count, "SHARD_IDS": ids})


def test_guilds_go_to_their_shard_and_direct_messages_to_shard_0():
    assert shard_of(None, 4) == 0
    assert shard_of(41771983423143937, 4) == (41771983423143937 >> 22) % 4
    assert [shard_of((n << 22) | 7, 3) for n in range(6)] == [0, 1, 2, 0, 1, 2]


def test_shards_start_in_the_waves_discord_allows():
    assert start_waves([0, 1, 2, 3], 1) == [[0], [1], [2], [3]]
    assert start_waves([0, 1, 2, 3, 4], 2) == [[0, 1], [2, 3], [4]]
    assert start_waves([8, 3], 16) == [[3, 8]]


def test_run_help_documents_the_fleet_settings():
    out = stardust("run", "--help").stdout
    for name in ("SHARD_COUNT", "SHARD_IDS", "HEALTH_PORT", "/metrics", "SHUTDOWN_TIMEOUT"):
        assert name in out, name


def test_run_refuses_a_shard_id_out_of_range_in_one_line():
    proc = stardust("run", env=env_with(DISCORD_TOKEN="x", SHARD_COUNT="2", SHARD_IDS="0,2"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("stardust: SHARD_IDS") and "SHARD_COUNT=2" in line


def test_no_component_waits_in_memory():
    """Buttons are answered by any process owning the shard, after any restart: no handler
    waits for a click in memory (interactions.py's wait_for_component, its Paginator), every
    component callback is a custom_id prefix (tests/discord/test_fleet.py clicks each one
    after a restart)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "bot"
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"wait_for_component|wait_for_modal|paginators|Paginator",
                             text), path
        for arg in re.findall(r"@component_callback\((.*)\)", text):
            assert re.fullmatch(r're\.compile\(r"\^\w+:"\)', arg), (path, arg)


@pytest.mark.parametrize("name, value, what", [
    ("DB_POOL_SIZE", "ten", "DB_POOL_SIZE='ten': give a whole number from 1 to 1000"),
    ("DB_POOL_SIZE", "0", "from 1 to 1000"),
    ("DB_POOL_SIZE", "-3", "from 1 to 1000"),
    ("HEALTH_PORT", "80800", "HEALTH_PORT='80800': give a whole number from 0 to 65535"),
    ("DEV_GUILD_ID", "my-guild", "DEV_GUILD_ID='my-guild'"),
    ("SHUTDOWN_TIMEOUT", "soon", "SHUTDOWN_TIMEOUT='soon': give a number of seconds"),
    ("SHUTDOWN_TIMEOUT", "nan", "from 0 to 900"),
    ("SHUTDOWN_TIMEOUT", "-1", "from 0 to 900"),
    ("ADMIN_IDS", "123,@alice", "ADMIN_IDS: '@alice' is not a Discord user id"),
])
def test_bad_numbers_in_the_environment_name_the_variable(name, value, what):
    with pytest.raises(ConfigError) as info:
        BotSettings({name: value})
    assert what in str(info.value)


def test_good_and_empty_numbers_in_the_environment():
    settings = BotSettings({"DB_POOL_SIZE": " 25 ", "SHUTDOWN_TIMEOUT": "2.5",
                            "DEV_GUILD_ID": "41771983423143937", "ADMIN_IDS": "1; 2"})
    assert (settings.pool_size, settings.shutdown_timeout) == (25, 2.5)
    assert settings.dev_guild_id == 41771983423143937 and settings.admin_ids == {1, 2}
    defaults = BotSettings({})
    assert (defaults.pool_size, defaults.health_port, defaults.shutdown_timeout,
            defaults.dev_guild_id) == (10, 8080, 10.0, None)
    assert BotSettings({"HEALTH_PORT": ""}).health_port == 0          # set but empty: off
    assert BotSettings({"SHUTDOWN_TIMEOUT": ""}).shutdown_timeout == 10.0


def test_run_refuses_a_bad_pool_size_in_one_line():
    proc = stardust("run", env=env_with(DISCORD_TOKEN="x", DB_POOL_SIZE="lots"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("stardust: DB_POOL_SIZE='lots'") and "stardust run --help" in line
