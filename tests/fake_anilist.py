"""A fake AniList GraphQL endpoint for the importer tests: aiohttp on 127.0.0.1, random port.

It serves a deterministic list of characters, favourites descending, in AniList's response
shape, honouring `page`/`perPage`, and can be scripted per page:

    fake.once(3, "429", retry_after=7)     # the next request for page 3 answers 429
    fake.always(5, "garbage")              # page 5 is broken until fake.heal()

Actions: "429" (Retry-After, optionally X-RateLimit-Reset), "500", "garbage" (an HTML page
with status 200), "errors" (a GraphQL errors array), "bad_shape" (characters not a list of
objects), "exhausted" (a good page with X-RateLimit-Remaining: 0 and X-RateLimit-Reset),
"hang" (answer after `hang_for` seconds), "403" (AniList refusing, e.g. the API disabled).
Every request is recorded in `requests` (page numbers) and in the shared `log`, so tests can
check what happened in which order against their recorded sleeps.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque

from aiohttp import web


def make_characters(n: int) -> list[dict]:
    """n characters in AniList's shape, favourites strictly descending."""
    out = []
    for i in range(n):
        out.append({
            "id": 5000 + 3 * i,
            "name": {"full": f"Fake Character {i + 1}"},
            "image": {"large": f"https://img.example/{5000 + 3 * i}.png"},
            "favourites": 100_000 - 37 * i,
            "media": {"nodes": [{"title": {"romaji": f"Romaji Series {i % 17}",
                                           "english": f"Series {i % 17}"}}]},
        })
    return out


class FakeAniList:
    def __init__(self, n: int = 180, limit: int = 90) -> None:
        self.characters = make_characters(n)
        self.limit = limit
        self.requests: list[int] = []
        self.log: list[tuple] = []
        self.bodies: list[dict] = []
        self.user_agents: list[str] = []
        self.hang_for = 5.0
        self._once: dict[int, deque] = defaultdict(deque)
        self._always: dict[int, tuple[str, dict]] = {}
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self.url = ""

    # -- scripting -------------------------------------------------------------------------

    def once(self, page: int, action: str, **opts) -> None:
        self._once[page].append((action, opts))

    def always(self, page: int, action: str, **opts) -> None:
        self._always[page] = (action, opts)

    def heal(self) -> None:
        self._once.clear()
        self._always.clear()

    def reset_counts(self) -> None:
        self.requests.clear()
        self.bodies.clear()

    # -- server ----------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"
        return self.url

    async def stop(self) -> None:
        self._stopping.set()                   # ends "hang" answers at once
        if self._runner is not None:
            await self._runner.cleanup()

    def _page(self, page: int, per_page: int) -> dict:
        start = (page - 1) * per_page
        chunk = self.characters[start:start + per_page]
        has_next = start + per_page < len(self.characters)
        return {"data": {"Page": {"pageInfo": {"currentPage": page, "hasNextPage": has_next},
                                  "characters": chunk}}}

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.bodies.append(body)
        self.user_agents.append(request.headers.get("User-Agent", ""))
        variables = body.get("variables") or {}
        page = int(variables.get("page", 1))
        per_page = min(int(variables.get("perPage", 50)), 50)
        self.requests.append(page)
        self.log.append(("request", page))

        if self._once.get(page):
            action, opts = self._once[page].popleft()
        elif page in self._always:
            action, opts = self._always[page]
        else:
            action, opts = "ok", {}

        headers = {"X-RateLimit-Limit": str(self.limit),
                   "X-RateLimit-Remaining": str(max(1, self.limit - len(self.requests)))}
        if action == "429":
            headers["X-RateLimit-Remaining"] = "0"
            if opts.get("retry_after") is not None:
                headers["Retry-After"] = str(opts["retry_after"])
            if opts.get("reset_in") is not None:
                headers["X-RateLimit-Reset"] = str(int(time.time() + opts["reset_in"]))
            return web.json_response(
                {"data": None, "errors": [{"message": "Too Many Requests.", "status": 429}]},
                status=429, headers=headers)
        if action == "500":
            return web.json_response(
                {"data": None, "errors": [{"message": "Internal Server Error", "status": 500}]},
                status=500, headers=headers)
        if action == "403":
            return web.json_response(
                {"data": None, "errors": [{"message": "The AniList API has been temporarily "
                                                      "disabled.", "status": 403}]},
                status=403, headers=headers)
        if action == "garbage":
            return web.Response(text="<html><body>502 Bad Gateway</body></html>",
                                content_type="text/html", headers=headers)
        if action == "errors":
            return web.json_response(
                {"data": None, "errors": [{"message": "Something broke", "status": 500}]},
                headers=headers)
        if action == "bad_shape":
            data = self._page(page, per_page)
            data["data"]["Page"]["characters"] = ["not", "objects"]
            return web.Response(text=json.dumps(data), content_type="application/json",
                                headers=headers)
        if action == "hang":
            try:
                await asyncio.wait_for(self._stopping.wait(), self.hang_for)
            except asyncio.TimeoutError:
                pass
        if action == "exhausted":
            headers["X-RateLimit-Remaining"] = "0"
            if opts.get("reset_in") is not None:
                headers["X-RateLimit-Reset"] = str(int(time.time() + opts["reset_in"]))
        return web.json_response(self._page(page, per_page), headers=headers)
