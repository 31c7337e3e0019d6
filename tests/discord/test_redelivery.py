"""Discord redelivers an interaction it thinks was lost (issue 16 section 2): for EVERY paying
command, the same interaction delivered twice charges (or pays, or spends) once, and the
player sees the same answer twice.

The commands are read from what the bot registered with the fake Discord, so a new command
fails `test_every_command_is_paying_or_named_as_not_paying` until it is added to PAYING (with
a scenario) or to NOT_PAYING (with the reason).
"""

from __future__ import annotations

import json
from typing import Awaitable, Callable

import pytest

from bot.handlers import TITLES
from tests.discord.conftest import ADMIN
from tests.discord.fake_discord import deliver, is_callback, is_edit, is_followup, slash
from tests.helpers import assert_ledger_balanced

RAID_GUILD = 880000000000000001
REFUSALS = set(TITLES.values()) | {"Something went wrong", None}

# commands that move nothing (or whose retry is covered elsewhere), and why
NOT_PAYING = {
    "achievements": "a read",
    "banner": "a read",
    "battle log": "a read",
    "bounty board": "a read (the first caller of the hour makes the board: no player pays)",
    "expedition status": "a read",
    "fairness": "sets the player's client seed; its retry is tested in tests/sql/test_replays",
    "forget-me": "shows a warning; the Confirm button erases with the command's id "
                 "(tests/discord/test_privacy.py presses it twice)",
    "help": "a read",
    "history": "a read",
    "inventory": "a read",
    "items": "a read",
    "leaderboard": "a read",
    "lock": "no currency; its retry is tested in tests/sql/test_replays",
    "preset delete": "no currency; its retry is tested in tests/sql/test_replays",
    "preset list": "a read",
    "preset load": "no currency; its retry is tested in tests/sql/test_replays",
    "preset save": "no currency; its retry is tested in tests/sql/test_replays",
    "profile": "a read",
    "raid leaderboard": "a read",
    "raid status": "ends a raid whose time is up: end_raid pays once whoever calls it "
                   "(test_progress_commands: test_raid_status_*)",
    "rates": "a read",
    "scrap mass": "a preview; the Confirm button carries the command's id "
                  "(test_e2e presses it twice)",
    "shop daily": "a read",
    "shop items": "a read",
    "skill": "a read",
    "skills": "a read",
    "tasks view": "a read",
    "team set": "no currency; tests/discord/test_commands.py delivers it twice",
    "team view": "a read",
    "unlock": "no currency; its retry is tested in tests/sql/test_replays",
    "view": "a read",
}


def registered(bot) -> set[str]:
    """Every command and subcommand the bot registered: "name" or "name sub"."""
    names = set()
    for cmds in bot.fake.commands.values():
        for cmd in cmds:
            subs = [o for o in cmd.get("options", []) if o["type"] == 1]
            groups = [o for o in cmd.get("options", []) if o["type"] == 2]
            names |= {f"{cmd['name']} {s['name']}" for s in subs}
            names |= {f"{cmd['name']} {g['name']} {s['name']}" for g in groups
                      for s in g.get("options", [])}
            if not subs and not groups:
                names.add(cmd["name"])
    return names


def with_user(payload: dict, name: str, uid: int) -> dict:
    """A USER option (with its resolved user), on the command or on its subcommand."""
    opts = payload["data"]["options"]
    if opts and opts[0]["type"] == 1:
        opts = opts[0]["options"]
    opts.append({"name": name, "type": 6, "value": str(uid)})
    payload["data"]["resolved"] = {"users": {str(uid): {"id": str(uid), "username": "foe",
                                                        "discriminator": "0", "avatar": None}}}
    return payload


def in_guild(payload: dict, guild_id: int) -> dict:
    payload["guild_id"] = str(guild_id)
    payload["channel"]["guild_id"] = str(guild_id)
    payload["authorizing_integration_owners"] = {"0": str(guild_id)}
    return payload


async def units(bot, user: int, rarity: str, n: int, dupe: int = 0) -> list[int]:
    await bot.admin.execute("select stardust.get_user($1)", user)
    return [r[0] for r in await bot.admin.fetch(
        "insert into stardust.inventory (user_id, anilist_id, dupe_level)"
        " select $1, anilist_id, $3 from stardust.characters where rarity = $2"
        " order by anilist_id limit $4 returning id", user, rarity, dupe, n)]


async def team(bot, user: int, dupe: int = 10) -> list[int]:
    ids = await units(bot, user, "SSR", 5, dupe)
    await bot.admin.execute("select stardust.set_team($1, $2::bigint[])", user, ids)
    return ids


async def on_expedition(bot, user: int) -> None:
    away = await units(bot, user, "SR", 3)
    await bot.admin.fetch("select * from stardust.expedition_start($1, $2::bigint[])",
                          user, away)
    await bot.admin.execute("update stardust.expeditions set started_at = started_at"
                            " - interval '3 hours', last_claim_at = last_claim_at"
                            " - interval '3 hours' where user_id = $1", user)


# --- one scenario per paying command: set up, then the interaction -------------------------
Scenario = Callable[..., Awaitable[dict]]


async def pull(bot, uid):
    await bot.admin.execute("select stardust.grant($1, 50000)", uid)
    return slash(bot.fake, "pull", uid, count=10)


async def spark(bot, uid):
    await bot.admin.execute("select stardust.get_user($1)", uid)
    await bot.admin.execute(
        "update stardust.users set points_banner_id = $2, banner_points ="
        " (select spark_cost from stardust.banners where id = $2) where user_id = $1",
        uid, bot.banner_id)
    return slash(bot.fake, "spark", uid, banner=bot.banner_id, character=1005)


async def starter(bot, uid):
    return slash(bot.fake, "starter", uid)


async def shop_buy(bot, uid):
    return slash(bot.fake, "shop", uid, "buy", slot=6)               # an R: 1,000 gems


async def shop_item(bot, uid):
    await bot.admin.execute("select stardust.grant($1, 0, 10000)", uid)
    return slash(bot.fake, "shop", uid, "item", item="ssr_token", qty=2)


async def token(bot, uid):
    (ssr,) = await units(bot, uid, "SSR", 1)
    await bot.admin.execute("select stardust.grant_item($1, 'ssr_token', 3)", uid)
    return slash(bot.fake, "token", uid, unit=ssr)


async def redeem(bot, uid):
    code = f"AGAIN{uid}"
    await bot.admin.execute("select stardust.create_gift_code($1, $2::jsonb, 5)", code,
                            json.dumps({"gems": 700, "items": {"bond_small": 1}}))
    return slash(bot.fake, "redeem", uid, code=code)


async def gift(bot, uid):
    (unit,) = await units(bot, uid, "SR", 1)
    await bot.admin.execute("select stardust.grant_item($1, 'bond_small', 5)", uid)
    return slash(bot.fake, "gift", uid, unit=unit, item="bond_small", qty=2)


async def scrap_unit(bot, uid):
    (unit,) = await units(bot, uid, "SR", 1, dupe=2)
    return slash(bot.fake, "scrap", uid, "unit", unit=unit)


async def battle_npc(bot, uid):
    await team(bot, uid)
    return slash(bot.fake, "battle", uid, "npc", difficulty="easy")


async def battle_pvp(bot, uid):
    await team(bot, uid)
    await team(bot, uid + 1000, dupe=0)
    return with_user(slash(bot.fake, "battle", uid, "pvp"), "opponent", uid + 1000)


async def bounty_fight(bot, uid):
    await team(bot, uid)
    return slash(bot.fake, "bounty", uid, "fight", slot=1)


async def checkin(bot, uid):
    return slash(bot.fake, "checkin", uid)


async def tasks_claim(bot, uid):
    await team(bot, uid)
    await team(bot, uid + 1000, dupe=0)
    await bot.admin.fetch("select * from stardust.battle_pvp($1, $2)", uid, uid + 1000)
    await bot.admin.fetch("select * from stardust.battle_npc($1, 'easy')", uid)
    return slash(bot.fake, "tasks", uid, "claim")


async def expedition_start(bot, uid):
    away = await units(bot, uid, "SR", 3)
    return slash(bot.fake, "expedition", uid, "start", unit1=away[0], unit2=away[1],
                 unit3=away[2])


async def expedition_claim(bot, uid):
    await on_expedition(bot, uid)
    return slash(bot.fake, "expedition", uid, "claim")


async def expedition_stop(bot, uid):
    await on_expedition(bot, uid)
    return slash(bot.fake, "expedition", uid, "stop")


async def raid_attack(bot, uid):
    guild = RAID_GUILD + uid
    await bot.admin.execute("select stardust.start_raid($1, 'Again', 1000000000,"
                            " stardust._now() + interval '1 day')", guild)
    await team(bot, uid)
    return in_guild(slash(bot.fake, "raid", uid, "attack"), guild)


async def admin_grant(bot, uid):
    await bot.admin.execute("select stardust.get_user($1)", uid)
    return with_user(slash(bot.fake, "admin", ADMIN, "grant", gems=321, coins=5), "user", uid)


PAYING: dict[str, Scenario] = {
    "pull": pull, "spark": spark, "starter": starter, "shop buy": shop_buy,
    "shop item": shop_item, "token": token, "redeem": redeem, "gift": gift,
    "scrap unit": scrap_unit, "battle npc": battle_npc, "battle pvp": battle_pvp,
    "bounty fight": bounty_fight, "checkin": checkin, "tasks claim": tasks_claim,
    "expedition start": expedition_start, "expedition claim": expedition_claim,
    "expedition stop": expedition_stop, "raid attack": raid_attack, "admin grant": admin_grant,
}
# players 7600-7699 (and their opponents 8600-8699): no other Discord test uses them
USERS = {name: 7600 + i for i, name in enumerate(sorted(PAYING))}


async def test_every_command_is_paying_or_named_as_not_paying(bot):
    commands = registered(bot)
    assert not set(PAYING) & set(NOT_PAYING)
    unknown = sorted(commands - set(PAYING) - set(NOT_PAYING))
    assert not unknown, (f"new commands: add each to PAYING (with a redelivery scenario) or "
                         f"to NOT_PAYING (with the reason) in {__name__}: {unknown}")
    gone = sorted((set(PAYING) | set(NOT_PAYING)) - commands)
    assert not gone, f"listed but not registered: {gone}"


_STATE = """
select jsonb_build_object(
  'user', (select to_jsonb(u) from stardust.users u where u.user_id = $1),
  'ledger', (select jsonb_agg(jsonb_build_array(l.gems_delta, l.coins_delta, l.reason)
                              order by l.id) from stardust.ledger l where l.user_id = $1),
  'units', (select jsonb_agg(to_jsonb(i) - 'updated_at' order by i.id)
              from stardust.inventory i where i.user_id = $1),
  'items', (select jsonb_agg(to_jsonb(x) order by x.item) from stardust.user_items x
             where x.user_id = $1),
  'battles', (select count(*) from stardust.battles b where b.attacker_id = $1),
  'pulls', (select count(*) from stardust.pulls p where p.user_id = $1),
  'raid', (select count(*) from stardust.raid_attacks a where a.user_id = $1),
  'expedition', (select to_jsonb(e) from stardust.expeditions e where e.user_id = $1))::text
"""


async def state(bot, uid: int) -> dict:
    return json.loads(await bot.admin.fetchval(_STATE, uid))


def shown(call) -> tuple:
    """What the player sees of an answer: title and text (the achievements a first answer
    announced are taken once, so a retry does not repeat them)."""
    data = call.payload.get("data", call.payload) if call.path.endswith("/callback") \
        else call.payload
    embed = (data.get("embeds") or [{}])[0]
    return embed.get("title"), embed.get("description"), bool(data.get("flags", 0) & 64)


async def delivered(bot, payload: dict, seen: set[int]):
    """Deliver `payload` and wait for the answer the player ends up seeing that is not one
    of `seen` (ids of calls already answered)."""
    await deliver(bot.fake, payload)

    def done(c):
        return id(c) not in seen and (
            is_edit(payload)(c) or is_followup(payload)(c)
            or (is_callback(payload)(c) and c.payload.get("type") in (4, 7)))
    call = await bot.fake.wait_for(done)
    seen.add(id(call))
    return call


@pytest.mark.parametrize("command", sorted(PAYING))
async def test_the_same_interaction_delivered_twice_pays_once(bot, command):
    uid = USERS[command]
    target = uid                         # whose balance the command changes
    payload = await PAYING[command](bot, uid)
    seen: set[int] = set()
    before = await state(bot, target)
    first = await delivered(bot, payload, seen)
    after = await state(bot, target)
    assert shown(first)[0] not in REFUSALS, f"/{command}: refused: {shown(first)}"
    assert after != before, f"/{command}: the first delivery changed nothing"

    second = await delivered(bot, payload, seen)           # Discord redelivered it
    assert await state(bot, target) == after, f"/{command}: the retry paid or charged again"
    assert shown(second) == shown(first), f"/{command}: the retry answered differently"
    await assert_ledger_balanced(bot.admin)
