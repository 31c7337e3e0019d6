"""The offline console: parsing, completion, and a scripted stdin session through the real
CLI against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import COMMANDS, BUTTONS, Console, UsageError, options_of, parse
from tests.helpers import load_catalogue

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("line,expected", [
    ("/pull count:10", ("pull", {"count": 10})),
    ("/pull", ("pull", {})),
    ("/PULL Count:3 banner:7", ("pull", {"count": 3, "banner": 7})),
    ("/team set unit1:5 unit3:7", ("team set", {"unit1": 5, "unit3": 7})),
    ("/scrap mass rarity:R", ("scrap mass", {"rarity": "R"})),
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
    assert set(BUTTONS) == {"ms:", "inv:"}


def test_completions():
    c = Console(db=None, user_id=1, out_dir=Path("."), art=None)
    assert c.completions("/pu", "/pu") == ["/pull"]
    assert c.completions("/s", "/s") == ["/spark", "/starter", "/scrap"]
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
