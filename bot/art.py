"""Character art: fetched from its image URL with a timeout, kept in an on-disk cache.

Renderers never touch the network: handlers fetch the art first and pass bytes in. A URL
that cannot be fetched (offline, 404, not an image, too big) is simply missing from the
result, and the renderer draws a placeholder. Failures are remembered for a while so an
offline bot does not wait on every render.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from pathlib import Path

import aiohttp

from bot.handlers import ArtSource

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")


def default_cache_dir() -> Path:
    if env := os.environ.get("STARDUST_ART_CACHE"):
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "stardust" / "art"


class ArtCache(ArtSource):
    def __init__(self, cache_dir: Path | None = None, *, timeout: float = 3.0,
                 offline: bool = False, retry_after: float = 600.0):
        self.dir = Path(cache_dir or default_cache_dir())
        self.timeout = timeout
        self.offline = offline
        self.retry_after = retry_after
        self._failed: dict[str, float] = {}
        self._session: aiohttp.ClientSession | None = None

    def _path(self, url: str) -> Path:
        return self.dir / hashlib.sha256(url.encode()).hexdigest()[:40]

    async def close(self) -> None:
        if self._session and not self._session.closed:
            await self._session.close()

    async def fetch(self, urls: list[str | None]) -> dict[str, bytes]:
        wanted = [u for u in dict.fromkeys(urls) if u and u.startswith(("http://", "https://"))]
        results = await asyncio.gather(*(self._one(u) for u in wanted))
        return {u: data for u, data in zip(wanted, results) if data}

    async def _one(self, url: str) -> bytes | None:
        path = self._path(url)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except OSError:
            pass
        if self.offline or time.monotonic() - self._failed.get(url, -1e9) < self.retry_after:
            return None
        try:
            data = await self._download(url)
        except Exception as exc:          # network errors of every kind: draw a placeholder
            log.info("art unavailable %s: %s", url, exc)
            self._failed[url] = time.monotonic()
            return None
        await asyncio.to_thread(self._store, path, data)
        return data

    async def _download(self, url: str) -> bytes:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                headers={"User-Agent": "stardust-bot (+https://github.com/)"})
        async with self._session.get(url) as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            data = await resp.content.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES or not data.startswith(IMAGE_MAGIC):
            raise RuntimeError("not an image, or too big")
        return data

    def _store(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:
            log.warning("cannot cache art in %s: %s", path.parent, exc)
