"""Issue 13 sections 1 and 2 through the fake Discord: a command that unlocks an achievement
says so in its reply (name and reward), once; /pull without a banner pulls on the running
limited banner (the newest), `banner: Standard pool` (value 0) on the standard pool, and
with no banner running on the standard pool, and the reply says which."""

from __future__ import annotations

import contextlib

import pytest

from tests.discord.fake_discord import answer, autocomplete, deliver, is_callback, slash


pytestmark = pytest.mark.usefixtures("steady_bot_clocks")   # day and hour rules: a steady clock


def embed(data: dict) -> dict:
    return data["embeds"][0]


def unlocked(data: dict) -> list[str]:
    return [f["value"] for f in embed(data).get("fields", [])
            if f["name"] == "🏆 Achievement unlocked"]


async def last_pull_banner(bot, user: int):
    return await bot.admin.fetchval("select banner_id from stardust.pulls where user_id = $1"
                                    " order by id desc limit 1", user)


@contextlib.asynccontextmanager
async def no_banner_running(bot):
    """The package's banner (Festival) opens tomorrow for the duration."""
    row = await bot.admin.fetchrow("select starts_at from stardust.banners where id = $1",
                                   bot.banner_id)
    await bot.admin.execute("update stardust.banners set starts_at = stardust._now() + interval '1 day'"
                            " where id = $1", bot.banner_id)
    try:
        yield
    finally:
        await bot.admin.execute("update stardust.banners set starts_at = $2 where id = $1",
                                bot.banner_id, row["starts_at"])


# --- section 1: achievements are announced -----------------------------------------------------
async def test_starter_announces_the_achievement_it_unlocks(bot):
    call, data = await answer(bot, slash(bot.fake, "starter", 1301))
    assert "starter pack" in embed(data)["title"]
    assert "**Lucky Star** — +2,000 gems" in unlocked(data)        # its guaranteed SSR
    assert await bot.admin.fetchval("select count(*) from stardust.notifications"
                                    " where user_id = 1301") == 0     # taken: announced once
    call, data = await answer(bot, slash(bot.fake, "profile", 1301))
    assert unlocked(data) == []


async def test_a_pull_announces_what_it_unlocks_once(bot):
    await bot.admin.execute("select stardust.get_user(1302)")
    await bot.admin.execute("update stardust.users set pulls_made = 99 where user_id = 1302")
    call, data = await answer(bot, slash(bot.fake, "pull", 1302))
    assert "**Dedicated** — +3,000 gems" in unlocked(data)
    call, data = await answer(bot, slash(bot.fake, "pull", 1302))
    assert "**Dedicated** — +3,000 gems" not in unlocked(data)


async def test_an_unlock_by_a_refused_command_waits_for_the_next_success(bot):
    """Unlocked outside a command (an admin's SQL): the player's next command announces it."""
    await bot.admin.execute("select stardust.get_user(1303)")
    await bot.admin.execute("update stardust.users set pulls_made = 100 where user_id = 1303")
    await bot.admin.execute("select stardust._achieve(1303, array['pulls_made'])")
    call, data = await answer(bot, slash(bot.fake, "view", 1303, unit=1))   # refused
    assert data["flags"] & 64 and unlocked(data) == []
    call, data = await answer(bot, slash(bot.fake, "checkin", 1303))
    assert unlocked(data) == ["**Dedicated** — +3,000 gems"]


async def test_checkin_lists_its_achievement_and_does_not_announce_it_twice(bot):
    await bot.admin.execute("select stardust.get_user(1304)")
    await bot.admin.execute("update stardust.users set checkin_streak = 6,"
                            " last_checkin = (stardust._now() at time zone 'UTC')::date - 1"
                            " where user_id = 1304")
    call, data = await answer(bot, slash(bot.fake, "checkin", 1304))
    assert "Regular" in embed(data)["description"]
    assert unlocked(data) == []
    call, data = await answer(bot, slash(bot.fake, "profile", 1304))
    assert unlocked(data) == []


# --- section 2: /pull on the running banner ----------------------------------------------------
async def test_pull_uses_the_running_banner_and_says_so(bot):
    call, data = await answer(bot, slash(bot.fake, "pull", 1311))
    assert embed(data)["title"] == f"player pulled 1× on #{bot.banner_id} Festival"
    assert "running banner" in embed(data)["footer"]["text"]
    assert await last_pull_banner(bot, 1311) == bot.banner_id


async def test_pull_on_the_standard_pool_when_chosen(bot):
    call, data = await answer(bot, slash(bot.fake, "pull", 1312, banner=0))
    assert embed(data)["title"] == "player pulled 1× from the standard pool"
    assert "standard pool" in embed(data)["footer"]["text"]
    assert await bot.admin.fetchval("select count(*) from stardust.pulls where user_id = 1312"
                                    " and banner_id is null") == 1


async def test_pull_with_no_banner_running_uses_the_standard_pool_and_says_so(bot):
    async with no_banner_running(bot):
        call, data = await answer(bot, slash(bot.fake, "pull", 1313))
        assert embed(data)["title"] == "player pulled 1× from the standard pool"
        assert embed(data)["footer"]["text"].startswith("No limited banner is running")
        call, data = await answer(bot, slash(bot.fake, "banner", 1313))
        assert "standard pool" in embed(data)["footer"]["text"]
    assert await bot.admin.fetchval("select count(*) from stardust.pulls where user_id = 1313"
                                    " and banner_id is null") == 1


async def test_the_newest_running_banner_is_the_default(bot):
    newer = await bot.admin.fetchval(
        "select id from stardust.create_banner('Gala', array[1001], stardust._now() + interval '2 days')")
    try:
        call, data = await answer(bot, slash(bot.fake, "pull", 1314))
        assert embed(data)["title"] == f"player pulled 1× on #{newer} Gala"
        assert await last_pull_banner(bot, 1314) == newer
        call, data = await answer(bot, slash(bot.fake, "banner", 1314))
        assert f"/pull uses #{newer} Gala" in embed(data)["footer"]["text"]
        p = await deliver(bot.fake, autocomplete(bot.fake, "pull", 1314, "banner", ""))
        choices = (await bot.fake.wait_for(is_callback(p, 8))).payload["data"]["choices"]
        assert choices == [{"name": f"#{newer} Gala (default)", "value": newer},
                           {"name": f"#{bot.banner_id} Festival", "value": bot.banner_id},
                           {"name": "Standard pool", "value": 0}]
        # a banner chosen explicitly
        call, data = await answer(bot, slash(bot.fake, "pull", 1314, banner=bot.banner_id))
        assert embed(data)["title"] == f"player pulled 1× on #{bot.banner_id} Festival"
        assert await last_pull_banner(bot, 1314) == bot.banner_id
    finally:
        await bot.admin.execute("update stardust.banners set starts_at = stardust._now() - interval"
                                " '2 days', ends_at = stardust._now() - interval '1 day' where id = $1",
                                newer)


async def test_banner_autocomplete_offers_the_standard_pool(bot):
    p = await deliver(bot.fake, autocomplete(bot.fake, "pull", 1315, "banner", "stand"))
    call = await bot.fake.wait_for(is_callback(p, 8))
    assert call.payload["data"]["choices"] == [{"name": "Standard pool", "value": 0}]
