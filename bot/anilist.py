"""`stardust import-characters`: the catalogue, from AniList or from a JSON file.

The online import pages through AniList's GraphQL API (characters by favourites, 50 a page),
turns each character into the `{anilist_id, name, series, image_url, favorites, rank}` object
`stardust.upsert_characters()` takes (rank = position in the favourites order, so rarity follows
from it in SQL), and writes every `batch_pages` pages in a transaction of its own. After each
written batch a small JSON state file records the next page, so an interrupted run resumes where
the last batch ended; finishing deletes it.

AniList's limits are respected: its `X-RateLimit-Remaining` reaching 0 waits until
`X-RateLimit-Reset`; a 429 waits `Retry-After`; server errors, timeouts, dropped connections and
malformed pages are retried with exponential backoff. Every wait goes through an injectable
`sleep`, so tests run instantly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.utils
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, TextIO

import aiohttp
import asyncpg

ENDPOINT = "https://graphql.anilist.co"
PER_PAGE = 50                      # AniList's maximum page size
DEFAULT_TOP = 10_000
FILE_BATCH = 500
USER_AGENT = "stardust-importer/0.1 (+https://github.com/stardust-gacha; catalogue import)"
REQUEST_TIMEOUT = 30.0             # seconds, per request
BACKOFF_CAP = 60.0                 # seconds
DEFAULT_RATE_WAIT = 60.0           # AniList's window is one minute
MAX_RESET_WAIT = 120.0             # a Reset further away than this is clock skew, not a window
MAX_RATE_LIMITED = 20              # consecutive 429s on one page before giving up
NAME_MAX = 200                     # stardust.characters.name check

QUERY = """\
query ($page: Int, $perPage: Int) {
  Page(page: $page, perPage: $perPage) {
    pageInfo { currentPage hasNextPage }
    characters(sort: FAVOURITES_DESC) {
      id name { full } image { large } favourites
      media(perPage: 1, sort: POPULARITY_DESC) { nodes { title { romaji english } } }
    }
  }
}"""

Sleep = Callable[[float], Awaitable[None]]


class ImportFailed(Exception):
    """The import cannot go on; the message says why (one line, for the CLI)."""


class _Malformed(Exception):
    """A page AniList answered with something that is not the page (retried)."""


class _Retryable(Exception):
    """A server error, timeout or connection error (retried with backoff)."""


@dataclass
class ImportReport:
    pages_fetched: int = 0
    characters_seen: int = 0          # characters kept from the fetched pages (rank <= top)
    rows_written: int = 0             # rows upsert_characters inserted or changed
    resumed_from_page: int | None = None
    retries: int = 0                  # re-requests after 429s, server errors or bad pages
    skipped: int = 0                  # characters without a usable id
    duplicates: int = 0               # the same id twice in one batch (AniList's order shifted)
    batches: int = 0

    def summary(self) -> str:
        parts = [f"{self.pages_fetched} pages", f"{self.characters_seen} characters",
                 f"{self.rows_written} rows written"]
        if self.resumed_from_page:
            parts.append(f"resumed from page {self.resumed_from_page}")
        if self.retries:
            parts.append(f"{self.retries} retries")
        if self.skipped:
            parts.append(f"{self.skipped} skipped without an id")
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates dropped")
        return ", ".join(parts)


# -- state file ----------------------------------------------------------------------------------

def default_state_file() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "stardust" / "anilist-import.json"


def _read_state(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None                          # unreadable or corrupt: start over
    if (isinstance(state, dict) and isinstance(state.get("top"), int)
            and isinstance(state.get("next_page"), int) and state["next_page"] >= 1):
        return state
    return None


def _write_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state) + "\n", "utf-8")
    os.replace(tmp, path)                    # atomic: a crash leaves the old or the new state


def _delete_state(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


# -- progress ------------------------------------------------------------------------------------

class _Progress:
    def __init__(self, stream: TextIO | None, total_pages: int) -> None:
        self.stream = stream
        self.total_pages = total_pages
        self.width = 0

    def show(self, report: ImportReport, page: int, note: str = "") -> None:
        if self.stream is None:
            return
        done = min(page, self.total_pages)
        filled = int(20 * done / self.total_pages) if self.total_pages else 20
        line = (f"AniList [{'#' * filled}{'.' * (20 - filled)}] page {done}/{self.total_pages}"
                f"  {report.characters_seen} characters  {report.rows_written} rows written")
        if note:
            line += f"  ({note})"
        pad = max(0, self.width - len(line))
        self.width = len(line)
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()

    def message(self, text: str) -> None:
        if self.stream is None:
            return
        if self.width:
            self.stream.write("\n")
            self.width = 0
        self.stream.write(text + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.stream is not None and self.width:
            self.stream.write("\n")
            self.stream.flush()
            self.width = 0


# -- parsing -------------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _parse_page(body: Any) -> tuple[list[dict], bool]:
    """AniList's answer for one page -> (raw characters, hasNextPage). Raises _Malformed."""
    if not isinstance(body, dict):
        raise _Malformed("the answer is not a JSON object")
    errors = body.get("errors")
    if errors:
        first = errors[0] if isinstance(errors, list) and errors else errors
        msg = first.get("message") if isinstance(first, dict) else first
        raise _Malformed(f"GraphQL error: {str(msg)[:200]}")
    try:
        data = body["data"]["Page"]
        info = data["pageInfo"]
        chars = data["characters"]
        has_next = info["hasNextPage"]
    except (KeyError, TypeError):
        raise _Malformed("missing data.Page.pageInfo/characters") from None
    if not isinstance(has_next, bool):
        raise _Malformed("pageInfo.hasNextPage is not a boolean")
    if not isinstance(chars, list) or not all(isinstance(c, dict) for c in chars):
        raise _Malformed("characters is not a list of objects")
    if len(chars) > PER_PAGE:
        raise _Malformed(f"{len(chars)} characters on a page of {PER_PAGE}")
    return chars, has_next


def _character(raw: dict, rank: int) -> dict | None:
    """One AniList character -> an upsert_characters element; None without a usable id."""
    cid = raw.get("id")
    if not isinstance(cid, int) or isinstance(cid, bool) or not 1 <= cid <= 2**31 - 1:
        return None
    name_obj = raw.get("name")
    name = _text(name_obj.get("full")) if isinstance(name_obj, dict) else None
    series = None
    media = raw.get("media")
    nodes = media.get("nodes") if isinstance(media, dict) else None
    if isinstance(nodes, list):
        for node in nodes:
            title = node.get("title") if isinstance(node, dict) else None
            if isinstance(title, dict):
                series = _text(title.get("english")) or _text(title.get("romaji"))
            if series:
                break
    image = raw.get("image")
    favourites = raw.get("favourites")
    if not isinstance(favourites, int) or isinstance(favourites, bool) or favourites < 0:
        favourites = 0
    return {"anilist_id": cid, "name": (name or "Unknown")[:NAME_MAX], "series": series,
            "image_url": _text(image.get("large")) if isinstance(image, dict) else None,
            "favorites": favourites, "rank": rank}


# -- HTTP ----------------------------------------------------------------------------------------

def _seconds(value: str | None) -> float | None:
    """A Retry-After value: seconds, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _until_reset(value: str | None) -> float | None:
    """X-RateLimit-Reset (unix time) -> seconds to wait, within reason."""
    try:
        reset = float(value) if value else None
    except ValueError:
        return None
    if reset is None:
        return None
    return min(MAX_RESET_WAIT, max(1.0, reset - time.time() + 1.0))   # +1: clock granularity


class _Client:
    def __init__(self, session: aiohttp.ClientSession, endpoint: str, *, max_retries: int,
                 sleep: Sleep, report: ImportReport, progress: _Progress) -> None:
        self.session = session
        self.endpoint = endpoint
        self.max_retries = max_retries
        self._sleep = sleep
        self.report = report
        self.progress = progress
        self.rng = random.Random()
        self.wait_before_next: float | None = None   # Remaining hit 0 on the last answer

    async def _wait(self, seconds: float, page: int, why: str) -> None:
        self.progress.show(self.report, page - 1, f"{why}: waiting {seconds:.0f}s")
        await self._sleep(seconds)

    def _note_limits(self, headers) -> None:
        remaining = headers.get("X-RateLimit-Remaining")
        try:
            exhausted = remaining is not None and int(remaining) <= 0
        except ValueError:
            exhausted = False
        if exhausted:
            wait = _until_reset(headers.get("X-RateLimit-Reset"))
            self.wait_before_next = DEFAULT_RATE_WAIT if wait is None else wait

    async def fetch_page(self, page: int) -> tuple[list[dict], bool]:
        failures = 0
        rate_limited = 0
        while True:
            if self.wait_before_next is not None:
                wait, self.wait_before_next = self.wait_before_next, None
                await self._wait(wait, page, "rate limit reached")
            try:
                return await self._request(page)
            except _RateLimited as exc:
                rate_limited += 1
                if rate_limited > MAX_RATE_LIMITED:
                    raise ImportFailed(f"page {page}: AniList kept answering 429 Too Many "
                                       f"Requests ({rate_limited} times)") from None
                self.report.retries += 1
                await self._wait(exc.wait, page, "rate limited (429)")
            except (_Retryable, _Malformed) as exc:
                failures += 1
                what = ("malformed page" if isinstance(exc, _Malformed)
                        else "AniList unavailable")
                if failures > self.max_retries:
                    raise ImportFailed(f"page {page}: {what} after {self.max_retries} "
                                       f"retries: {exc}") from None
                self.report.retries += 1
                delay = min(BACKOFF_CAP, 2.0 ** (failures - 1)) + self.rng.uniform(0, 0.5)
                await self._wait(delay, page, f"{what}, retry {failures}/{self.max_retries}")

    async def _request(self, page: int) -> tuple[list[dict], bool]:
        payload = {"query": QUERY, "variables": {"page": page, "perPage": PER_PAGE}}
        try:
            async with self.session.post(self.endpoint, json=payload) as resp:
                self._note_limits(resp.headers)
                body_bytes = await resp.read()
                if resp.status == 429:
                    wait = _seconds(resp.headers.get("Retry-After"))
                    if wait is None:
                        wait = _until_reset(resp.headers.get("X-RateLimit-Reset"))
                    if wait is None:
                        wait = DEFAULT_RATE_WAIT
                    self.wait_before_next = None      # the 429 wait covers it
                    raise _RateLimited(wait)
                if resp.status >= 500 or resp.status == 408:
                    raise _Retryable(f"HTTP {resp.status}")
                if resp.status >= 400:
                    raise ImportFailed(f"page {page}: AniList refused the request: HTTP "
                                       f"{resp.status}{_error_text(body_bytes)}")
        except asyncio.TimeoutError:
            raise _Retryable(f"no answer within {REQUEST_TIMEOUT:g}s") from None
        except aiohttp.ClientError as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
        try:
            body = json.loads(body_bytes)
        except ValueError:
            raise _Malformed(f"not JSON: {body_bytes[:60]!r}") from None
        return _parse_page(body)


class _RateLimited(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"429, retry after {wait}s")
        self.wait = wait


def _error_text(body: bytes) -> str:
    try:
        errors = json.loads(body).get("errors")
        msg = errors[0]["message"]
    except (ValueError, AttributeError, TypeError, KeyError, IndexError):
        return ""
    return f": {str(msg)[:200]}"


# -- database ------------------------------------------------------------------------------------

async def _write(conn: asyncpg.Connection, batch: list[dict]) -> int:
    async with conn.transaction():
        return await conn.fetchval("select stardust.upsert_characters($1::jsonb)",
                                   json.dumps(batch))


async def _connect(database_url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(database_url)
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
        raise ImportFailed(f"cannot connect to the database: {exc}") from None


def _db_failure(exc: Exception, where: str) -> ImportFailed:
    hint = f" ({exc.hint})" if getattr(exc, "hint", None) else ""
    return ImportFailed(f"{where}: the database refused the batch: {exc}{hint}")


# -- the importers -------------------------------------------------------------------------------

async def import_from_anilist(database_url: str, *, top: int = DEFAULT_TOP,
                              state_file: Path | None = None, endpoint: str = ENDPOINT,
                              batch_pages: int = 4, progress: TextIO | None | object = ...,
                              max_retries: int = 6, sleep: Sleep = asyncio.sleep
                              ) -> ImportReport:
    """Import AniList's `top` most favourited characters into the catalogue.

    `progress` defaults to sys.stderr (looked up at call time); None prints nothing.
    Raises ImportFailed with a one-line reason; batches written before the failure stay, and
    the state file lets the next run with the same `top` resume after them.
    """
    if progress is ...:
        progress = sys.stderr
    if not isinstance(top, int) or top < 1:
        raise ImportFailed(f"--top must be a positive number of characters, not {top!r}")
    if batch_pages < 1:
        raise ImportFailed("batch_pages must be at least 1")
    state_path = Path(state_file) if state_file is not None else default_state_file()
    total_pages = math.ceil(top / PER_PAGE)
    report = ImportReport()
    bar = _Progress(progress, total_pages)

    start_page = 1
    state = _read_state(state_path)
    if state is not None:
        if state["top"] == top and state.get("endpoint", endpoint) == endpoint \
                and 1 < state["next_page"] <= total_pages:
            start_page = report.resumed_from_page = state["next_page"]
            bar.message(f"resuming an interrupted import at page {start_page} "
                        f"(state: {state_path})")
        else:
            bar.message(f"ignoring {state_path}: it is for another import "
                        f"(top {state['top']}, {state.get('endpoint')})")

    conn = await _connect(database_url)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    try:
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            client = _Client(session, endpoint, max_retries=max_retries, sleep=sleep,
                             report=report, progress=bar)
            batch: list[dict] = []
            batch_ids: set[int] = set()
            pages_in_batch = 0
            page = start_page

            async def flush(next_page: int, final: bool = False) -> None:
                nonlocal batch, batch_ids, pages_in_batch
                if batch:
                    try:
                        report.rows_written += await _write(conn, batch)
                    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                        raise _db_failure(exc, f"pages {next_page - pages_in_batch}-"
                                               f"{next_page - 1}") from None
                    report.batches += 1
                if not final:
                    _write_state(state_path, {"top": top, "next_page": next_page,
                                              "endpoint": endpoint})
                batch, batch_ids, pages_in_batch = [], set(), 0

            bar.show(report, page - 1)
            while page <= total_pages:
                chars, has_next = await client.fetch_page(page)
                report.pages_fetched += 1
                pages_in_batch += 1
                for index, raw in enumerate(chars):
                    rank = (page - 1) * PER_PAGE + index + 1
                    if rank > top:
                        break
                    char = _character(raw, rank)
                    if char is None:
                        report.skipped += 1
                    elif char["anilist_id"] in batch_ids:
                        report.duplicates += 1         # keep the first, better-ranked one
                    else:
                        batch_ids.add(char["anilist_id"])
                        batch.append(char)
                        report.characters_seen += 1
                last = not has_next or not chars or page * PER_PAGE >= top
                page += 1
                if pages_in_batch >= batch_pages and not last:
                    await flush(page)
                bar.show(report, page - 1)
                if last:
                    break
            await flush(page, final=True)
            _delete_state(state_path)
            bar.show(report, total_pages, "done")
    finally:
        bar.end()
        await conn.close()
    return report


def _load_file(path: Path) -> list[dict]:
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportFailed(f"{path} is not JSON: {exc}") from None
    if isinstance(data, dict) and "characters" in data:
        data = data["characters"]
    if not isinstance(data, list):
        raise ImportFailed(f"{path}: expected a JSON array of characters (or an object with "
                           f"a \"characters\" array), found {type(data).__name__}")
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ImportFailed(f"{path}: element #{i} is not an object "
                               f"({type(item).__name__})")
    seen: dict[Any, int] = {}
    for i, item in enumerate(data, 1):
        key = item.get("anilist_id")
        if isinstance(key, (int, str)) and key in seen:
            raise ImportFailed(f"{path}: anilist_id {key} appears twice "
                               f"(elements #{seen[key]} and #{i})")
        if isinstance(key, (int, str)):
            seen[key] = i
    return data


async def import_from_file(database_url: str, path: Path, *,
                           progress: TextIO | None | object = ...) -> ImportReport:
    """Import a JSON catalogue (an array of upsert_characters objects, or {"characters": [...]}).

    All or nothing: the batches of FILE_BATCH go in one transaction, so a bad element (the
    database names it) leaves the catalogue as it was.
    """
    if progress is ...:
        progress = sys.stderr
    chars = _load_file(path)
    report = ImportReport(characters_seen=len(chars))
    conn = await _connect(database_url)
    shown = False
    try:
        async with conn.transaction():
            for start in range(0, len(chars), FILE_BATCH):
                batch = chars[start:start + FILE_BATCH]
                try:
                    report.rows_written += await conn.fetchval(
                        "select stardust.upsert_characters($1::jsonb)", json.dumps(batch))
                except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                    raise _db_failure(exc, f"{path}, elements #{start + 1}-"
                                           f"{start + len(batch)}") from None
                report.batches += 1
                if progress is not None:
                    shown = True
                    progress.write(f"\r{path.name if isinstance(path, Path) else path}: "
                                   f"{start + len(batch)}/{len(chars)} characters, "
                                   f"{report.rows_written} rows written")
                    progress.flush()
    finally:
        if progress is not None and shown:
            progress.write("\n")
            progress.flush()
        await conn.close()
    return report


def main(args: argparse.Namespace) -> int:
    """`stardust import-characters [--top N] [--from-file F] [--restart]`."""
    state_file = getattr(args, "state_file", None)
    state_path = Path(state_file) if state_file is not None else default_state_file()
    from_file = getattr(args, "from_file", None)
    try:
        if from_file:
            report = asyncio.run(import_from_file(args.database_url, Path(from_file)))
        else:
            if getattr(args, "restart", False):
                _delete_state(state_path)
            top = getattr(args, "top", None)
            report = asyncio.run(import_from_anilist(
                args.database_url, top=DEFAULT_TOP if top is None else top,
                state_file=state_path, endpoint=getattr(args, "endpoint", None) or ENDPOINT))
    except ImportFailed as exc:
        resume = ""
        if not from_file and (state := _read_state(state_path)) is not None:
            resume = (f"; rerun the same command to resume at page {state['next_page']}"
                      f" (state: {state_path})")
        print(f"stardust: import failed: {exc}{resume}", file=sys.stderr)
        return 1
    print(f"imported: {report.summary()}")
    return 0
