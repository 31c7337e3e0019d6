"""Input PostgreSQL cannot take, typed into Discord: a plain private refusal, no apology."""

from __future__ import annotations

from tests.discord.fake_discord import answer, slash


async def test_a_nul_character_or_a_huge_number_is_refused_plainly(bot):
    for payload in (slash(bot.fake, "redeem", 9301, code="WEL\x00COME"),
                    slash(bot.fake, "pull", 9301, count=2**40)):
        call, data = await answer(bot, payload)
        embed = data["embeds"][0]
        assert data["flags"] & 64 and embed["title"] == "That didn't work", embed
        assert "Sorry" not in embed.get("description", "")
    assert await bot.admin.fetchval(
        "select count(*) from stardust.ledger where user_id = 9301 and reason <> 'signup'") == 0
