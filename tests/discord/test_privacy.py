"""/forget-me through the fake Discord: a private warning, Confirm / Cancel for the invoker
only, buttons that need no process memory, and a database that forgot the player."""

from __future__ import annotations

import hashlib

from bot import clock
from tests.discord.fake_discord import answer, button, deliver, is_callback, slash
from tests.helpers import assert_ledger_balanced


def user_hash(uid: int) -> str:
    return hashlib.sha256(str(uid).encode()).hexdigest()


async def exists(bot, uid: int) -> bool:
    return await bot.admin.fetchval("select exists (select 1 from stardust.users"
                                    " where user_id = $1)", uid)


async def test_forget_me_warns_privately_and_erases_on_the_invokers_confirm(bot):
    user, other = 601, 602
    await bot.admin.execute("select * from stardust.claim_starter($1)", user)
    await bot.admin.execute("select * from stardust.get_user($1)", other)
    p = await deliver(bot.fake, slash(bot.fake, "forget-me", user))
    warning = (await bot.fake.wait_for(is_callback(p, 4))).payload["data"]
    assert warning["flags"] & 64                                  # only the invoker sees it
    embed = warning["embeds"][0]
    assert "cannot be undone" in embed["description"] and "units" in embed["description"]
    buttons = {b["label"]: b["custom_id"] for b in warning["components"][0]["components"]}
    assert set(buttons) == {"Confirm", "Cancel"}
    message = bot.fake.messages[p["token"]]
    assert await exists(bot, user)                                # nothing erased yet

    # someone else presses Confirm: refused privately, nothing erased
    q = await deliver(bot.fake, button(bot.fake, buttons["Confirm"], other, message))
    refusal = await bot.fake.wait_for(is_callback(q, 4))
    assert refusal.payload["data"]["flags"] & 64
    assert await exists(bot, user)

    # Cancel: the message says so, nothing erased
    r = await deliver(bot.fake, button(bot.fake, buttons["Cancel"], user, message))
    cancelled = (await bot.fake.wait_for(is_callback(r, 7))).payload["data"]
    assert cancelled["embeds"][0]["title"] == "Nothing was erased"
    assert cancelled["components"] == []
    assert await exists(bot, user)

    # Confirm: the warning becomes the answer, the player is gone, the erasure recorded
    s = await deliver(bot.fake, button(bot.fake, buttons["Confirm"], user, message))
    done = (await bot.fake.wait_for(is_callback(s, 7))).payload["data"]
    assert done["embeds"][0]["title"] == "Your data has been erased"
    assert "records about you were deleted" in done["embeds"][0]["description"]
    assert done["components"] == []
    assert not await exists(bot, user)
    assert await bot.admin.fetchval("select count(*) from stardust.inventory"
                                    " where user_id = $1", user) == 0
    rec = await bot.admin.fetchrow("select * from stardust.erasures where user_hash = $1",
                                   user_hash(user))
    assert rec["request_id"] == f"{p['id']}:confirm"

    # a second press (or Discord's retry) erases once and answers the same
    t = await deliver(bot.fake, button(bot.fake, buttons["Confirm"], user, message))
    again = (await bot.fake.wait_for(is_callback(t, 7))).payload["data"]
    assert again["embeds"][0]["description"] == done["embeds"][0]["description"]
    assert await bot.admin.fetchval("select count(*) from stardust.erasures"
                                    " where user_hash = $1", user_hash(user)) == 1
    await assert_ledger_balanced(bot.admin)


async def test_forget_me_buttons_need_no_memory_and_expire(bot):
    """A button made by another process (a bot restarted since) works from its custom id
    alone; an expired one erases nothing."""
    user = 603
    await bot.admin.execute("select * from stardust.get_user($1)", user)
    old = int(clock.time()) - 3600
    p = await deliver(bot.fake, button(bot.fake, f"fm:ok:{user}:{old}:123", user,
                                       {"id": "1", "channel_id": "1"}))
    call = await bot.fake.wait_for(is_callback(p, 7))
    assert "expired" in call.payload["data"]["embeds"][0]["title"]
    assert await exists(bot, user)
    now = int(clock.time())
    p = await deliver(bot.fake, button(bot.fake, f"fm:ok:{user}:{now}:456", user,
                                       {"id": "1", "channel_id": "1"}))
    call = await bot.fake.wait_for(is_callback(p, 7))
    assert call.payload["data"]["embeds"][0]["title"] == "Your data has been erased"
    assert not await exists(bot, user)


async def test_forget_me_for_someone_the_game_never_met(bot):
    call, data = await answer(bot, slash(bot.fake, "forget-me", 604))
    assert data["flags"] & 64
    assert not await exists(bot, 604)                   # asking creates no player
    confirm = next(b["custom_id"] for b in data["components"][0]["components"]
                   if b["label"] == "Confirm")
    p = await deliver(bot.fake, button(bot.fake, confirm, 604, {"id": "1", "channel_id": "1"}))
    done = (await bot.fake.wait_for(is_callback(p, 7))).payload["data"]
    assert "nothing to erase" in done["embeds"][0]["description"]
    assert not await exists(bot, 604)
