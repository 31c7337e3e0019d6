"""Test harness: a real, throwaway PostgreSQL for the whole session.

PostgreSQL refuses to run as root (and pytest-postgresql's `postgresql_proc` with it), so the
session starts its own cluster with bot.pgcluster, which runs the server binaries as the
`postgres` OS user when we are root, with fsync off. The schema is migrated once, with the
project's own migrate code, into a template database; tests that commit get a fresh clone
(`db_url`, `conn`, `connections`), the others a rolled-back transaction (`tx`).
"""

from __future__ import annotations

import itertools
import os

import asyncpg
import pytest
from hypothesis import settings as hypothesis_settings
from pytest_postgresql.janitor import DatabaseJanitor

from bot import migrate
from bot.pgcluster import Cluster, throwaway
from tests.helpers import steady_clock

TEMPLATE = "stardust_template"
_counter = itertools.count()

# Hypothesis draws the same examples on every run (issue 16): a failure in CI is a failure
# on a developer's machine too. HYPOTHESIS_PROFILE=explore draws new ones (and remembers
# failures in .hypothesis/), for a developer looking for trouble.
hypothesis_settings.register_profile("derandomized", derandomize=True, database=None,
                                     print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derandomized"))


def pytest_terminal_summary(terminalreporter, config):
    """The order the tests ran in (pytest-randomly shuffles it), also under -q: a failure
    that depends on the order is repeated with the same seed."""
    seed = getattr(config.option, "randomly_seed", None)
    if config.pluginmanager.has_plugin("randomly") and isinstance(seed, int):
        terminalreporter.write_line(f"test order: random, repeat it with -p randomly "
                                    f"--randomly-seed={seed}")


@pytest.fixture(scope="session")
def pg_cluster():
    with throwaway("stardust-test-") as cluster:
        yield cluster


def _janitor(cluster: Cluster, dbname: str, template: str | None = None,
             as_template: bool = False) -> DatabaseJanitor:
    return DatabaseJanitor(user=cluster.superuser, host=str(cluster.socket_dir),
                           port=cluster.port, dbname=dbname, template_dbname=template,
                           as_template=as_template)


@pytest.fixture(scope="session")
def template_db(pg_cluster):
    """The migrated template every test database is cloned from."""
    janitor = _janitor(pg_cluster, TEMPLATE, as_template=True)
    janitor.init()
    migrate.migrate(pg_cluster.url(TEMPLATE))
    yield TEMPLATE
    janitor.drop()


@pytest.fixture(scope="session")
def make_db(pg_cluster, template_db):
    """Factory: a new database cloned from the migrated template; dropped at session end."""
    created: list[DatabaseJanitor] = []

    def make(prefix: str = "t", template: str | None = template_db) -> str:
        name = f"{prefix}_{os.getpid()}_{next(_counter)}"
        janitor = _janitor(pg_cluster, name, template=template)
        janitor.init()
        created.append(janitor)
        return pg_cluster.url(name)

    yield make
    for janitor in created:
        janitor.drop()


@pytest.fixture
def db_url(make_db, pg_cluster):
    """URL of a fresh migrated database, dropped after the test."""
    url = make_db()
    yield url
    name = url.split("/")[3].split("?")[0]
    _janitor(pg_cluster, name).drop()


@pytest.fixture
async def conn(db_url):
    """An owner (admin) connection to a fresh migrated database."""
    c = await asyncpg.connect(db_url)
    yield c
    await c.close()


@pytest.fixture
async def steady_game_clock(conn):
    """For modules with day and hour rules (`pytestmark = usefixtures(...)`): the game's clock
    stands still minutes from midnight UTC and the top of the hour, so two check-ins, a day's
    cap or an hour's board never straddle a boundary and no test depends on when it runs."""
    async with steady_clock(conn):
        yield


@pytest.fixture
async def connections(db_url):
    """Factory of N connections to the test database, for races. `as_bot=True` connects
    with the bot's role (EXECUTE on API functions only)."""
    opened: list[asyncpg.Connection] = []

    async def open_(n: int, as_bot: bool = False) -> list[asyncpg.Connection]:
        settings = {"role": "stardust_bot"} if as_bot else {}
        new = [await asyncpg.connect(db_url, server_settings=settings) for _ in range(n)]
        opened.extend(new)
        return new

    yield open_
    for c in opened:
        await c.close()


@pytest.fixture
async def bot_conn(connections):
    """A connection with the bot's privileges only."""
    (c,) = await connections(1, as_bot=True)
    return c


@pytest.fixture(scope="session")
def shared_url(make_db):
    """One migrated database for tests that never commit (see `tx`)."""
    return make_db("shared")


@pytest.fixture
async def tx(shared_url):
    """An owner connection inside a transaction that is rolled back after the test."""
    c = await asyncpg.connect(shared_url)
    t = c.transaction()
    await t.start()
    try:
        yield c
    finally:
        await t.rollback()
        await c.close()
