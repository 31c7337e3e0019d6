"""/inventory pages by keyset: the buttons carry the unit a page starts after or ends before,
so a deep page is as cheap as the first and the buttons work after a restart."""

from __future__ import annotations

import re

from tests.discord.fake_discord import answer, button, deliver, is_callback, is_edit, slash


async def press(bot, custom_id, user, message):
    r = await deliver(bot.fake, button(bot.fake, custom_id, user, message))
    await bot.fake.wait_for(is_callback(r, 6))
    edit = await bot.fake.wait_for(is_edit(r))
    return edit.payload


def ids(payload):
    return [int(x) for x in re.findall(r"`#(\d+)`", payload["embeds"][0]["description"])]


async def test_next_and_previous_walk_the_collection_by_keyset(bot):
    await bot.admin.execute("select stardust.get_user(2231)")
    await bot.admin.execute("insert into stardust.inventory (user_id, anilist_id)"
                            " select 2231, anilist_id from stardust.characters limit 25")
    want = [r[0] for r in await bot.admin.fetch(
        "select inventory_id from stardust.inventory(2231, 'name', null, 100)")]
    p = slash(bot.fake, "inventory", 2231, sort="name")
    call, data = await answer(bot, p)
    message = bot.fake.messages[p["token"]]
    seen = [ids(data)]
    next_ = data["components"][0]["components"][1]
    assert next_["custom_id"].endswith(f":a{seen[0][-1]}")
    for n in (2, 3):
        data = await press(bot, next_["custom_id"], 2231, message)
        assert f"page {n}/3 · 25 units" in data["embeds"][0]["footer"]["text"]
        seen.append(ids(data))
        prev_, next_ = data["components"][0]["components"]
    assert sum(seen, []) == want
    assert next_.get("disabled")
    data = await press(bot, prev_["custom_id"], 2231, message)
    assert ids(data) == seen[1] and "page 2/3" in data["embeds"][0]["footer"]["text"]
    # the unit a button starts after was scrapped meanwhile: back to the first page
    prev_, next_ = data["components"][0]["components"]
    last = int(next_["custom_id"].rsplit(":a", 1)[1])
    await bot.admin.execute("delete from stardust.inventory where id = $1", last)
    data = await press(bot, next_["custom_id"], 2231, message)
    assert "page 1/3 · 24 units" in data["embeds"][0]["footer"]["text"]
    # a button from before keyset paging (no cursor) still pages by offset
    data = await press(bot, "inv:2231:3:name:-", 2231, message)
    assert "page 3/3" in data["embeds"][0]["footer"]["text"]
    assert ids(data) == [i for i in want if i != last][20:]
