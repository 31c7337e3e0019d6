"""End to end through a fake Discord: the real interactions.py client, the real handlers and
renderers, a real migrated database."""

from __future__ import annotations

import io
import json
import logging

from PIL import Image

from bot import clock
from tests.discord.fake_discord import (autocomplete, button, deliver, is_callback, is_edit,
                                        is_followup, slash)
from tests.helpers import assert_ledger_balanced


async def achievement_gems(bot, user: int) -> int:
    """Gems paid to a user by achievements (a pull's first SSR unlocks one)."""
    return await bot.admin.fetchval("select coalesce(sum(gems_delta), 0) from stardust.ledger"
                                    " where user_id = $1 and reason = 'achievement'", user)


def png_size(blob: bytes) -> tuple[int, int]:
    img = Image.open(io.BytesIO(blob))
    assert img.format == "PNG"
    return img.size


async def test_commands_are_registered(bot):
    names = {c["name"] for cmds in bot.fake.commands.values() for c in cmds}
    assert {"pull", "spark", "starter", "banner", "rates", "history", "inventory", "view",
            "lock", "unlock", "scrap", "team", "profile", "admin"} <= names


async def test_pull_ten_defers_then_edits_with_an_image(bot):
    p = await deliver(bot.fake, slash(bot.fake, "pull", 101, count=10))
    defer = await bot.fake.wait_for(is_callback(p))
    assert defer.payload == {"type": 5}                        # deferred, public
    edit = await bot.fake.wait_for(is_edit(p))
    embed = edit.payload["embeds"][0]
    assert embed["title"].startswith("player pulled 10")
    assert embed["image"]["url"] == "attachment://pull.png"
    assert list(edit.files) == ["pull.png"]
    w, h = png_size(edit.files["pull.png"])
    assert w > h > 100
    row = await bot.admin.fetchrow("select * from stardust.pulls where request_id = $1", p["id"])
    assert row["user_id"] == 101 and len(row["units"]) == 10
    # an SSR in the pull unlocks an achievement, which pays gems: count them in
    assert await bot.admin.fetchval("select gems from stardust.users where user_id = 101") == \
        await achievement_gems(bot, 101)


async def test_same_interaction_delivered_twice_is_charged_once(bot):
    await bot.admin.execute("select stardust.grant(102, 50000)")
    p = slash(bot.fake, "pull", 102, count=10)
    await deliver(bot.fake, p)
    first = await bot.fake.wait_for(is_edit(p))
    await deliver(bot.fake, p)                                       # Discord retried the event
    await bot.fake.wait_for(lambda c: is_edit(p)(c) and c is not first)   # its answer
    edits = [c for c in bot.fake.calls if is_edit(p)(c)]
    assert len(edits) == 2
    assert edits[1].payload["embeds"][0]["description"] == first.payload["embeds"][0]["description"]
    assert await bot.admin.fetchval("select count(*) from stardust.pulls where user_id = 102") == 1
    assert await bot.admin.fetchval("select gems from stardust.users where user_id = 102") == \
        50000 + await achievement_gems(bot, 102)
    await assert_ledger_balanced(bot.admin)


async def test_no_gems_is_a_private_friendly_error(bot):
    await bot.admin.execute("select stardust.grant(103, -9000)")      # 1,000 gems left
    p = await deliver(bot.fake, slash(bot.fake, "pull", 103, count=10))
    await bot.fake.wait_for(is_callback(p, 5))
    follow = await bot.fake.wait_for(is_followup(p))
    assert follow.payload["flags"] & 64                           # ephemeral
    text = follow.payload["embeds"][0]["description"]
    assert "9,000" in text and "more gems" in text
    assert "Traceback" not in json.dumps(follow.payload)
    # the public "thinking…" message was removed
    await bot.fake.wait_for(lambda c: c.method == "DELETE" and p["token"] in c.path)
    assert await bot.admin.fetchval("select gems from stardust.users where user_id = 103") == 1000


async def test_banner_autocomplete_offers_running_banners(bot):
    p = await deliver(bot.fake, autocomplete(bot.fake, "pull", 104, "banner", "fest"))
    call = await bot.fake.wait_for(is_callback(p, 8))
    assert call.payload["data"]["choices"] == [
        {"name": f"#{bot.banner_id} Festival (default)", "value": bot.banner_id}]


async def test_unit_autocomplete_offers_owned_units(bot):
    await bot.admin.execute("select * from stardust.claim_starter(105)")
    p = await deliver(bot.fake, autocomplete(bot.fake, "view", 105, "unit", ""))
    call = await bot.fake.wait_for(is_callback(p, 8))
    choices = call.payload["data"]["choices"]
    owned = {r[0] for r in await bot.admin.fetch(
        "select id from stardust.inventory where user_id = 105")}
    assert choices and {c["value"] for c in choices} <= owned


async def test_mass_scrap_preview_confirm_by_invoker_only(bot):
    user, other = 106, 107
    await bot.admin.execute("select stardust.get_user($1)", user)
    await bot.admin.execute("insert into stardust.inventory (user_id, anilist_id, dupe_level)"
                            " select $1, anilist_id, 1 from stardust.characters"
                            " where rarity = 'R' limit 5", user)
    p = await deliver(bot.fake, slash(bot.fake, "scrap", user, "mass", rarity="R"))
    preview = await bot.fake.wait_for(is_callback(p, 4))
    data = preview.payload["data"]
    assert "**5 R units**" in data["embeds"][0]["description"]
    buttons = data["components"][0]["components"]
    confirm = next(b for b in buttons if b["label"] == "Confirm")["custom_id"]
    message = bot.fake.messages[p["token"]]

    # someone else presses Confirm: refused privately, nothing scrapped
    q = await deliver(bot.fake, button(bot.fake, confirm, other, message))
    refusal = await bot.fake.wait_for(is_callback(q, 4))
    assert refusal.payload["data"]["flags"] & 64
    assert await bot.admin.fetchval("select count(*) from stardust.inventory"
                                    " where user_id = $1", user) == 5

    # the invoker confirms: the message is updated, the units are gone, paid once
    r = await deliver(bot.fake, button(bot.fake, confirm, user, message))
    done = await bot.fake.wait_for(is_callback(r, 7))
    assert "Scrapped **5 R units**" in done.payload["data"]["embeds"][0]["description"]
    assert done.payload["data"]["components"] == []
    assert await bot.admin.fetchval("select count(*) from stardust.inventory"
                                    " where user_id = $1", user) == 0
    # a second press does not scrap or pay twice
    s = await deliver(bot.fake, button(bot.fake, confirm, user, message))
    await bot.fake.wait_for(is_callback(s, 7))
    assert await bot.admin.fetchval("select count(*) from stardust.scrap_log"
                                    " where user_id = $1", user) == 1
    assert await bot.admin.fetchval("select gems from stardust.users where user_id = $1",
                                    user) == 10000 + 5 * 2 * 100
    await assert_ledger_balanced(bot.admin)


async def test_stale_mass_scrap_button_is_refused(bot):
    user = 108
    await bot.admin.execute("select stardust.get_user($1)", user)
    await bot.admin.execute("insert into stardust.inventory (user_id, anilist_id)"
                            " select $1, anilist_id from stardust.characters"
                            " where rarity = 'R' limit 2", user)
    old = int(clock.time()) - 3600
    stale = f"ms:ok:{user}:R:2:{old}:123"
    p = await deliver(bot.fake, button(bot.fake, stale, user, {"id": "1", "channel_id": "1"}))
    call = await bot.fake.wait_for(is_callback(p, 7))
    assert "expired" in call.payload["data"]["embeds"][0]["title"]
    assert await bot.admin.fetchval("select count(*) from stardust.inventory"
                                    " where user_id = $1", user) == 2


async def test_unexpected_error_is_logged_and_the_player_gets_an_apology(bot, caplog):
    await bot.admin.execute("alter function stardust.profile(bigint) rename to profile_gone")
    try:
        with caplog.at_level(logging.ERROR, logger="stardust.discord"):
            p = await deliver(bot.fake, slash(bot.fake, "profile", 109))
            follow = await bot.fake.wait_for(is_followup(p))
        assert follow.payload["flags"] & 64
        assert follow.payload["embeds"][0]["title"] == "Something went wrong"
        assert "Traceback" not in json.dumps(follow.payload)
        assert any("command failed" in r.getMessage() for r in caplog.records)
    finally:
        await bot.admin.execute("alter function stardust.profile_gone(bigint) rename to profile")
