"""The offline console: parsing, completion, and a scripted stdin session through the real
CLI against a real database."""

from __future__ import annotations

import inspect
import io
import logging
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import (BUTTONS, COMMANDS, CONSOLE_GUILD, DISCORD_STRING_MAX, Console,
                         UsageError, definitions, options_of, parse, summaries)
from bot.db import Database
from bot.handlers import ArtSource
from tests.helpers import load_catalogue, steady_clock

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
    path, values = parse(line)
    assert path == expected[0] and values.items() >= expected[1].items()


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
        options_of(path)                                 # definitions read
    assert set(BUTTONS) == {"ms:", "inv:", "fm:"}
    assert set(summaries()) == set(COMMANDS)             # /help describes every command


def test_completions():
    c = Console(db=None, user_id=1, out_dir=Path("."), art=None)
    assert c.completions("/pu", "/pu") == ["/pull"]
    assert c.completions("/s", "/s") == ["/spark", "/starter", "/scrap", "/shop",
                                         "/skills", "/skill"]
    assert sorted(c.completions("", "/shop ")) == ["buy", "daily", "item", "items"]
    assert sorted(c.completions("", "/raid ")) == ["attack", "leaderboard", "status"]
    assert sorted(c.completions("", "/team ")) == ["set", "view"]
    assert c.completions("c", "/pull c") == ["count:"]
    assert c.completions("u", "/team set u") == ["unit1:", "unit2:", "unit3:", "unit4:",
                                                 "unit5:"]


async def test_scripted_session_through_the_cli(db_url, conn, tmp_path):
    async with steady_clock(conn):                      # two /checkin on the same UTC day
        await scripted_session(db_url, conn, tmp_path)


async def scripted_session(db_url, conn, tmp_path):
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
    assert "== Stardust commands ==" in text and "/pull — Pull characters" in text
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
    assert "! kind must be one of team_power, collection" in text
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
                       " stardust._now() + interval '1 day')", CONSOLE_GUILD)
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
                                  " array[1000], stardust._now() + interval '7 days',"
                                  " stardust._now() - interval '1 hour')")
        new = await conn.fetchval("select id from stardust.create_banner('Gala', array[1001],"
                                  " stardust._now() + interval '3 days')")
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
    assert parse("/pull banner:standard") == ("pull", {"banner": 0, "count": 1})
    assert parse("/pull banner:'Standard pool' count:2") == ("pull", {"banner": 0, "count": 2})


# -- the console follows Discord's rules (issue 13, 6) -----------------------------------------

def test_the_console_reads_the_discord_definitions():
    """Same commands, same options as the Discord extensions register; every option reaches
    a handler parameter of the same name."""
    defs = definitions()
    assert set(defs) == set(COMMANDS)
    for path, options in defs.items():
        params = inspect.signature(COMMANDS[path]).parameters
        assert {o.name for o in options} <= set(params), path
    assert options_of("team set")["unit1"].required
    assert options_of("pull")["count"].max_value == 10
    assert options_of("redeem")["code"].max_length == 32


@pytest.mark.parametrize("line,message", [
    ("/team set", "needs unit1:"),                           # Discord requires unit1
    ("/pull count:1 count:2", "count is given twice"),
    ("/redeem code:" + "X" * 5000, "at most 32 characters"),
    ("/pull count:999999999999999999999", "count is too large"),
    ("/pull count:-999999999999999999999", "count is too small"),
    ("/redeem code:a\x00b", "control characters"),
    ("/pull count:0", "between 1 and 10"),
    ("/shop buy slot:11", "between 1 and 10"),
    ("/gift unit:1 item:bond_small qty:0", "between 1 and 10,000"),
    ("/bounty fight slot:4", "one of 1, 2, 3"),
    ("/leaderboard kind:nonsense", "one of team_power, collection"),
    ("/fairness seed:", "at least 1 character long"),
    ("/battle pvp opponent:-3", "user id"),
    ("/inventory page:2", "no option 'page'"),               # not a Discord option
    ("/preset save name:" + "n" * 16, "at most 15 characters"),
    ("/pull count:1_0", "whole number"),
    ("/pull count:٣", "whole number"),
])
def test_the_console_refuses_what_discord_refuses(line, message):
    with pytest.raises(UsageError) as err:
        parse(line)
    assert message in str(err.value)


@pytest.mark.parametrize("line,values", [
    ("/leaderboard kind:COLLECTION", {"kind": "collection"}),      # choices: any case,
    ("/leaderboard kind:'Team Power'", {"kind": "team_power"}),    # by name or value
    ("/inventory sort:Power rarity:ssr", {"sort": "power", "rarity": "SSR"}),
    ("/shop item item:'SSR token'", {"item": "ssr_token", "qty": 1}),
    ("/admin grant user:<@9> gems:-5", {"user": 9, "gems": -5, "coins": 0, "reason": "admin"}),
    ("/redeem code:ｗｅｌｃｏｍｅ🌸", {"code": "ｗｅｌｃｏｍｅ🌸"}),
])
def test_the_console_accepts_what_discord_accepts(line, values):
    assert parse(line)[1] == values


def _hostile_lines(path: str, options) -> list[tuple[str, str]]:
    """(kind, line): missing, duplicated, overflowing, negative, unicode and NUL input for every
    option of a command, generated from its definition."""

    def good(o):
        if o.choices:
            return str(o.choices[0][1])
        return {"integer": str(o.min_value if o.min_value is not None else 1),
                "number": "1", "boolean": "true", "user": "424242",
                "string": "x" * max(o.min_length or 1, 1)}[o.kind]

    def line(**override):
        words = [f"{o.name}:{shlex.quote(override.get(o.name, good(o)))}" for o in options]
        return f"/{path} " + " ".join(words)

    out = [("plain", line())]
    for o in options:
        if o.required:
            out.append(("missing", f"/{path} " + " ".join(
                f"{p.name}:{shlex.quote(good(p))}" for p in options if p is not o)))
        out.append(("duplicated", line() + f" {o.name}:{shlex.quote(good(o))}"))
        if o.kind in ("integer", "number", "user"):
            for value in ("999999999999999999999", str(2 ** 53), str(2 ** 31),
                          str(int(o.max_value) + 1) if o.max_value is not None else "0"):
                out.append(("overflowing", line(**{o.name: value})))
            for value in ("-1", "-999999999999999999999"):
                out.append(("negative", line(**{o.name: value})))
            out.append(("unicode", line(**{o.name: "٣"})))          # an Arabic-Indic 3
        else:
            longest = o.max_length or DISCORD_STRING_MAX
            out.append(("overflowing", line(**{o.name: "Z" * (longest + 1)})))
            out.append(("overflowing", line(**{o.name: "Z" * 5000})))
            out.append(("negative", line(**{o.name: "-1"})))
            out.append(("unicode", line(**{o.name: "星ｗ🌸\u0301"})))
            out.append(("unicode", line(**{o.name: "Ω" * (o.max_length or 20)})))
        out.append(("NUL", line(**{o.name: "a\x00b"})))
    return out


async def test_every_command_with_hostile_input(db_url, conn, tmp_path, caplog):
    """Every command, with missing, duplicated, overflowing, negative, unicode and NUL input:
    a usage line or a game reply, never an unexpected error (nothing logged at ERROR, no
    exception name printed)."""
    await load_catalogue(conn, n_ssr=3, n_sr=6, n_r=12)
    await conn.execute("select * from stardust.claim_starter(58)")
    db = await Database.connect(db_url, max_size=2)
    out = io.StringIO()
    console = Console(db=db, user_id=58, out_dir=tmp_path, art=ArtSource(), stream=out,
                      display_name="Ada", confirm=lambda prompt: False)
    ran = refused = 0
    try:
        for path, options in sorted(definitions().items()):
            if path == "forget-me":
                continue                                 # no options; erasing is tested above
            for kind, line in _hostile_lines(path, options):
                caplog.clear()
                start = len(out.getvalue())
                with caplog.at_level(logging.ERROR, logger="bot"):
                    reply = await console.run(line)
                said = out.getvalue()[start:]
                assert not caplog.records, (kind, line[:80], caplog.text[-2000:])
                assert reply is None or reply.title != "Something went wrong", (kind, line)
                assert "Error" not in said and "\x00" not in said, (kind, line[:80], said)
                assert len(said) < 2000, (kind, line[:80])       # nothing echoed back at length
                if kind in ("missing", "duplicated"):
                    assert reply is None and said.startswith("! "), (kind, line)
                ran += reply is not None
                refused += reply is None
    finally:
        await db.close()
    assert ran > 50 and refused > 200


async def test_an_unexpected_error_is_one_sentence_and_the_details_go_to_the_log(
        db_url, tmp_path, caplog):
    db = await Database.connect(db_url, max_size=2)
    await db.close()                                  # every query now fails unexpectedly
    out = io.StringIO()
    console = Console(db=db, user_id=59, out_dir=tmp_path, art=ArtSource(), stream=out)
    with caplog.at_level(logging.ERROR, logger="bot.console"):
        reply = await console.run("/profile")
    assert reply.title == "Something went wrong"
    text = out.getvalue()
    assert "Error" not in text and "Traceback" not in text and "pool" not in text.lower()
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert caplog.records[0].exc_info is not None                 # the details, logged


async def test_help_is_generated_from_the_discord_definitions(tmp_path):
    """/help in the console prints the same generated pages as /help in Discord."""
    out = io.StringIO()
    console = Console(db=None, user_id=60, out_dir=tmp_path, art=ArtSource(), stream=out)
    await console.run("/help")
    text = out.getvalue()
    for path, summary in summaries().items():
        assert f"/{path} — {summary}" in text, path
    assert "/press <label>" in text
    out.truncate(0)
    out.seek(0)
    await console.run("/help command:pull")
    text = out.getvalue()
    assert "== /pull ==" in text and "**count** (a whole number, optional; 1 to 10)" in text
    assert "/press" not in text
    out.truncate(0)
    out.seek(0)
    await console.run("/help command:nonsense")
    assert "== No such command ==" in out.getvalue()


async def test_looking_at_another_player_in_the_console(db_url, conn, tmp_path):
    await load_catalogue(conn, n_ssr=3, n_sr=6, n_r=12)
    await conn.execute("select * from stardust.claim_starter(62)")
    db = await Database.connect(db_url, max_size=2)
    out = io.StringIO()
    console = Console(db=db, user_id=61, out_dir=tmp_path, art=ArtSource(), stream=out)
    try:
        reply = await console.run("/profile user:62")
        assert reply.title == "Player 62's profile"
        reply = await console.run("/achievements user:63")
        assert reply.text == "Player 63 has not played yet."
    finally:
        await db.close()
    assert await conn.fetchval("select count(*) from stardust.users where user_id = 63") == 0
