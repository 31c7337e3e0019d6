"""Every command through the fake Discord: what the player sees, what the database did."""

from __future__ import annotations

import aiohttp

from bot.db import Database
from bot.discord.client import start_health_server
from tests.discord.conftest import ADMIN
from tests.discord.fake_discord import answer, button, deliver, image_of, is_callback, is_edit, slash


async def test_starter_then_again(bot):
    call, data = await answer(bot, slash(bot.fake, "starter", 201))
    assert "starter pack" in data["embeds"][0]["title"]
    assert image_of(call).size[0] > 200
    call, data = await answer(bot, slash(bot.fake, "starter", 201))
    assert data["flags"] & 64 and data["embeds"][0]["title"] == "Already done"


async def test_inventory_pages_and_buttons(bot):
    await bot.admin.execute("select stardust.get_user(202)")
    await bot.admin.execute("insert into stardust.inventory (user_id, anilist_id)"
                            " select 202, anilist_id from stardust.characters limit 23")
    p = slash(bot.fake, "inventory", 202, sort="power")
    call, data = await answer(bot, p)
    assert "page 1/3 · 23 units" in data["embeds"][0]["footer"]["text"]
    prev_, next_ = data["components"][0]["components"]
    assert prev_.get("disabled") and not next_.get("disabled")
    message = bot.fake.messages[p["token"]]
    # another player cannot turn the pages
    q = await deliver(bot.fake, button(bot.fake, next_["custom_id"], 299, message))
    refusal = await bot.fake.wait_for(is_callback(q, 4))
    assert refusal.payload["data"]["flags"] & 64
    assert p["token"] in bot.fake.messages, "the refusal must leave the message alone"
    assert not [c for c in bot.fake.calls if c.method == "DELETE"
                and (q["token"] in c.path or p["token"] in c.path)]
    # the owner can: the message is edited in place
    r = await deliver(bot.fake, button(bot.fake, next_["custom_id"], 202, message))
    await bot.fake.wait_for(is_callback(r, 6))                # deferred update
    edit = await bot.fake.wait_for(is_edit(r))
    assert "page 2/3" in edit.payload["embeds"][0]["footer"]["text"]
    assert list(edit.files) == ["collection.png"]


async def test_view_lock_scrap(bot):
    await bot.admin.execute("select stardust.get_user(203)")
    unit = await bot.admin.fetchval("insert into stardust.inventory (user_id, anilist_id,"
                                    " dupe_level) values (203, 1010, 2) returning id")
    call, data = await answer(bot, slash(bot.fake, "view", 203, unit=unit))
    assert data["embeds"][0]["footer"]["text"] == f"unit #{unit}"
    assert image_of(call).size[1] > 200
    call, data = await answer(bot, slash(bot.fake, "lock", 203, unit=unit))
    assert data["flags"] & 64 and "now locked" in data["embeds"][0]["description"]
    call, data = await answer(bot, slash(bot.fake, "scrap", 203, "unit", unit=unit))
    assert data["flags"] & 64 and data["embeds"][0]["title"] == "That unit is protected"
    await answer(bot, slash(bot.fake, "unlock", 203, unit=unit))
    call, data = await answer(bot, slash(bot.fake, "scrap", 203, "unit", unit=unit))
    assert "+1,500 gems" in data["embeds"][0]["description"]        # SR 500 x 3 copies
    call, data = await answer(bot, slash(bot.fake, "view", 203, unit=unit))
    assert data["flags"] & 64 and data["embeds"][0]["title"] == "Not your unit"


async def test_team_set_and_view(bot):
    await bot.admin.execute("select stardust.get_user(204)")
    ids = [r[0] for r in await bot.admin.fetch(
        "insert into stardust.inventory (user_id, anilist_id) select 204, anilist_id"
        " from stardust.characters order by anilist_id limit 3 returning id")]
    call, data = await answer(bot, slash(bot.fake, "team", 204, "set", unit1=ids[0],
                                         unit3=ids[2]))
    power = await bot.admin.fetchval("select stardust.team_power(204)")
    assert data["embeds"][0]["fields"][0]["value"] == f"{power:,}"
    call, data = await answer(bot, slash(bot.fake, "team", 204, "view"))
    assert "**1.**" in data["embeds"][0]["description"]
    assert "**3.**" in data["embeds"][0]["description"]
    assert image_of(call).size[0] > 500


async def test_team_set_delivered_again_keeps_the_team_changed_since(bot):
    """Discord delivers a /team set again after the player changed their team: the retry
    answers what the first delivery answered and the later team stays (it was reverted)."""
    await bot.admin.execute("select stardust.get_user(210)")
    ids = [r[0] for r in await bot.admin.fetch(
        "insert into stardust.inventory (user_id, anilist_id) select 210, anilist_id"
        " from stardust.characters order by anilist_id limit 3 returning id")]
    first = slash(bot.fake, "team", 210, "set", unit1=ids[0], unit3=ids[1])
    call, data = await answer(bot, first)
    shown = data["embeds"][0]
    assert shown["title"] == "Team saved" and shown["description"].count("**") == 4
    await answer(bot, slash(bot.fake, "team", 210, "set", unit1=ids[2]))
    team = "select array_agg(id order by team_slot) from stardust.inventory" \
           " where user_id = 210 and team_slot is not null"
    assert await bot.admin.fetchval(team) == [ids[2]]

    await deliver(bot.fake, first)                                   # Discord retried it
    retry = await bot.fake.wait_for(lambda c: is_edit(first)(c) and c is not call)
    again = retry.payload["embeds"][0]
    # the first answer announced the team achievements it unlocked; announcements are
    # taken once, so the retry shows the same team without them
    game = [f for f in shown["fields"] if f["name"] != "🏆 Achievement unlocked"]
    assert len(game) < len(shown["fields"])
    assert (again["title"], again["description"], again["fields"]) == \
        (shown["title"], shown["description"], game)
    assert await bot.admin.fetchval(team) == [ids[2]]
    assert await bot.admin.fetchval("select count(*) from stardust.requests where user_id = 210"
                                    " and fn = 'set_team'") == 2


async def test_banner_rates_history_profile(bot):
    call, data = await answer(bot, slash(bot.fake, "banner", 205))
    assert "Festival" in data["embeds"][0]["description"]
    assert image_of(call)
    call, data = await answer(bot, slash(bot.fake, "rates", 205))
    assert [f["name"] for f in data["embeds"][0]["fields"]] == ["SSR", "SR", "R"]
    assert "2.388 %" in data["embeds"][0]["fields"][0]["value"]
    await bot.admin.execute("select * from stardust.pull(205, 3)")
    call, data = await answer(bot, slash(bot.fake, "history", 205))
    assert data["flags"] & 64 and data["embeds"][0]["description"].count("\n") == 2
    call, data = await answer(bot, slash(bot.fake, "profile", 205))
    fields = {f["name"]: f["value"] for f in data["embeds"][0]["fields"]}
    bonus = await bot.admin.fetchval("select coalesce(sum(gems_delta), 0) from stardust.ledger"
                                     " where user_id = 205 and reason = 'achievement'")
    assert fields["Gems"] == f"{7000 + bonus:,}" and fields["Pity"].endswith("/90")


async def test_spark_on_the_banner(bot):
    cost = await bot.admin.fetchval("select spark_cost from stardust.banners where id = $1",
                                    bot.banner_id)
    await bot.admin.execute("update stardust.banners set spark_cost = 10 where id = $1",
                            bot.banner_id)
    try:
        await bot.admin.execute("select * from stardust.pull(206, 10, $1)", bot.banner_id)
        call, data = await answer(bot, slash(bot.fake, "spark", 206, banner=bot.banner_id,
                                             character=1005))
        assert "sparked Character 1005" in data["embeds"][0]["title"]
        call, data = await answer(bot, slash(bot.fake, "spark", 206, banner=bot.banner_id,
                                             character=1005))
        assert data["flags"] & 64 and data["embeds"][0]["title"] == "Not enough spark points"
    finally:                                    # the banner is shared by every Discord test
        await bot.admin.execute("update stardust.banners set spark_cost = $2 where id = $1",
                                bot.banner_id, cost)


async def test_admin_grant_only_for_admins(bot):
    p = slash(bot.fake, "admin", 207, "grant", gems=500)
    p["data"]["options"][0]["options"].append({"name": "user", "type": 6, "value": "208"})
    p["data"]["resolved"] = {"users": {"208": {"id": "208", "username": "x",
                                               "discriminator": "0", "avatar": None}}}
    call, data = await answer(bot, p)
    assert data["flags"] & 64 and "Only the bot's admins" in data["embeds"][0]["description"]
    q = slash(bot.fake, "admin", ADMIN, "grant", gems=500)
    q["data"]["options"][0]["options"].append({"name": "user", "type": 6, "value": "208"})
    q["data"]["resolved"] = p["data"]["resolved"]
    call, data = await answer(bot, q)
    assert "10,500 gems" in data["embeds"][0]["description"]
    reason = await bot.admin.fetchval("select reason from stardust.ledger where user_id = 208"
                                      " and reason <> 'signup'")
    assert reason == f"admin (by {ADMIN})"


async def test_health_endpoint(bot, unused_tcp_port):
    runner = await start_health_server(bot.client, bot.services, "127.0.0.1", unused_tcp_port)
    url = f"http://127.0.0.1:{unused_tcp_port}/healthz"
    try:
        async with aiohttp.ClientSession() as s:
            async with s.get(url) as r:
                assert r.status == 200
                body = await r.json()
                assert body["database"] is True and body["gateway"] is True
                assert body["shards"]["0"]["connected"] is True
            (shard,) = bot.client.shards
            shard._shard_ready.clear()                       # the shard lost its session
            try:
                async with s.get(url) as r:
                    body = await r.json()
                    assert r.status == 503 and body["gateway"] is False
                    assert body["shards"]["0"]["connected"] is False
            finally:                            # the client is shared by every Discord test
                shard._shard_ready.set()
            real = bot.services.db
            broken = await Database.connect(bot.url, max_size=1)
            await broken.close()
            bot.services.db = broken
            try:
                async with s.get(url) as r:
                    assert r.status == 503 and (await r.json())["database"] is False
            finally:
                bot.services.db = real
    finally:
        await runner.cleanup()


async def test_pool_without_statement_cache_works(bot):
    """DB_STATEMENT_CACHE=0 (PgBouncer / Supabase pooler in transaction mode)."""
    db = await Database.connect(bot.url, statement_cache=False, max_size=2)
    try:
        for _ in range(3):
            rows = await db.pull(209, 1, None, None)
            assert len(rows) == 1
        assert db.pool._connect_kwargs["statement_cache_size"] == 0
        banners = await db.list_banners()
        assert isinstance(banners[0]["featured"], list)
    finally:
        await db.close()
