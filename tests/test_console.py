"""The offline console: parsing, completion, and a scripted stdin session through the real
CLI against a real database."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import (BUTTONS, COMMANDS, CONSOLE_GUILD, HELP, Console, UsageError, options_of,
                         parse)
from bot.db import Database
from bot.handlers import ArtSource
from tests.helpers import load_catalogue

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("line,expected", [
    ("/pull count:10", ("pull", {"count": 10})),
    ("/pull", ("pull", {})),
    ("/PULL Count:3 banner:7", ("pull", {"count": 3, "banner": 7})),
    ("/team set unit1:5 unit3:7", ("team set", {"unit1": 5, "unit3": 7})),
    ("/scrap mass rarity:R", ("scrap mass", {"rarity": "R"})),
    ("/shop buy slot:3", ("shop buy", {"slot": 3})),
    ("/shop item item:ssr_token qty:2", ("shop item", {"item": "ssr_token", "qty": 2})),
    ("/shop items", ("shop items", {})),
    ("/tasks claim", ("tasks claim", {})),
    ("/tasks claim task:hell", ("tasks claim", {"task": "hell"})),
    ("/expedition start unit1:4 unit3:9", ("expedition start", {"unit1": 4, "unit3": 9})),
    ("/raid attack", ("raid attack", {})),
    ("/redeem code:WELCOME", ("redeem", {"code": "WELCOME"})),
    ("/forget-me", ("forget-me", {})),
    ("/admin grant user:9 gems:100 reason:'event prize'",
     ("admin grant", {"user": 9, "gems": 100, "reason": "event prize"})),
])
def test_parse(line, expected):
    assert parse(line) == expected


@pytest.mark.parametrize("line,message", [
    ("pull count:10", "start with /"),
    ("/pul", "unknown command"),
    ("/scrap", "unknown command /scrap"),
    ("/pull count:ten", "whole number"),
    ("/pull colour:3", "no option 'colour'"),
    ("/view", "needs unit:"),
    ("/expedition start", "needs unit1:"),
    ("/shop buy slot:one", "whole number"),
    ("/raid", "unknown command /raid"),
    ("/pull count:'1", "quotation"),
])
def test_parse_errors(line, message):
    with pytest.raises(UsageError) as err:
        parse(line)
    assert message in str(err.value)


def test_every_command_has_handler_options_and_buttons_are_known():
    for path, handler in COMMANDS.items():
        assert path and callable(handler)
        options_of(handler)                              # signatures parse
    assert set(BUTTONS) == {"ms:", "inv:", "fm:"}
    assert set(HELP) == set(COMMANDS)                    # /help describes every command


def test_completions():
    c = Console(db=None, user_id=1, out_dir=Path("."), art=None)
    assert c.completions("/pu", "/pu") == ["/pull"]
    assert c.completions("/s", "/s") == ["/spark", "/starter", "/scrap", "/shop"]
    assert sorted(c.completions("", "/shop ")) == ["buy", "daily", "item", "items"]
    assert sorted(c.completions("", "/raid ")) == ["attack", "leaderboard", "status"]
    assert sorted(c.completions("", "/team ")) == ["set", "view"]
    assert c.completions("c", "/pull c") == ["count:"]
    assert c.completions("u", "/team set u") == ["unit1:", "unit2:", "unit3:", "unit4:",
                                                 "unit5:"]


async def test_scripted_session_through_the_cli(db_url, conn, tmp_path):
    await load_catalogue(conn, n_ssr=3, n_sr=6, n_r=12)
    script = "\n".join([
        "/help",
        "/starter",
        "/inventory sort:power",
        "/press next",
        "/scrap mass rarity:R",
        "y",
        "/inventory rarity:R",
        "/view unit:999999999",
        "/nonsense",
        "/profile",
        "/checkin",
        "/checkin",
        "/tasks view",
        "/shop daily",
        "/raid status",
        "/leaderboard kind:nonsense",
        "/quit",
        "/pull",                                   # after /quit: never run
    ]) + "\n"
    env = {**os.environ, "DATABASE_URL": db_url}
    out = tmp_path / "images"
    proc = subprocess.run([str(BIN / "stardust"), "console", "--user", "55", "--name", "Ada",
                           "--out", str(out), "--offline"], input=script, env=env,
                          capture_output=True, text=True, timeout=120)
    text = proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert "Commands (options are name:value)" in text
    assert "== Ada's starter pack ==" in text
    assert "page 1/" in text
    assert "Scrap them? [y/N] y" in text and "== Mass scrap done ==" in text
    assert "No R units yet" in text                      # all R scrapped
    assert "== Not your unit ==" in text                 # a game error, friendly
    assert "! unknown command /nonsense" in text
    assert "== Ada's profile ==" in text
    assert "== Ada checked in ==" in text and "**+1,500** gems" in text
    assert "== Already done ==\nAlready checked in today" in text      # the second /checkin
    assert "== Daily tasks ==" in text and text.count("not done") == 7
    assert "== Daily shop ==" in text and any(n.endswith("shop.png") for n in
                                              (p.name for p in out.iterdir()))
    assert "== No raid yet ==" in text                   # the console is a server of its own
    assert "== That didn't work ==\nUnknown leaderboard nonsense" in text
    assert "Traceback" not in text + proc.stderr
    images = sorted(p.name for p in out.iterdir())
    assert images[0] == "001-pull.png" and any(n.endswith("profile.png") for n in images)
    for line in text.splitlines():
        if line.startswith("[image: "):
            assert Path(line[8:-1]).is_file()
    # the database agrees: starter claimed, no R unit left, nothing after /quit
    assert await conn.fetchval("select count(*) from stardust.pulls where user_id = 55") == 1
    assert await conn.fetchval(
        "select count(*) from stardust.inventory i join stardust.characters c using"
        " (anilist_id) where i.user_id = 55 and c.rarity = 'R'") == 0


async def test_console_raids_expeditions_and_shop_in_process(db_url, conn, tmp_path):
    """The console is server CONSOLE_GUILD: an admin's raid there is the console's raid."""
    await load_catalogue(conn, n_ssr=5, n_sr=6, n_r=12)
    await conn.execute("select stardust.get_user(56)")
    ids = [r[0] for r in await conn.fetch(
        "insert into stardust.inventory (user_id, anilist_id, dupe_level) select 56, anilist_id,"
        " 10 from stardust.characters order by rank limit 7 returning id")]
    await conn.execute("select stardust.set_team(56, $1::bigint[])", ids[:5])
    await conn.execute("select stardust.start_raid($1, 'Console Boss', 1000000,"
                       " now() + interval '1 day')", CONSOLE_GUILD)
    db = await Database.connect(db_url, max_size=2)
    out = io.StringIO()
    console = Console(db=db, user_id=56, out_dir=tmp_path, art=ArtSource(), stream=out,
                      display_name="Ada")
    try:
        reply = await console.run("/raid status")
        assert reply.title == "Raid · Console Boss" and reply.image is not None
        reply = await console.run("/raid attack")
        assert "damage!" in reply.text and not reply.ephemeral
        await conn.execute("update stardust.raids set hp = 1")
        reply = await console.run("/raid attack")
        assert "Killing blow!" in reply.text
        assert dict((n, v) for n, v, _ in reply.fields)["Rewards paid"].startswith("<@56>")
        reply = await console.run("/raid leaderboard")
        assert reply.plain().splitlines()[1].startswith("**1.** @56 — ")
        reply = await console.run(f"/expedition start unit1:{ids[5]} unit2:{ids[6]}")
        assert reply.title == "Ada's expedition sets out"
        reply = await console.run(f"/expedition start unit1:{ids[0]}")
        assert reply.title == "Already done"
        reply = await console.run("/expedition status")
        assert reply.title == "Ada's expedition"
        reply = await console.run("/shop buy slot:10")
        assert reply.title.startswith("Ada bought ")
        reply = await console.run("/shop buy slot:10")
        assert reply.title == "Already done" and reply.ephemeral
    finally:
        await db.close()
    text = out.getvalue()
    assert "[image: " in text and "raid.png" in text and "Traceback" not in text
    assert await conn.fetchval("select count(*) from stardust.ledger where user_id = 56"
                               " and reason = 'raid'") == 1


async def test_forget_me_asks_before_erasing(db_url, conn, tmp_path):
    """The console asks y/n, as for a mass scrap: n keeps everything, y erases the player."""
    await load_catalogue(conn, n_ssr=3, n_sr=6, n_r=12)
    await conn.execute("select * from stardust.claim_starter(57)")
    db = await Database.connect(db_url, max_size=2)
    out = io.StringIO()
    answers = iter([False, True])
    prompts = []

    def confirm(prompt):
        prompts.append(prompt)
        return next(answers)

    console = Console(db=db, user_id=57, out_dir=tmp_path, art=ArtSource(), stream=out,
                      confirm=confirm)
    try:
        reply = await console.run("/forget-me")
        assert reply.title == "Nothing was erased"
        assert await conn.fetchval("select count(*) from stardust.users where user_id = 57") == 1
        reply = await console.run("/forget-me")
        assert reply.title == "Your data has been erased"
    finally:
        await db.close()
    assert prompts == ["Erase all your data? This cannot be undone. [y/N] "] * 2
    text = out.getvalue()
    assert "cannot be undone" in text and "Traceback" not in text
    for table in ("users", "inventory", "ledger", "pulls"):
        assert await conn.fetchval(f"select count(*) from stardust.{table}"
                                   " where user_id = 57") == 0
    assert await conn.fetchval("select count(*) from stardust.erasures") == 1


async def test_console_fairness_shows_and_sets_the_client_seed(db_url, conn, tmp_path):
    db = await Database.connect(db_url, max_size=2)
    out = io.StringIO()
    console = Console(db=db, user_id=57, out_dir=tmp_path, art=ArtSource(), stream=out,
                      display_name="Ada")
    try:
        reply = await console.run("/fairness")
        fields = {n: v for n, v, _ in reply.fields}
        assert reply.ephemeral and fields["Your client seed"] == "`57`"
        assert await conn.fetchval("select commitment from stardust.server_seeds"
                                   " where revealed_at is null") in fields["Active server seed"]
        reply = await console.run("/fairness seed:moonlight")
        assert reply.title == "Client seed set"
        assert {n: v for n, v, _ in reply.fields}["Your client seed"] == "`moonlight`"
    finally:
        await db.close()
    assert await conn.fetchval("select client_seed from stardust.users where user_id = 57") == (
        "moonlight")


async def test_console_announces_achievements_and_pulls_on_the_running_banner(db_url, conn,
                                                                             tmp_path):
    """Issue 13 sections 1 and 2, as on Discord: an unlock is announced once (name, reward);
    /pull uses the running banner (the newest), banner:standard or banner:0 the standard
    pool, and with no banner running the standard pool; the reply says which."""
    await load_catalogue(conn, n_ssr=3, n_sr=6, n_r=12)
    db = await Database.connect(db_url, max_size=2)
    out = io.StringIO()
    console = Console(db=db, user_id=58, out_dir=tmp_path, art=ArtSource(), stream=out,
                      display_name="Ada")

    async def pulled_on():
        return await conn.fetchval("select banner_id from stardust.pulls where user_id = 58"
                                   " order by id desc limit 1")
    try:
        reply = await console.run("/starter")
        assert "🏆 Achievement unlocked: **Lucky Star** — +2,000 gems" in reply.plain()
        assert "Achievement unlocked" not in (await console.run("/profile")).plain()

        reply = await console.run("/pull")
        assert reply.title == "Ada pulled 1× from the standard pool"
        assert reply.footer.startswith("No limited banner is running")
        assert await pulled_on() is None
        old = await conn.fetchval("select id from stardust.create_banner('Festival',"
                                  " array[1000], now() + interval '7 days',"
                                  " now() - interval '1 hour')")
        new = await conn.fetchval("select id from stardust.create_banner('Gala', array[1001],"
                                  " now() + interval '3 days')")
        reply = await console.run("/pull")
        assert reply.title == f"Ada pulled 1× on #{new} Gala"
        assert "running banner" in reply.footer and await pulled_on() == new
        for choice in ("standard", "Standard", "0"):
            reply = await console.run(f"/pull banner:{choice}")
            assert reply.title == "Ada pulled 1× from the standard pool"
            assert await pulled_on() is None
        reply = await console.run(f"/pull banner:{old}")
        assert reply.title == f"Ada pulled 1× on #{old} Festival" and await pulled_on() == old
        reply = await console.run("/banner")
        assert f"/pull uses #{new} Gala" in reply.footer

        await conn.execute("update stardust.users set pulls_made = 99 where user_id = 58")
        reply = await console.run("/pull banner:standard")
        assert "🏆 Achievement unlocked: **Dedicated** — +3,000 gems" in reply.plain()
    finally:
        await db.close()
    text = out.getvalue()
    assert text.count("**Lucky Star**") == 1 and text.count("**Dedicated**") == 1
    assert "Traceback" not in text


def test_parse_accepts_the_standard_pool_by_name():
    assert parse("/pull banner:standard") == ("pull", {"banner": 0})
    assert parse("/pull banner:'Standard pool' count:2") == ("pull", {"banner": 0, "count": 2})
