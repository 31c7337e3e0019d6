"""A newcomer's first ten minutes with the `stardust` command line (issue 13, 8): one line
with the fix for a bad database URL, a short migrate, the embedded database's lifecycle, and
README console examples that work for a new player."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot import pgcluster
from bot.console import Console
from bot.db import Database
from bot.handlers import ERROR_COLOUR, ArtSource
from tests.helpers import load_catalogue

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent


def stardust(*args: str, env: dict | None = None, stdin: str = "", timeout: float = 180
             ) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "stardust"), *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


def env_with(**values) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({k: v for k, v in values.items() if v is not None})
    return env


def one_line_with_the_fix(proc: subprocess.CompletedProcess, prog: str = "stardust") -> str:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: "), proc.stderr
    assert "DATABASE_URL=postgresql://" in lines[0] or "DATABASE_URL (postgresql://" in lines[0]
    return lines[0]


BAD_URLS = {
    "unreachable": f"postgresql://nobody@127.0.0.1:{pgcluster.free_port()}/stardust",
    "wrong scheme": "mysql://user:password@localhost/stardust",
    "no scheme": "localhost:5432/stardust",
}


@pytest.mark.parametrize("command", ["migrate", "console", "run"])
@pytest.mark.parametrize("kind", sorted(BAD_URLS))
def test_a_bad_database_url_is_one_line_with_the_fix(command, kind):
    proc = stardust(command, env=env_with(DATABASE_URL=BAD_URLS[kind], DISCORD_TOKEN="x"))
    line = one_line_with_the_fix(proc)
    assert proc.stdout == ""
    if kind == "unreachable":
        assert "cannot connect to the database" in line


@pytest.mark.parametrize("kind", [None, *sorted(BAD_URLS)])
def test_yoyo_apply_without_a_good_database_url_is_one_line(kind):
    proc = subprocess.run([str(BIN / "yoyo"), "apply"], cwd=REPO, capture_output=True,
                          text=True, timeout=60,
                          env=env_with(DATABASE_URL=BAD_URLS[kind] if kind else None))
    line = one_line_with_the_fix(proc, prog="yoyo")
    if kind is None:
        assert "DATABASE_URL is not set" in line


@pytest.mark.slow                                 # CLI processes migrating
def test_migrate_prints_a_summary_and_details_with_v(make_db):
    quiet = stardust("migrate", env=env_with(DATABASE_URL=make_db("quiet", template=None)))
    assert quiet.returncode == 0, quiet.stderr
    assert "applied migration: 0001_foundation" in quiet.stdout
    assert "new: stardust." not in quiet.stdout
    summary = [line for line in quiet.stdout.splitlines() if line.startswith("deployed ")]
    assert len(summary) == 1 and re.search(r"\d+ new", summary[0]) and "-v" in summary[0]
    loud = stardust("migrate", "-v", env=env_with(DATABASE_URL=make_db("loud", template=None)))
    assert loud.returncode == 0, loud.stderr
    assert loud.stdout.count("  new: stardust.") > 50


def test_console_refuses_an_unmigrated_database_with_the_command_to_run(make_db):
    proc = stardust("console", stdin="/profile\n",
                    env=env_with(DATABASE_URL=make_db("bare", template=None)))
    line = proc.stderr.strip()
    assert proc.returncode == 2 and len(line.splitlines()) == 1, proc.stdout + proc.stderr
    assert "stardust migrate" in line and "Traceback" not in proc.stdout + line
    assert "does not exist" not in proc.stdout


def test_console_output_is_ignored_by_git():
    for path in ("stardust-console/001-pull.png", "stardust-console/console.log"):
        assert subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO).returncode == 0


def test_the_deploy_failure_message_names_no_missing_file():
    for path in (REPO / "bot/cli.py", REPO / "bot/migrate.py"):
        assert "STYLE.md" not in path.read_text()


async def test_readme_console_examples_work_for_a_new_player(db_url, conn, tmp_path):
    """The README's console block, played as a new player: `<id>` is filled in as a player
    would, from their own /inventory (strongest first, units not in the team)."""
    # a catalogue large enough that 20 pulls fill more than one page (/press next)
    await load_catalogue(conn, n_ssr=5, n_sr=40, n_r=300)
    block = re.search(r"stardust console --user 42\n(.*?)```", (REPO / "README.md").read_text(),
                      re.S).group(1)
    lines = [re.sub(r"\s+#.*", "", line[2:]).strip() for line in block.splitlines()
             if line.startswith("> ")]
    assert any("<id>" in line for line in lines)
    db = await Database.connect(db_url, max_size=2)
    out = io.StringIO()
    console = Console(db=db, user_id=42, out_dir=tmp_path, art=ArtSource(), stream=out,
                      confirm=lambda prompt: True)
    try:
        for line in lines:
            if "<id>" in line:
                free = [u["inventory_id"] for u in await db.inventory(42, "power", None, 50, 0)
                        if not u["in_team"]]
                for unit in free:
                    line = line.replace("<id>", str(unit), 1)
            start = len(out.getvalue())
            reply = await console.run(line)
            said = out.getvalue()[start:]
            assert not said.startswith("! "), (line, said)
            if reply is not None:
                assert reply.colour != ERROR_COLOUR, (line, said)
    finally:
        await db.close()
    assert await conn.fetchval("select count(*) from stardust.expeditions"
                               " where user_id = 42") == 1


@pytest.mark.slow                                 # a cluster of its own, many processes
def test_the_embedded_database_from_first_console_to_destroy():
    """No DATABASE_URL: the console migrates the embedded database itself; db status says
    where the data lives; the demo says the server is still running; db stop twice; db destroy
    asks (refuses without a terminal), --yes deletes."""
    base = Path(tempfile.mkdtemp(prefix="stardust-newcomer-"))
    os.chmod(base, 0o755)                          # the postgres OS user must traverse it
    env = env_with(STARDUST_DATA_DIR=str(base))
    datadir = base / "pgdata"
    try:
        status = stardust("db", "status", env=env)
        assert status.returncode == 3 and "does not exist yet" in status.stdout
        con = stardust("console", "--offline", "--out", str(base / "out"), env=env,
                       stdin="/profile\n")
        assert con.returncode == 0, con.stdout + con.stderr
        assert "migrating it first" in con.stdout and "new: stardust." not in con.stdout
        assert "profile ==" in con.stdout and "does not exist" not in con.stdout
        status = stardust("db", "status", env=env)
        assert status.returncode == 0 and str(datadir) in status.stdout
        assert "stardust db stop" in status.stdout
        demo = stardust("demo", "--out", str(base / "demo"), env=env)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        assert "new: stardust." not in demo.stdout
        last = demo.stdout.strip().splitlines()[-1]
        assert "still running" in last and "stardust db stop" in last and str(datadir) in last
        stop = stardust("db", "stop", env=env)
        assert stop.returncode == 0 and stop.stdout.strip() == "embedded database stopped"
        again = stardust("db", "stop", env=env)
        assert again.returncode == 0 and "not running" in again.stdout
        refused = stardust("db", "destroy", env=env)              # stdin is not a terminal
        assert refused.returncode == 2 and "--yes" in refused.stderr and datadir.is_dir()
        gone = stardust("db", "destroy", "--yes", env=env)
        assert gone.returncode == 0 and not datadir.exists(), gone.stdout + gone.stderr
        nothing = stardust("db", "destroy", "--yes", env=env)
        assert nothing.returncode == 0 and "nothing to destroy" in nothing.stdout
    finally:
        cluster = pgcluster.Cluster(datadir)
        if cluster.is_initialized() and cluster.is_running():
            cluster.stop(mode="immediate")
        shutil.rmtree(base, ignore_errors=True)
