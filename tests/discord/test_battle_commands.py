"""Battle, bounty, item and preset commands through the fake Discord."""

from __future__ import annotations

import pytest

from tests.discord.fake_discord import GUILD_ID, answer, image_of, slash


pytestmark = pytest.mark.usefixtures("steady_bot_clocks")   # day and hour rules: a steady clock


async def give_team(bot, user: int, dupe: int = 10) -> list[int]:
    await bot.admin.execute("select stardust.get_user($1)", user)
    ids = [r[0] for r in await bot.admin.fetch(
        "insert into stardust.inventory (user_id, anilist_id, dupe_level) select $1, anilist_id,"
        " $2 from stardust.characters where rarity = 'SSR' order by anilist_id limit 5"
        " returning id", user, dupe)]
    await bot.admin.execute("select stardust.set_team($1, $2::bigint[])", user, ids)
    return ids


def with_user(payload: dict, name: str, uid: int) -> dict:
    opts = payload["data"]["options"][0]["options"]
    opts.append({"name": name, "type": 6, "value": str(uid)})
    payload["data"]["resolved"] = {"users": {str(uid): {"id": str(uid), "username": "foe",
                                                        "discriminator": "0", "avatar": None}}}
    return payload


async def test_battle_npc_shows_the_result_and_its_log(bot):
    await give_team(bot, 301)
    call, data = await answer(bot, slash(bot.fake, "battle", 301, "npc", difficulty="easy"))
    embed = data["embeds"][0]
    assert embed["title"] == "player vs the easy NPC team"
    assert embed["description"].startswith("**WIN**")            # 5 SSR at +10 vs 5 R
    assert image_of(call).size == (900, 520)
    battle_id = int(embed["footer"]["text"].split("#")[1].split()[0])
    call, data = await answer(bot, slash(bot.fake, "battle", 301, "log", battle=battle_id))
    text = data["embeds"][0]["description"]
    assert text.count("`A") == 5 and text.count("`D") == 5 and "**WIN" in text


async def test_battle_pvp_and_empty_team(bot):
    await give_team(bot, 302)
    call, data = await answer(bot, with_user(slash(bot.fake, "battle", 303, "pvp"),
                                             "opponent", 302))
    assert data["flags"] & 64 and data["embeds"][0]["title"] == "Your team is empty"
    await give_team(bot, 303, dupe=0)
    call, data = await answer(bot, with_user(slash(bot.fake, "battle", 303, "pvp"),
                                             "opponent", 302))
    assert "vs <@302>" in data["embeds"][0]["title"]
    assert await bot.admin.fetchval("select count(*) from stardust.battles where kind = 'pvp'"
                                    " and attacker_id = 303 and defender_id = 302") == 1


async def test_bounty_board_fight_gift_and_items(bot):
    await give_team(bot, 304)
    call, data = await answer(bot, slash(bot.fake, "bounty", 304, "board"))
    assert data["embeds"][0]["title"] == "Bounty board"
    assert image_of(call).size == (900, 400)
    # this server's board (other tests make boards and raids in other servers)
    board = await bot.admin.fetchval("select board_id from stardust.guilds where guild_id = $1",
                                     int(GUILD_ID))
    await bot.admin.execute("update stardust.bounty_slots set tier = 'R', enemy_power = 30000"
                            " where board_id = $1 and slot = 2", board)
    call, data = await answer(bot, slash(bot.fake, "bounty", 304, "fight", slot=2))
    fields = {f["name"]: f["value"] for f in data["embeds"][0]["fields"]}
    assert data["embeds"][0]["description"].startswith("**WIN**")
    assert fields == {"Rewards": "1× Small bond gift", "Keys left": "2",
                      # the first bounty cleared unlocks an achievement: announced (issue 13)
                      "🏆 Achievement unlocked": "**Bounty Hunter** — +50 coins"}
    call, data = await answer(bot, slash(bot.fake, "bounty", 304, "fight", slot=2))
    assert data["flags"] & 64 and data["embeds"][0]["title"] == "Already done"
    call, data = await answer(bot, slash(bot.fake, "items", 304))
    assert "**1×** Small bond gift" in data["embeds"][0]["description"]
    unit = (await bot.admin.fetch("select id from stardust.inventory where user_id = 304"
                                  " order by id"))[0][0]
    call, data = await answer(bot, slash(bot.fake, "gift", 304, unit=unit, item="bond_small"))
    assert "bond level **1**" in data["embeds"][0]["description"]
    assert "40 EXP to the next level" in data["embeds"][0]["description"]
    call, data = await answer(bot, slash(bot.fake, "gift", 304, unit=unit, item="bond_small"))
    assert data["flags"] & 64 and data["embeds"][0]["title"] == "Not enough"


async def test_presets(bot):
    ids = await give_team(bot, 305)
    call, data = await answer(bot, slash(bot.fake, "preset", 305, "save", name="Main"))
    assert "Preset **Main** saved (5 units)" in data["embeds"][0]["description"]
    await bot.admin.execute("select stardust.set_team(305, $1::bigint[])", ids[:1])
    call, data = await answer(bot, slash(bot.fake, "preset", 305, "load", name="main"))
    assert data["embeds"][0]["title"] == "Preset main loaded"
    assert await bot.admin.fetchval("select count(*) from stardust.inventory where user_id = 305"
                                    " and team_slot is not null") == 5
    call, data = await answer(bot, slash(bot.fake, "preset", 305, "list"))
    assert data["embeds"][0]["description"].startswith("**Main**")
    call, data = await answer(bot, slash(bot.fake, "preset", 305, "delete", name="MAIN"))
    assert "deleted" in data["embeds"][0]["description"]
    call, data = await answer(bot, slash(bot.fake, "preset", 305, "load", name="main"))
    assert data["flags"] & 64 and "no preset" in data["embeds"][0]["description"]


async def test_gift_passes_the_quantity(bot):
    unit = (await give_team(bot, 306))[0]
    await bot.admin.execute("select stardust.grant_item(306, 'bond_small', 5)")
    call, data = await answer(bot, slash(bot.fake, "gift", 306, unit=unit, item="bond_small",
                                         qty=3))
    assert "Used 3, 2 left." in data["embeds"][0]["description"]
    assert await bot.admin.fetchval("select qty from stardust.user_items where user_id = 306"
                                    " and item = 'bond_small'") == 2
