"""/fairness through the fake Discord: the commitment, the client seed and nonce, setting the
client seed, the revealed seeds; /rates points to it."""

from __future__ import annotations

import hashlib

from tests.discord.fake_discord import answer, slash


def fields_of(data: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in data["embeds"][0]["fields"]}


async def test_fairness_shows_sets_and_reveals(bot):
    active = await bot.admin.fetchrow("select id, commitment from stardust.server_seeds"
                                      " where revealed_at is null order by id desc limit 1")
    call, data = await answer(bot, slash(bot.fake, "fairness", 3301))
    assert data["flags"] & 64                                   # for the player only
    f = fields_of(data)
    assert f"#{active['id']}" in f["Active server seed"]
    assert active["commitment"] in f["Active server seed"]
    assert (f["Your client seed"], f["Your next nonce"]) == ("`3301`", "0")
    assert "stardust verify --user 3301" in f["How to verify"]
    seed = await bot.admin.fetchval("select encode(seed, 'hex') from stardust.server_seeds"
                                    " where id = $1", active["id"])
    assert seed not in str(data)                                # never the active seed

    call, data = await answer(bot, slash(bot.fake, "fairness", 3301, seed="my lucky seed"))
    assert data["embeds"][0]["title"] == "Client seed set"
    assert fields_of(data)["Your client seed"] == "`my lucky seed`"
    assert await bot.admin.fetchval("select client_seed from stardust.users"
                                    " where user_id = 3301") == "my lucky seed"

    call, data = await answer(bot, slash(bot.fake, "fairness", 3301, seed="two\nlines"))
    assert data["flags"] & 64 and data["embeds"][0]["title"] != "Client seed set"
    assert await bot.admin.fetchval("select client_seed from stardust.users"
                                    " where user_id = 3301") == "my lucky seed"

    await bot.admin.execute("select * from stardust.pull(3301, 10)")
    await bot.admin.execute("select * from stardust.rotate_seed()")
    call, data = await answer(bot, slash(bot.fake, "fairness", 3301))
    f = fields_of(data)
    assert f["Your next nonce"] == "10"
    assert f"#{active['id']} revealed" in f["Last revealed seeds"] and seed in (
        f["Last revealed seeds"])
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == active["commitment"]
    assert active["commitment"] not in f["Active server seed"]       # a new one is active


async def test_rates_say_pulls_are_verifiable(bot):
    call, data = await answer(bot, slash(bot.fake, "rates", 3302))
    assert "/fairness" in data["embeds"][0]["footer"]["text"]
    assert "/fairness" in fields_of(data)["R"]
