"""Migrations and function deployment, end to end on real databases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from bot import migrate, pgcluster

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def dump(cluster: pgcluster.Cluster, url: str, *args: str) -> str:
    out = subprocess.run([str(cluster.bindir / "pg_dump"), "--no-owner", "-n", "stardust",
                          *args, "-d", url], capture_output=True, text=True, check=True)
    # pg_dump's \restrict/\unrestrict lines carry a random key per run
    return "\n".join(line for line in out.stdout.splitlines()
                     if not line.startswith(("\\restrict", "\\unrestrict")))


def q(url: str, sql: str, *params):
    with psycopg.connect(url, autocommit=True) as c:
        cur = c.execute(sql, params)
        return cur.fetchall() if cur.description else None


@pytest.fixture
def empty_url(make_db):
    return make_db("empty", template=None)


def test_fresh_migrate_then_again_is_a_no_op(pg_cluster, empty_url):
    first = migrate.migrate(empty_url)
    assert first.applied and first.deployed >= 10 and not first.extra
    before = dump(pg_cluster, empty_url)
    second = migrate.migrate(empty_url)
    assert second.applied == [] and second.changed == [] and second.missing == []
    assert dump(pg_cluster, empty_url) == before
    assert not migrate.check(empty_url).drift


@pytest.mark.slow                                 # every migration down and up
def test_rollback_to_empty_and_forward_again(pg_cluster, empty_url):
    migrate.migrate(empty_url)
    schema = dump(pg_cluster, empty_url, "--schema-only")
    rolled = migrate.rollback(empty_url)
    assert rolled and rolled[-1] == "0001_foundation"
    assert q(empty_url, "select count(*) from pg_namespace where nspname = 'stardust'") == [(0,)]
    assert q(empty_url, "select count(*) from stardust_migrations._yoyo_migration") == [(0,)]
    migrate.migrate(empty_url)
    assert dump(pg_cluster, empty_url, "--schema-only") == schema
    assert q(empty_url, "select gems from stardust.get_user(1)") == [(10000,)]


@pytest.mark.slow                                 # every migration down and up
def test_rolling_back_each_migration_keeps_the_earlier_ones_working(pg_cluster, empty_url):
    migrate.migrate(empty_url)
    schema = dump(pg_cluster, empty_url, "--schema-only")
    ids = [p.stem for p in sorted((REPO / "sql" / "migrations").glob("[0-9]*.sql"))
           if not p.name.endswith(".rollback.sql")]
    for mid in reversed(ids[1:]):
        assert migrate.rollback(empty_url, count=1) == [mid]
        # what the earlier migrations made still works: a player, a grant, a ledger
        assert q(empty_url, "select gems from stardust.grant(1, 5)")[0][0] > 0
    assert q(empty_url, "select to_regclass('stardust.battles'), to_regclass('stardust.scrap_log')"
             ) == [(None, None)]
    assert q(empty_url, "select to_regprocedure('stardust.pull(bigint,integer,integer,text)')"
             ) == [(None,)]
    migrate.migrate(empty_url)
    assert dump(pg_cluster, empty_url, "--schema-only") == schema


def test_editing_a_function_file_redeploys_it(empty_url, tmp_path):
    root = tmp_path / "sql"
    shutil.copytree(REPO / "sql", root)
    migrate.migrate(empty_url, root)
    f = root / "functions" / "unit_power.sql"
    f.write_text(f.read_text().replace("floor(p_true_power::numeric", "floor(2 * p_true_power::numeric"))
    assert migrate.check(empty_url, root).changed == [
        "stardust.unit_power(integer,integer,integer,integer)"]
    report = migrate.migrate(empty_url, root)
    assert report.changed == ["stardust.unit_power(integer,integer,integer,integer)"]
    assert q(empty_url, "select stardust.unit_power(100, 0, 0, 0)") == [(200,)]


@pytest.mark.slow                                 # several CLI processes
def test_check_reports_hot_fixes_and_broken_files(empty_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": empty_url}
    cli = [str(BIN / "stardust"), "migrate", "--check"]
    pending = subprocess.run(cli, env=env, capture_output=True, text=True)
    assert pending.returncode == 1 and "pending migration: 0001_foundation" in pending.stdout
    subprocess.run([str(BIN / "stardust"), "migrate"], env=env, check=True, capture_output=True)
    clean = subprocess.run(cli, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    # someone hot-fixes a function in the SQL editor
    q(empty_url, "create or replace function stardust.unit_power(p_true_power integer,"
                 " p_dupe_level integer, p_bond_level integer, p_team_level integer)"
                 " returns bigint language sql immutable"
                 " set search_path = pg_catalog, pg_temp"
                 " as 'select 1::bigint'")
    q(empty_url, "grant execute on function stardust._setting(text) to public")
    drift = subprocess.run(cli, env=env, capture_output=True, text=True)
    assert drift.returncode == 1
    assert "differs from its file: stardust.unit_power(" in drift.stdout
    assert "differs from its file: stardust._setting(text)" in drift.stdout
    # --check changed nothing
    assert q(empty_url, "select stardust.unit_power(100, 0, 0, 0)") == [(1,)]

    # a file that cannot deploy is named
    root = tmp_path / "sql"
    shutil.copytree(REPO / "sql", root)
    (root / "functions" / "zz_bad.sql").write_text("create function stardust.zz(")
    report = migrate.check(empty_url, root)
    assert [f.split(":")[0] for f in report.failed] == ["zz_bad.sql"]

    subprocess.run([str(BIN / "stardust"), "migrate"], env=env, check=True, capture_output=True)
    assert subprocess.run(cli, env=env, capture_output=True).returncode == 0
    assert q(empty_url, "select stardust.unit_power(100, 0, 0, 0)") == [(100,)]


def test_yoyo_apply_with_repo_config(empty_url):
    env = {**os.environ, "DATABASE_URL": empty_url}
    proc = subprocess.run([str(BIN / "yoyo"), "apply"], cwd=REPO, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the post-apply hook deployed the functions
    assert q(empty_url, "select gems from stardust.get_user(p_user_id => 1)") == [(10000,)]
    assert q(empty_url, "select count(*) from pg_tables where schemaname = 'public'") == [(0,)]
    applied = len([p for p in (REPO / "sql" / "migrations").glob("[0-9]*.sql")
                   if not p.name.endswith(".rollback.sql")])
    assert q(empty_url, "select count(*) from stardust_migrations._yoyo_migration") == [(applied,)]
    assert not migrate.check(empty_url).drift


@pytest.mark.slow                                 # a cluster of its own, many processes
def test_embedded_database_lifecycle():
    """`stardust` with no DATABASE_URL starts its own cluster (as the postgres OS user when
    we are root), reuses it, and `stardust db url` prints a URL psql can use."""
    base = Path(tempfile.mkdtemp(prefix="stardust-embedded-"))
    os.chmod(base, 0o755)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STARDUST_DATA_DIR"] = str(base)
    run = lambda *a: subprocess.run([str(BIN / "stardust"), *a], env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    try:
        url = run("db", "url")
        assert url.returncode == 0, url.stderr
        url = url.stdout.strip()
        assert url.startswith("postgresql://postgres@/stardust?host=")
        if os.geteuid() == 0:
            assert (base / "pgdata").stat().st_uid != 0      # the server is not root's
        assert run("migrate").returncode == 0
        assert run("db", "url").stdout.strip() == url            # reused, not re-created
        psql = subprocess.run(["psql", url, "-Atc",
                               "select gems from stardust.get_user(p_user_id => 1)"],
                              capture_output=True, text=True)
        assert psql.stdout.strip() == "10000", psql.stderr
        assert run("db", "status").returncode == 0
    finally:
        run("db", "stop")
        shutil.rmtree(base, ignore_errors=True)
    assert run("db", "status").returncode == 3


def test_missing_postgres_gives_install_instructions(monkeypatch, capsys):
    monkeypatch.delenv("STARDUST_PG_BINDIR", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(pgcluster.shutil, "which", lambda name: None)
    monkeypatch.setattr(pgcluster.glob, "glob", lambda pattern: [])
    from bot import cli

    assert cli.main(["db", "url"]) == 1
    err = capsys.readouterr().err
    assert "apt-get install postgresql" in err and "DATABASE_URL" in err
