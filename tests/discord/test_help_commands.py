"""/help, /skills and /skill through the fake Discord (issue 13, 4)."""

from __future__ import annotations

from tests.discord.fake_discord import answer, autocomplete, deliver, is_callback, slash


async def test_help_overview_lists_every_command_with_its_description(bot):
    from bot.console import summaries
    call, data = await answer(bot, slash(bot.fake, "help", 1401))
    embed = data["embeds"][0]
    assert embed["title"] == "Stardust commands"
    for path, summary in summaries().items():
        assert f"/{path} — {summary}" in embed["description"], path
    assert "/help command:" in embed["footer"]["text"]


async def test_help_page_for_pull_lists_its_options(bot):
    call, data = await answer(bot, slash(bot.fake, "help", 1402, command="pull"))
    embed = data["embeds"][0]
    assert embed["title"] == "/pull"
    text = embed["description"]
    assert text.startswith("Pull characters")
    assert "**count** (a whole number, optional; 1 to 10)" in text
    assert "**banner** (a whole number, optional" in text
    call, data = await answer(bot, slash(bot.fake, "help", 1402, command="/team set"))
    assert data["embeds"][0]["title"] == "/team set"
    assert "**unit1** (a whole number, required" in data["embeds"][0]["description"]
    call, data = await answer(bot, slash(bot.fake, "help", 1402, command="nonsense"))
    assert data["flags"] & 64 and data["embeds"][0]["title"] == "No such command"
    p = await deliver(bot.fake, autocomplete(bot.fake, "help", 1402, "command", "tea", 3))
    choices = (await bot.fake.wait_for(is_callback(p, 8))).payload["data"]["choices"]
    assert choices == [{"name": "/team set", "value": "team set"},
                       {"name": "/team view", "value": "team view"}]
    # reading help creates no player
    assert await bot.admin.fetchval("select count(*) from stardust.users"
                                    " where user_id = 1402") == 0


async def test_skills_and_one_skill(bot):
    rows = await bot.admin.fetch("select name, description from stardust.skills")
    assert rows
    call, data = await answer(bot, slash(bot.fake, "skills", 1403))
    embed = data["embeds"][0]
    assert embed["title"] == "Skills"
    for r in rows:
        assert f"**{r['name']}**" in embed["description"]
        assert r["description"] in embed["description"]
    name, description = rows[0]["name"], rows[0]["description"]
    call, data = await answer(bot, slash(bot.fake, "skill", 1403, name=name.upper()))
    assert data["embeds"][0]["title"] == name
    assert data["embeds"][0]["description"] == description
    call, data = await answer(bot, slash(bot.fake, "skill", 1403, name="No Such Skill"))
    assert data["flags"] & 64
    assert "no such skill" in data["embeds"][0]["description"].lower()
    p = await deliver(bot.fake, autocomplete(bot.fake, "skill", 1403, "name", name[:4], 3))
    choices = (await bot.fake.wait_for(is_callback(p, 8))).payload["data"]["choices"]
    assert {"name": name, "value": name} in choices


# --- another player's profile, team and achievements (issue 13, 4) ---------------------------
def about(payload: dict, uid: int, name: str = "Rin") -> dict:
    """Add a USER option `user` (with Discord's resolved user data) to a slash payload."""
    data = payload["data"]
    opts = data["options"][0]["options"] if data["options"] and \
        data["options"][0].get("type") == 1 else data["options"]
    opts.append({"name": "user", "type": 6, "value": str(uid)})
    data["resolved"] = {"users": {str(uid): {"id": str(uid), "username": name,
                                             "discriminator": "0", "avatar": None}}}
    return payload


async def users(bot) -> int:
    return await bot.admin.fetchval("select count(*) from stardust.users")


async def test_looking_at_another_player(bot):
    from tests.discord.test_battle_commands import give_team
    await give_team(bot, 1411)
    await bot.admin.execute("select stardust.get_user(1410)")
    before = await bot.admin.fetchval(
        "select (gems, coins, team_xp)::text from stardust.users where user_id = 1411")
    call, data = await answer(bot, about(slash(bot.fake, "profile", 1410), 1411))
    embed = data["embeds"][0]
    assert embed["title"] == "Rin's profile"
    assert any(f["name"] == "Team power" and f["value"] != "0" for f in embed["fields"])
    call, data = await answer(bot, about(slash(bot.fake, "team", 1410, "view"), 1411))
    assert data["embeds"][0]["title"] == "Rin's team"
    assert data["embeds"][0]["description"].count("(SSR)") == 5
    call, data = await answer(bot, about(slash(bot.fake, "achievements", 1410), 1411))
    assert data["embeds"][0]["title"].startswith("Rin's achievements (")
    assert await bot.admin.fetchval(
        "select (gems, coins, team_xp)::text from stardust.users where user_id = 1411") == before
    # someone who never played: a sentence, and still no player row for them
    n = await users(bot)
    for payload in (slash(bot.fake, "profile", 1410), slash(bot.fake, "team", 1410, "view"),
                    slash(bot.fake, "achievements", 1410)):
        call, data = await answer(bot, about(payload, 1419, "Nova"))
        assert data["flags"] & 64
        assert data["embeds"][0]["description"] == "Nova has not played yet."
    assert await users(bot) == n
    assert await bot.admin.fetchval("select count(*) from stardust.users"
                                    " where user_id = 1419") == 0
