"""/admin grant as in production: the bot logged in through the bot role, so its grants are
capped per UTC day; past the cap the admin is told, in plain words, what is left today."""

from __future__ import annotations

import asyncpg

from bot.db import Database, _init_connection
from tests.discord.conftest import ADMIN
from tests.discord.fake_discord import answer, slash
from tests.helpers import steady_clock


def admin_grant(bot, target: int, **options) -> dict:
    p = slash(bot.fake, "admin", ADMIN, "grant", **options)
    p["data"]["options"][0]["options"].append({"name": "user", "type": 6, "value": str(target)})
    p["data"]["resolved"] = {"users": {str(target): {"id": str(target), "username": "x",
                                                     "discriminator": "0", "avatar": None}}}
    return p


async def test_admin_grant_through_the_bot_role_stops_at_the_daily_cap(bot):
    async with steady_clock(bot.admin):                 # one UTC day's cap throughout
        await grants_until_the_cap(bot)


async def grants_until_the_cap(bot):
    pool = await asyncpg.create_pool(bot.url, min_size=1, max_size=2, init=_init_connection,
                                     server_settings={"role": "stardust_bot"})
    owner_db = bot.services.db
    caps = {r["key"]: r["value"] for r in await bot.admin.fetch(
        "select key, value::text from stardust.settings"
        " where key in ('bot_grant_daily_gems', 'bot_grant_daily_coins')")}
    bot.services.db = Database(pool)
    try:
        await bot.admin.execute("select stardust.set_setting('bot_grant_daily_gems', '1000')")
        await bot.admin.execute("select stardust.set_setting('bot_grant_daily_coins', '100')")
        call, data = await answer(bot, admin_grant(bot, 231, gems=800, coins=30))
        assert "10,800 gems and 30 coins" in data["embeds"][0]["description"]
        call, data = await answer(bot, admin_grant(bot, 231, gems=500))
        text = data["embeds"][0]["description"]
        assert data["flags"] & 64 and data["embeds"][0]["title"] == "Daily grant limit reached"
        assert "**200** gems and **70** coins" in text and "p_" not in text
        assert await bot.admin.fetchval("select gems from stardust.users where user_id = 231"
                                        ) == 10_800
        audit = await bot.admin.fetch("select admin_id, gems, coins, via from"
                                      " stardust.admin_grants where user_id = 231")
        assert [tuple(r) for r in audit] == [(ADMIN, 800, 30, "bot")]
    finally:
        bot.services.db = owner_db
        await pool.close()
        for key, value in caps.items():                 # the settings the other tests see
            await bot.admin.execute("select stardust.set_setting($1, $2::text::jsonb)", key,
                                    value)
