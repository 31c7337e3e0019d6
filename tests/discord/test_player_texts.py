"""Words and pictures players see (issue 13, 7): no SQL or parameter name in any text the bot
can show, titles that say what happened, names instead of keys, numbers as people write them,
the profile's strongest unit and the PvP opponent on the images."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

from PIL import Image, ImageChops

from bot import clock
from bot import db as botdb
from bot import render
from bot.handlers import error_reply, hours_text, plain_markup
from tests.discord.conftest import ADMIN
from tests.discord.fake_discord import answer, button, image_of, slash
from tests.discord.test_battle_commands import give_team, with_user

ROOT = Path(__file__).resolve().parents[2]
SQLISH = re.compile(r"\bp_\w+|\bselect\b|\bstardust\.|=>")


def _admin_grant(bot, target: int, **options) -> dict:
    p = slash(bot.fake, "admin", ADMIN, "grant", **options)
    p["data"]["options"][0]["options"].append({"name": "user", "type": 6, "value": str(target)})
    p["data"]["resolved"] = {"users": {str(target): {"id": str(target), "username": "x",
                                                     "discriminator": "0", "avatar": None}}}
    return p


def _literals(sql: str) -> list[str]:
    return [m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", sql)]


def _raises() -> list[tuple[str, str, str, str | None]]:
    """(file, SQLSTATE, message, hint) of every raise in a function the bot may call, and in
    the internal functions (the `_` ones) they call. Owner-only functions, whose hints help
    in the SQL editor, are left out."""
    out = []
    for path in sorted((ROOT / "sql" / "functions").glob("*.sql")):
        src = path.read_text()
        if not (path.name.startswith("_") or "to stardust_bot" in src):
            continue
        for stmt in re.findall(r"raise exception\s+(.*?);\n", src, re.S):
            code = re.search(r"errcode\s*=\s*'(SD\w+)'", stmt)
            if not code:
                continue
            head, _, rest = stmt.partition(" using ")
            msg = " ".join(_literals(head)) if "case when" not in head else \
                " / ".join(x for x in _literals(head) if x != "%")
            hint = None
            if "hint" in rest:
                hint = " ".join(_literals(rest.split("hint", 1)[1]))
            out.append((path.name, code.group(1), msg, hint))
    return out


def _error(code: str, message: str, hint: str | None) -> botdb.GameError:
    cls = next((c for c in vars(botdb).values() if isinstance(c, type)
                and issubclass(c, botdb.GameError) and c.code == code), botdb.GameError)
    return cls(message, hint)


def test_no_sql_in_any_refusal_the_bot_can_show():
    raises = _raises()
    assert len(raises) > 100
    # the hints written for the SQL editor are there: the bot must not pass them on
    assert any(h and "p_qty =>" in h for _, _, _, h in raises)
    for name, code, message, hint in raises:
        shown = error_reply(_error(code, message, hint)).plain()
        assert not SQLISH.search(shown), (name, shown)
        assert shown.strip()


def _strings(node: ast.AST):
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            yield n
        elif isinstance(n, ast.JoinedStr):
            yield n


def test_no_sql_in_the_bots_own_replies():
    # every string the handlers build replies from (docstrings and logger names aside)
    for path in sorted((ROOT / "bot" / "handlers").glob("*.py")):
        tree = ast.parse(path.read_text())
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef,
                                  ast.ClassDef)) and n.body and isinstance(n.body[0], ast.Expr)}
        for node in _strings(tree):
            if id(node) in docs:
                continue
            text = node.value if isinstance(node, ast.Constant) else "".join(
                v.value for v in node.values if isinstance(v, ast.Constant))
            if text in ("stardust.handlers", "stardust.png") or text.startswith("\\b"):
                continue
            assert not SQLISH.search(text), (path.name, node.lineno, text)


async def test_claim_right_after_the_start_says_nothing_was_claimed(bot):
    await give_team(bot, 661)
    away = [r[0] for r in await bot.admin.fetch(
        "insert into stardust.inventory (user_id, anilist_id) select 661, anilist_id"
        " from stardust.characters where rarity = 'SR' order by anilist_id limit 2"
        " returning id")]
    await answer(bot, slash(bot.fake, "expedition", 661, "start", unit1=away[0], unit2=away[1]))
    call, data = await answer(bot, slash(bot.fake, "expedition", 661, "claim"))
    e = data["embeds"][0]
    assert e["title"] == "Too soon to claim" and "Claimed" not in e["description"]
    assert "nothing has been earned yet" in e["description"] and "second" in e["description"]
    # three minutes later: a claim, in minutes rather than "0.05 h"
    await bot.admin.execute("update stardust.expeditions set started_at = started_at - interval"
                            " '3 minutes', last_claim_at = last_claim_at - interval '3 minutes'"
                            " where user_id = 661")
    call, data = await answer(bot, slash(bot.fake, "expedition", 661, "claim"))
    assert "for 3 minutes away" in data["embeds"][0]["description"]
    # and a second claim straight after that one
    call, data = await answer(bot, slash(bot.fake, "expedition", 661, "claim"))
    assert data["embeds"][0]["title"] == "Too soon to claim"
    assert "You claimed this expedition moments ago" in data["embeds"][0]["description"]


async def test_pvp_against_a_player_without_a_team_and_the_opponent_on_the_image(bot):
    await give_team(bot, 662)
    await bot.admin.execute("select stardust.get_user(663)")
    call, data = await answer(bot, with_user(slash(bot.fake, "battle", 662, "pvp"),
                                             "opponent", 663))
    e = data["embeds"][0]
    assert data["flags"] & 64 and e["title"] == "No team to fight"
    assert "That player has no team" in e["description"]
    await give_team(bot, 663, dupe=0)
    call, data = await answer(bot, with_user(slash(bot.fake, "battle", 662, "pvp"),
                                             "opponent", 663))
    e = data["embeds"][0]
    got = image_of(call).convert("RGB")
    team, enemy = (int(x.replace(",", "")) for x in
                   re.search(r"your ([\d,]+) against ([\d,]+)", e["description"]).groups())
    head = {"outcome": e["description"][2:].split("**")[0], "team_power": team,
            "enemy_power": enemy}
    named = Image.open(io.BytesIO(render.battle_result({**head, "enemy_name": "foe"})))
    plain = Image.open(io.BytesIO(render.battle_result(head)))
    top = (0, 0, 900, 270)                   # the header and both power bars
    assert not ImageChops.difference(got.crop(top), named.convert("RGB").crop(top)).getbbox()
    assert ImageChops.difference(got.crop(top), plain.convert("RGB").crop(top)).getbbox()


async def test_an_admins_failed_grant_gets_an_admins_answer(bot):
    await bot.admin.execute("select stardust.get_user(664)")
    call, data = await answer(bot, _admin_grant(bot, 664, gems=-999999))
    e = data["embeds"][0]
    assert e["title"] == "Nothing was granted" and "below zero" in e["description"]
    assert "daily" not in e["description"] and "You need" not in e["description"]


async def test_battle_log_numbers_and_rolls(bot):
    await give_team(bot, 665)
    call, data = await answer(bot, slash(bot.fake, "battle", 665, "npc", difficulty="easy"))
    bid = int(data["embeds"][0]["footer"]["text"].split("#")[1].split()[0])
    call, data = await answer(bot, slash(bot.fake, "battle", 665, "log", battle=bid))
    text = data["embeds"][0]["description"]
    assert "(roll )" not in text
    outcome = text.strip().splitlines()[-1]
    assert re.match(r"\*\*WIN: [\d,]+ against [\d,]+ \(seed", outcome)
    assert not re.search(r"\d{4}", outcome.split("(seed")[0]), outcome


async def test_mass_scrap_of_one_unit_says_unit(bot):
    await bot.admin.execute("select stardust.get_user(666)")
    await bot.admin.execute("insert into stardust.inventory (user_id, anilist_id) select 666,"
                            " min(anilist_id) from stardust.characters where rarity = 'SR'")
    p = slash(bot.fake, "scrap", 666, "mass", rarity="SR")
    call, data = await answer(bot, p)
    assert "**1 SR unit**" in data["embeds"][0]["description"]
    ok = data["components"][0]["components"][0]["custom_id"]
    call, data = await answer(bot, button(bot.fake, ok, 666, bot.fake.messages[p["token"]]))
    assert data["embeds"][0]["description"].startswith("Scrapped **1 SR unit**:")


def test_relative_times_and_hours_as_people_write_them():
    now = 1_900_000_000
    with clock.pinned(now):
        assert plain_markup(f"Ends <t:{now + 2 * 86400 + 23 * 3600 + 30}:R>.") == \
            "Ends in 2 days 23 hours."
        assert plain_markup(f"<t:{now + 3 * 86400 + 50}:R>") == "in 3 days"
        assert plain_markup(f"<t:{now - 3700}:R>") == "1 hour 1 minute ago"
        assert plain_markup(f"<t:{now + 20}:R>") == "now"
        assert plain_markup(f"<t:{now - 1}:R>") == "now"
    assert (hours_text(0.049), hours_text(1), hours_text(2.5), hours_text(24)) == (
        "3 minutes", "1 hour", "2 h 30 min", "24 hours")


async def test_history_before_an_old_id_is_not_no_pulls_yet(bot):
    await bot.admin.execute("select stardust.get_user(667)")
    await bot.admin.execute("select stardust.grant(667, 100000)")
    await answer(bot, slash(bot.fake, "pull", 667, count=10))
    call, data = await answer(bot, slash(bot.fake, "history", 667, before=0))
    text = data["embeds"][0]["description"]
    assert "No pulls yet" not in text and "No pulls before #0" in text


async def test_profile_pity_out_of_the_setting_and_the_strongest_unit(bot):
    await give_team(bot, 668)
    pity = await bot.admin.fetchval("select value::text from stardust.settings"
                                    " where key = 'pity_hard'")
    try:
        await bot.admin.execute("select stardust.set_setting('pity_hard', '80')")
        call, data = await answer(bot, slash(bot.fake, "profile", 668))
    finally:
        await bot.admin.execute("select stardust.set_setting('pity_hard', $1::text::jsonb)",
                                pity)
    fields = {f["name"]: f["value"] for f in data["embeds"][0]["fields"]}
    assert fields["Pity"] == "0/80"
    got = image_of(call).convert("RGB")
    row = dict(await bot.admin.fetchrow("select * from stardust.profile(668)"))
    row["display_name"] = "player"
    empty = Image.open(io.BytesIO(render.profile_card({**row, "favourite": None}, {})))
    fav = (24, 24, 276, 400)                  # the favourite's frame and caption
    assert ImageChops.difference(got.crop(fav), empty.convert("RGB").crop(fav)).getbbox()
    best = await bot.admin.fetchrow("select * from stardust.inventory(668, 'power', null, 1, 0)")
    shown = Image.open(io.BytesIO(render.profile_card({**row, "favourite": dict(best)}, {})))
    cap = (24, 362, 276, 400)                 # the caption under the frame: its name
    assert not ImageChops.difference(got.crop(cap), shown.convert("RGB").crop(cap)).getbbox()


def test_the_opponents_name_replaces_the_enemy_label_only():
    head = {"outcome": "WIN", "team_power": 123456, "enemy_power": 98765}
    named = Image.open(io.BytesIO(render.battle_result({**head, "enemy_name": "フリーレン"})))
    plain = Image.open(io.BytesIO(render.battle_result(head)))
    diff = ImageChops.difference(named.convert("RGB"), plain.convert("RGB")).getbbox()
    assert diff and diff[1] >= 208 and diff[3] <= 232 and diff[2] <= 450   # the label, not the bar
    full = Image.open(io.BytesIO(render.profile_card({"pity_counter": 3, "pity_hard": 80}, {})))
    bare = Image.open(io.BytesIO(render.profile_card({"pity_counter": 3}, {})))
    assert ImageChops.difference(full.convert("RGB"), bare.convert("RGB")).getbbox()


async def test_item_choices_show_names():
    from bot.handlers import Context
    from bot.handlers.items import item_choices
    choices = await item_choices(Context(db=None, user_id=1), "radiant")
    assert [(c.name, c.value) for c in choices] == [("Radiant bond gift", "bond_ur")]
