"""GET /metrics (issue 15 §2): Prometheus text from the bot's own registry: commands by name
and outcome (ok, the SQLSTATE of a refusal, internal_error), latency histograms, the pool,
the gateway per shard."""

from __future__ import annotations

import asyncio

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.discord.client import create_client, start_health_server
from bot.metrics import Metrics
from tests.discord.fake_discord import answer, slash


async def scrape(bot, port: int) -> dict[tuple, float]:
    runner = await start_health_server(bot.client, bot.services, "127.0.0.1", port)
    try:
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{port}/metrics") as r:
                assert r.status == 200
                assert r.headers["Content-Type"].startswith("text/plain")
                text = await r.text()
    finally:
        await runner.cleanup()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for f in text_string_to_metric_families(text) for s in f.samples}


def count(m: dict, command: str, outcome: str) -> float:
    return m.get(("stardust_commands_total", (("command", command), ("outcome", outcome))), 0)


async def settled(bot) -> None:
    """Earlier tests' interactions (the bot is shared) have all been answered."""
    for _ in range(200):
        if bot.client.in_flight == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("interactions still in flight")


async def test_metrics_count_commands_by_outcome(bot, unused_tcp_port, monkeypatch):
    await settled(bot)
    before = await scrape(bot, unused_tcp_port)
    await bot.admin.execute("select stardust.grant(931, 5000)")
    await answer(bot, slash(bot.fake, "pull", 931, count=1))                    # ok
    await bot.admin.execute("select stardust.grant(932, -10000)")
    await answer(bot, slash(bot.fake, "pull", 932, count=10))                   # SDNSF

    from bot.handlers import gacha

    async def broken(*args, **kwargs):
        raise RuntimeError("a bug")
    monkeypatch.setattr(gacha, "rates", broken)
    await answer(bot, slash(bot.fake, "rates", 933))                            # internal
    await answer(bot, slash(bot.fake, "team", 934, "view"))                     # a subcommand
    await settled(bot)
    after = await scrape(bot, unused_tcp_port)

    def delta(command, outcome):
        return count(after, command, outcome) - count(before, command, outcome)
    assert delta("/pull", "ok") == 1
    assert delta("/pull", "SDNSF") == 1
    assert delta("/rates", "internal_error") == 1
    assert delta("/team view", "ok") == 1
    seconds = ("stardust_command_seconds_count", (("command", "/pull"),))
    assert after[seconds] - before.get(seconds, 0) == 2
    db = ("stardust_command_db_seconds_sum", (("command", "/pull"),))
    assert after[db] > before.get(db, 0)                          # the database was timed
    render = ("stardust_command_render_seconds_sum", (("command", "/pull"),))
    assert after[render] > before.get(render, 0)                  # so was the image
    assert after[("stardust_gateway_connected", (("shard", "0"),))] == 1
    assert after[("stardust_gateway_sessions_total", (("shard", "0"),))] >= 1
    assert after[("stardust_db_pool_connections", (("state", "waiting"),))] == 0
    assert after[("stardust_db_pool_connections", (("state", "max"),))] == 10
    assert after[("stardust_interactions_in_flight", ())] == 0


async def test_each_client_has_its_own_registry(bot):
    """Two bots in one Python process (as in these tests) keep separate counts."""
    # the same services: interactions.py rebinds the extensions' commands to the newest
    # client's extensions, which the session's test bot then answers with (test_fleet.py)
    other = create_client(bot.services, metrics=Metrics())
    assert other.metrics.registry is not bot.client.metrics.registry
    labels = {"command": "/spark", "outcome": "SDSPK"}
    mine = bot.client.metrics.registry.get_sample_value("stardust_commands_total", labels)
    other.metrics.outcome("/spark", "SDSPK")
    assert other.metrics.registry.get_sample_value("stardust_commands_total", labels) == 1
    assert bot.client.metrics.registry.get_sample_value("stardust_commands_total",
                                                        labels) == mine


async def test_a_gateway_reconnect_is_counted_per_shard(bot):
    """Discord asks the session to reconnect (opcode 7): the shard resumes, the reconnection
    is counted, and the bot still answers."""
    registry = bot.client.metrics.registry
    labels = {"shard": "0", "resume": "true"}
    before = registry.get_sample_value("stardust_gateway_reconnects_total", labels) or 0
    await bot.fake.request_reconnect(0)
    for _ in range(200):
        if (registry.get_sample_value("stardust_gateway_reconnects_total", labels) or 0) \
                > before and bot.fake.sessions.get(0):
            break
        await asyncio.sleep(0.05)
    assert registry.get_sample_value("stardust_gateway_reconnects_total", labels) == before + 1
    call, data = await answer(bot, slash(bot.fake, "rates", 935))
    assert data["embeds"]
