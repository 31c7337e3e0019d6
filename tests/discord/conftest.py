"""One fake Discord, one real bot client and one migrated database for all Discord tests
(tests use distinct user ids)."""

from __future__ import annotations

import asyncio
import json
import time

import asyncpg
import pytest
from interactions.api.http.route import Route

from bot.art import ArtCache
from bot.db import Database
from bot.discord import Services
from bot.discord.client import create_client, shutdown
from tests.discord.fake_discord import FakeDiscord
from tests.helpers import characters, steady_clock

ADMIN = 4242


# session, not package: pytest-randomly interleaves the Discord modules with the others, and
# a second bot started after the first one's teardown answered with the first one's closed
# database pool (interactions.py keeps the first client's commands)
@pytest.fixture(scope="session")
async def bot(make_db, tmp_path_factory):
    url = make_db("e2e")
    admin = await asyncpg.connect(url)
    await admin.execute("select stardust.upsert_characters($1::jsonb)",
                        json.dumps(characters(5, 10, 20)))
    banner_id = await admin.fetchval(
        "select id from stardust.create_banner('Festival', array[1000, 1005],"
        " stardust._now() + interval '7 days')")
    fake = FakeDiscord()
    await fake.start()
    saved_base = Route.BASE
    Route.BASE = fake.base
    db = await Database.connect(url)
    services = Services(db=db, art=ArtCache(tmp_path_factory.mktemp("art"), offline=True),
                        admin_ids=frozenset({ADMIN}))
    client = create_client(services, token="fake-token")
    task = asyncio.create_task(client.astart())
    deadline = time.monotonic() + 20
    while not client._startup:
        assert time.monotonic() < deadline, "the bot did not start against the fake Discord"
        assert not task.done(), task.exception()
        await asyncio.sleep(0.05)

    class Bot:
        pass

    b = Bot()
    b.fake, b.client, b.admin, b.banner_id, b.url = fake, client, admin, banner_id, url
    b.services = services
    yield b
    await shutdown(client)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await db.close()
    await admin.close()
    await fake.stop()
    Route.BASE = saved_base


@pytest.fixture
async def steady_bot_clocks(bot):
    """For modules with day and hour rules (check-in streaks, the daily shop, hourly bounty
    boards): the game's and the bot's clocks stand still, minutes from midnight UTC and the
    top of the hour, so no test depends on when it runs."""
    async with steady_clock(bot.admin):
        yield
