"""The AniList importer (bot/anilist.py) against a fake AniList (tests/fake_anilist.py).

No test reaches the network: every import points at the fake on 127.0.0.1, and every wait goes
through a recording `sleep` that returns at once.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import socket
from pathlib import Path

import asyncpg
import pytest

from bot import anilist
from bot.anilist import ImportFailed, import_from_anilist, import_from_file
from tests.fake_anilist import FakeAniList
from tests.helpers import unchanged

DEMO = Path(anilist.__file__).parent / "data" / "demo_characters.json"


class Sleeps:
    """An injectable sleep: records the waits (also into the fake's log) and returns."""

    def __init__(self, log: list) -> None:
        self.calls: list[float] = []
        self.log = log

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.log.append(("sleep", seconds))


@pytest.fixture(scope="module")
def anilist_db(make_db):
    """One migrated database for the module: cloning one per test would be most of its time."""
    return make_db("anilist")


@pytest.fixture
async def db_url(anilist_db):
    """Overrides conftest's: the module's database with an empty catalogue (the importer
    writes nothing else), so `conn` sees the same database."""
    c = await asyncpg.connect(anilist_db)
    try:
        await c.execute("truncate stardust.characters cascade")
    finally:
        await c.close()
    return anilist_db


@pytest.fixture
async def fake():
    server = FakeAniList(n=180)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def sleeps(fake):
    return Sleeps(fake.log)


@pytest.fixture
def state_file(tmp_path):
    return tmp_path / "state" / "anilist-import.json"


@pytest.fixture
def run(db_url, fake, sleeps, state_file):
    """import_from_anilist against the fake, quiet, with the recording sleep."""

    async def run_(**kwargs):
        kwargs.setdefault("endpoint", fake.url)
        kwargs.setdefault("state_file", state_file)
        kwargs.setdefault("progress", None)
        kwargs.setdefault("sleep", sleeps)
        return await import_from_anilist(db_url, **kwargs)

    return run_


def expected(fake: FakeAniList, rank: int) -> dict:
    """What the catalogue row for `rank` must hold, straight from what the fake serves."""
    raw = fake.characters[rank - 1]
    return {"anilist_id": raw["id"], "name": raw["name"]["full"],
            "series": raw["media"]["nodes"][0]["title"]["english"],
            "image_url": raw["image"]["large"], "favorites": raw["favourites"], "rank": rank}


async def catalogue(conn) -> list[dict]:
    rows = await conn.fetch("select anilist_id, name, series, image_url, favorites, rank, rarity,"
                            " true_power, is_overridden from stardust.characters order by rank")
    return [dict(r) for r in rows]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- paging ---------------------------------------------------------------------------------------

async def test_pagination_fetches_exactly_the_pages_needed(run, fake, conn):
    report = await run(top=120)
    assert fake.requests == [1, 2, 3]
    assert (report.pages_fetched, report.characters_seen, report.rows_written) == (3, 120, 120)
    assert report.resumed_from_page is None and report.retries == 0
    for body in fake.bodies:
        assert body["variables"]["perPage"] == 50
        assert "FAVOURITES_DESC" in body["query"] and "hasNextPage" in body["query"]
    assert [b["variables"]["page"] for b in fake.bodies] == [1, 2, 3]
    assert all(ua.startswith("stardust-importer") for ua in fake.user_agents)

    rows = await catalogue(conn)
    assert [r["rank"] for r in rows] == list(range(1, 121))
    for r in rows:
        want = expected(fake, r["rank"])
        assert {k: r[k] for k in want} == want
        assert r["rarity"] == "SSR" and r["true_power"] > 0


async def test_rarities_follow_rank(run, fake, conn):
    fake.characters = FakeAniList(n=300).characters
    report = await run(top=300)
    assert fake.requests == [1, 2, 3, 4, 5, 6] and report.rows_written == 300
    rows = await catalogue(conn)
    assert [r["rank"] for r in rows] == list(range(1, 301))
    assert {r["rank"] for r in rows if r["rarity"] == "SSR"} == set(range(1, 251))
    assert {r["rank"] for r in rows if r["rarity"] == "SR"} == set(range(251, 301))
    assert [r["anilist_id"] for r in rows] == [expected(fake, k)["anilist_id"]
                                              for k in range(1, 301)]


async def test_stops_when_anilist_has_no_next_page(run, fake, conn, state_file):
    fake.characters = fake.characters[:130]
    report = await run(top=1000)
    assert fake.requests == [1, 2, 3]
    assert report.rows_written == 130
    assert await conn.fetchval("select count(*) from stardust.characters") == 130
    assert not state_file.exists()


async def test_missing_fields_fall_back_and_characters_without_id_are_skipped(run, fake, conn):
    chars = fake.characters
    chars[2]["name"] = {"full": None}
    chars[3]["name"] = None
    chars[4]["name"] = {"full": "   "}
    chars[5]["media"] = {"nodes": []}
    chars[6]["media"]["nodes"][0]["title"]["english"] = None      # romaji instead
    chars[7]["favourites"] = None
    chars[8]["id"] = None
    chars[9]["image"] = None
    chars[10]["media"] = None
    report = await run(top=50)
    assert report.skipped == 1 and report.characters_seen == 49 and report.rows_written == 49
    rows = {r["rank"]: r for r in await catalogue(conn)}
    assert 9 not in rows and len(rows) == 49       # ranks stay positions: no shift after a skip
    assert rows[10]["anilist_id"] == chars[9]["id"]
    assert [rows[k]["name"] for k in (3, 4, 5)] == ["Unknown"] * 3
    assert rows[6]["series"] is None and rows[11]["series"] is None
    assert rows[7]["series"] == chars[6]["media"]["nodes"][0]["title"]["romaji"]
    assert rows[8]["favorites"] == 0
    assert rows[10]["image_url"] is None


async def test_top_must_be_positive(fake, state_file):
    # checked before connecting to anything
    with pytest.raises(ImportFailed, match="--top"):
        await import_from_anilist("postgresql://nowhere.invalid/x", top=0, endpoint=fake.url,
                                  state_file=state_file, progress=None)
    assert fake.requests == []


# -- rate limits and retries -----------------------------------------------------------------------

async def test_429_waits_retry_after_then_retries_the_same_page(run, fake, sleeps, conn):
    fake.once(2, "429", retry_after=7)
    report = await run(top=150)
    assert sleeps.calls == [7.0]
    assert fake.requests == [1, 2, 2, 3]
    assert fake.log.index(("sleep", 7.0)) == fake.log.index(("request", 2)) + 1
    assert report.retries == 1 and report.rows_written == 150
    assert await conn.fetchval("select count(*) from stardust.characters") == 150


async def test_429_with_retry_after_zero_retries_at_once(run, fake, sleeps):
    fake.once(1, "429", retry_after=0, reset_in=40)
    await run(top=50)
    assert fake.requests == [1, 1] and sleeps.calls == [0.0]


async def test_429_without_retry_after_uses_reset_then_60s(run, fake, sleeps):
    fake.once(1, "429", reset_in=20)
    fake.once(2, "429")
    await run(top=100)
    assert fake.requests == [1, 1, 2, 2]
    assert len(sleeps.calls) == 2
    assert 18 <= sleeps.calls[0] <= 22
    assert sleeps.calls[1] == 60


async def test_remaining_zero_waits_until_reset_before_the_next_request(run, fake, sleeps):
    fake.once(1, "exhausted", reset_in=30)
    fake.once(2, "exhausted")                     # no Reset: a whole window
    report = await run(top=150)
    assert fake.requests == [1, 2, 3] and report.rows_written == 150
    assert [e[0] for e in fake.log] == ["request", "sleep", "request", "sleep", "request"]
    assert 28 <= fake.log[1][1] <= 32
    assert fake.log[3][1] == 60


async def test_remaining_zero_on_the_last_page_does_not_wait(run, fake, sleeps):
    fake.once(2, "exhausted", reset_in=30)
    await run(top=100)
    assert sleeps.calls == []


async def test_server_error_once_backs_off_and_completes(run, fake, sleeps, conn):
    fake.once(2, "500")
    report = await run(top=100)
    assert fake.requests == [1, 2, 2]
    assert len(sleeps.calls) == 1 and 1 <= sleeps.calls[0] < 2
    assert report.retries == 1 and report.rows_written == 100


async def test_persistent_server_errors_fail_after_max_retries(run, fake, sleeps, conn):
    fake.always(1, "500")
    with pytest.raises(ImportFailed, match=r"page 1: .*after 3 retries.*HTTP 500"):
        await run(top=100, max_retries=3)
    assert fake.requests == [1, 1, 1, 1]
    assert [int(s) for s in sleeps.calls] == [1, 2, 4]        # exponential, plus jitter < 1
    assert await conn.fetchval("select count(*) from stardust.characters") == 0


async def test_backoff_is_capped_at_60s(run, fake, sleeps):
    fake.always(1, "500")
    with pytest.raises(ImportFailed):
        await run(top=50, max_retries=8)
    assert [int(s) for s in sleeps.calls] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert max(sleeps.calls) <= 61


async def test_connection_errors_are_retried_then_fail_clearly(run, sleeps, db_url):
    with pytest.raises(ImportFailed, match=r"page 1: AniList unavailable after 2 retries"):
        await run(top=50, max_retries=2, endpoint=f"http://127.0.0.1:{free_port()}/")
    assert len(sleeps.calls) == 2


async def test_timeouts_are_retried(run, fake, sleeps, conn, monkeypatch):
    monkeypatch.setattr(anilist, "REQUEST_TIMEOUT", 0.2)
    fake.once(1, "hang")
    report = await run(top=50)
    assert fake.requests == [1, 1] and report.retries == 1 and report.rows_written == 50


async def test_client_errors_fail_at_once(run, fake, sleeps):
    fake.always(1, "403")
    with pytest.raises(ImportFailed, match=r"page 1: .*HTTP 403: The AniList API has been"):
        await run(top=50)
    assert fake.requests == [1] and sleeps.calls == []


@pytest.mark.parametrize("action", ["garbage", "errors", "bad_shape"])
async def test_malformed_page_once_is_retried(run, fake, sleeps, conn, action):
    fake.once(2, action)
    report = await run(top=150)
    assert fake.requests == [1, 2, 2, 3]
    assert report.retries == 1 and len(sleeps.calls) == 1
    assert await conn.fetchval("select count(*) from stardust.characters") == 150


async def test_malformed_page_always_fails_naming_it_and_keeps_earlier_batches(
        run, fake, conn, state_file):
    fake.always(3, "garbage")
    with pytest.raises(ImportFailed, match=r"^page 3: malformed page after 3 retries: not JSON"):
        await run(top=180, batch_pages=2, max_retries=3)
    assert fake.requests == [1, 2, 3, 3, 3, 3]
    rows = await catalogue(conn)
    assert [r["rank"] for r in rows] == list(range(1, 101))        # pages 1-2, one batch
    assert json.loads(state_file.read_text()) == {"top": 180, "next_page": 3,
                                                  "endpoint": fake.url}


# -- batches and resuming --------------------------------------------------------------------------

async def test_interrupted_import_resumes_after_the_last_batch(run, fake, conn, state_file):
    fake.characters = FakeAniList(n=300).characters
    fake.always(5, "garbage")
    with pytest.raises(ImportFailed, match="page 5"):
        await run(top=300, batch_pages=2, max_retries=2)
    assert await conn.fetchval("select count(*) from stardust.characters") == 200
    assert json.loads(state_file.read_text()) == {"top": 300, "next_page": 5,
                                                  "endpoint": fake.url}

    fake.heal()
    fake.reset_counts()
    report = await run(top=300, batch_pages=2)
    assert report.resumed_from_page == 5
    assert fake.requests == [5, 6]
    assert (report.pages_fetched, report.characters_seen, report.rows_written) == (2, 100, 100)
    assert not state_file.exists()
    rows = await catalogue(conn)
    assert [(r["rank"], r["anilist_id"]) for r in rows] == [
        (k, expected(fake, k)["anilist_id"]) for k in range(1, 301)]
    assert {r["rarity"] for r in rows if r["rank"] <= 250} == {"SSR"}
    assert {r["rarity"] for r in rows if r["rank"] > 250} == {"SR"}


async def test_a_state_file_for_another_top_is_ignored(run, fake, state_file):
    state_file.parent.mkdir(parents=True)
    state_file.write_text(json.dumps({"top": 300, "next_page": 5, "endpoint": fake.url}))
    report = await run(top=100)
    assert fake.requests == [1, 2] and report.resumed_from_page is None
    assert not state_file.exists()


async def test_a_corrupt_state_file_is_ignored(run, fake, state_file):
    state_file.parent.mkdir(parents=True)
    state_file.write_text("{not json")
    report = await run(top=100)
    assert fake.requests == [1, 2] and report.resumed_from_page is None
    assert not state_file.exists()


async def test_state_is_written_after_every_batch(run, fake, state_file, monkeypatch):
    written = []
    real = anilist._write_state
    monkeypatch.setattr(anilist, "_write_state",
                        lambda path, state: (written.append(dict(state)), real(path, state)))
    await run(top=180, batch_pages=1)
    assert [s["next_page"] for s in written] == [2, 3, 4]   # not after the last: it is deleted
    assert not state_file.exists()


async def test_overridden_characters_are_not_clobbered(run, fake, conn):
    await run(top=100)
    first, second = fake.characters[0]["id"], fake.characters[1]["id"]
    power_before = await conn.fetchval(
        "select true_power from stardust.characters where anilist_id = $1", second)
    await conn.execute("update stardust.characters set is_overridden = true, rarity = 'R',"
                       " true_power = 4321 where anilist_id = $1", first)
    fake.characters[0]["favourites"] = 250_000
    fake.characters[1]["favourites"] = 240_000
    report = await run(top=100)
    assert report.rows_written == 2                          # only the two that changed
    row = await conn.fetchrow("select * from stardust.characters where anilist_id = $1", first)
    assert (row["rarity"], row["true_power"], row["is_overridden"]) == ("R", 4321, True)
    assert row["favorites"] == 250_000
    other = await conn.fetchrow("select * from stardust.characters where anilist_id = $1", second)
    assert other["favorites"] == 240_000 and other["true_power"] > power_before


# -- progress --------------------------------------------------------------------------------------

async def test_progress_is_one_line_updated_in_place(run, fake):
    fake.once(2, "429", retry_after=7)
    out = io.StringIO()
    await run(top=120, progress=out)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.count("\r") >= 4
    assert "rate limited (429): waiting 7s" in text
    assert "page 3/3" in text.split("\r")[-1] and "120 rows written" in text.split("\r")[-1]


async def test_no_progress_prints_nothing(run, fake, capsys):
    await run(top=60, progress=None)
    assert capsys.readouterr() == ("", "")


# -- from a file -----------------------------------------------------------------------------------

def synthetic(n: int, start: int = 1) -> list[dict]:
    return [{"anilist_id": 90_000 + i, "name": f"Offline {i}", "series": "Offline Series",
             "image_url": None, "favorites": 10 * (n - i), "rank": i}
            for i in range(start, start + n)]


async def test_from_file_with_an_array(db_url, conn, tmp_path):
    path = tmp_path / "chars.json"
    path.write_text(json.dumps(synthetic(1200)))
    report = await import_from_file(db_url, path, progress=None)
    assert report.rows_written == 1200 and report.batches == 3
    assert await conn.fetchval("select count(*) from stardust.characters") == 1200
    assert await conn.fetchval("select count(*) from stardust.characters"
                               " where rarity = 'SR'") == 950


async def test_from_file_with_a_characters_object(db_url, conn):
    demo = json.loads(DEMO.read_text())["characters"]
    out = io.StringIO()
    report = await import_from_file(db_url, DEMO, progress=out)
    assert report.rows_written == len(demo) > 0
    got = {r["anilist_id"]: (r["name"], r["rank"]) for r in await conn.fetch(
        "select anilist_id, name, rank from stardust.characters")}
    assert got == {c["anilist_id"]: (c["name"], c["rank"]) for c in demo}
    assert f"{len(demo)} rows written" in out.getvalue()


BAD_FILES = [
    ('{"chars": []}', "expected a JSON array"),
    ('"hello"', "expected a JSON array"),
    ('[1, 2]', "element #1 is not an object"),
    ('{"characters": {"anilist_id": 1}}', "expected a JSON array"),
    (json.dumps(synthetic(3) + ["x"]), "element #4 is not an object"),
    (json.dumps(synthetic(2) + synthetic(1)), "anilist_id 90001 appears twice"),
    ("[{", "is not JSON"),
]


async def test_from_file_rejects_what_is_not_an_array_of_objects(db_url, conn, tmp_path):
    # one database for all the cases (each would otherwise clone one): nothing is written
    path = tmp_path / "bad.json"
    async with unchanged(conn):
        for content, message in BAD_FILES:
            path.write_text(content)
            with pytest.raises(ImportFailed, match=message):
                await import_from_file(db_url, path, progress=None)


async def test_from_file_is_all_or_nothing(db_url, conn, tmp_path):
    chars = synthetic(600)
    chars[550]["rank"] = 0                              # in the second batch of 500
    path = tmp_path / "chars.json"
    path.write_text(json.dumps(chars))
    async with unchanged(conn):
        with pytest.raises(ImportFailed, match=r"elements #501-600.*Character #51 .*rank"):
            await import_from_file(db_url, path, progress=None)


async def test_from_file_missing(db_url, tmp_path):
    with pytest.raises(ImportFailed, match="cannot read"):
        await import_from_file(db_url, tmp_path / "nope.json", progress=None)


# -- the CLI entry point ---------------------------------------------------------------------------

def cli_args(db_url, state_file, **kw) -> argparse.Namespace:
    base = dict(top=100, from_file=None, database_url=db_url, restart=False,
                state_file=state_file)
    base.update(kw)
    return argparse.Namespace(**base)


async def test_main_resumes_or_restarts(db_url, fake, state_file, conn, capsys):
    state_file.parent.mkdir(parents=True)
    state = json.dumps({"top": 100, "next_page": 2, "endpoint": fake.url})
    state_file.write_text(state)
    args = cli_args(db_url, state_file, endpoint=fake.url)
    assert await asyncio.to_thread(anilist.main, args) == 0
    assert fake.requests == [2]
    assert "resumed from page 2" in capsys.readouterr().out
    assert not state_file.exists()

    fake.reset_counts()
    state_file.write_text(state)
    args = cli_args(db_url, state_file, endpoint=fake.url, restart=True)
    assert await asyncio.to_thread(anilist.main, args) == 0
    assert fake.requests == [1, 2]
    assert not state_file.exists()
    assert await conn.fetchval("select count(*) from stardust.characters") == 100


async def test_main_failure_is_one_line_not_a_traceback(db_url, fake, state_file, capsys):
    fake.always(1, "403")
    args = cli_args(db_url, state_file, endpoint=fake.url)
    assert await asyncio.to_thread(anilist.main, args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.rstrip("\n").split("\n")[-1]
    assert last.startswith("stardust: import failed: page 1: AniList refused the request: "
                           "HTTP 403")


async def test_main_from_file(db_url, conn, tmp_path, state_file, capsys):
    path = tmp_path / "chars.json"
    path.write_text(json.dumps({"characters": synthetic(10)}))
    args = cli_args(db_url, state_file, from_file=str(path))
    assert await asyncio.to_thread(anilist.main, args) == 0
    assert "10 rows written" in capsys.readouterr().out
    path.write_text("[1]")
    assert await asyncio.to_thread(anilist.main, args) == 1
    assert capsys.readouterr().err.strip().startswith("stardust: import failed: ")
    assert await conn.fetchval("select count(*) from stardust.characters") == 10
