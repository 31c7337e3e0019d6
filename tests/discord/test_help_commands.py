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
