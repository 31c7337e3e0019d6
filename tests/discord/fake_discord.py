"""A fake Discord for end-to-end tests: REST API and gateway on 127.0.0.1.

The real interactions.py client is pointed at it (its REST base is the class attribute
`interactions.api.http.route.Route.BASE`, or DISCORD_API_URL for `stardust run`; the gateway
URL comes from `GET /gateway`). The fake records every REST call, stores the commands the bot
registers, and lets a test deliver gateway events (INTERACTION_CREATE) and wait for the bot's
answers.

Sharding as Discord does it: each gateway session IDENTIFYs with `[shard_id, shard_count]`;
an event of a guild goes to every open session of shard `(guild_id >> 22) % shard_count`
(direct messages to shard 0), never to another shard's sessions. An event for a shard with no
open session waits (up to `hold` seconds) for one to IDENTIFY. With `one_response` (as Discord
does), an interaction accepts one initial response: a second callback is refused with 400,
code 40060; without it (the default, for tests that re-deliver an event to see the replayed
answer) every callback is accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from PIL import Image

APP_ID = "900000000000000001"
BOT_USER = {"id": APP_ID, "username": "Stardust", "discriminator": "0", "global_name": None,
            "avatar": None, "bot": True, "flags": 0, "public_flags": 0, "verified": True,
            "mfa_enabled": False, "locale": "en-US", "email": None, "premium_type": 0,
            "banner": None, "accent_color": None}
GUILD_ID = "800000000000000001"
CHANNEL_ID = "810000000000000001"
_ids = itertools.count(int(time.time() * 1000) << 22)


def snowflake() -> str:
    return str(next(_ids))


def json_response(data: Any, status: int = 200) -> web.Response:
    # interactions.py decodes JSON only when Content-Type is exactly "application/json"
    return web.Response(status=status, body=json.dumps(data).encode(), headers={
        "Content-Type": "application/json", "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49", "X-RateLimit-Reset-After": "0.01",
        "X-RateLimit-Bucket": "fake"})


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def payload(self) -> dict:
        return self.json if isinstance(self.json, dict) else {}


class FakeDiscord:
    def __init__(self, one_response: bool = False) -> None:
        self.one_response = one_response
        self.calls: list[Call] = []
        self.commands: dict[str, list[dict]] = {}          # scope ("global" | guild) -> commands
        self.messages: dict[str, dict] = {}                # interaction token -> @original
        self._ws: web.WebSocketResponse | None = None
        self.sessions: dict[int, list[web.WebSocketResponse]] = {}   # shard -> open sessions
        self.shard_count = 1                       # what IDENTIFY said (the last one)
        self.recommended_shards = 1                # GET /gateway/bot
        self.max_concurrency = 1
        self.hold = 15.0
        self.acknowledged: set[str] = set()        # interaction ids with an initial response
        self.refused_callbacks: list[str] = []     # ids answered a second time (40060)
        self.delivered: dict[str, int] = {}        # interaction id -> shard it went to
        self._session_opened = asyncio.Condition()
        self._resumable: dict[str, int] = {}       # session id -> shard
        self._seq = 0
        self._changed = asyncio.Condition()
        self.identified = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.port: int | None = None

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/ws", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for ws in [w for ws in self.sessions.values() for w in ws] + [self._ws]:
            if ws is not None and not ws.closed:
                await ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    # -- REST -----------------------------------------------------------------------------
    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _read(self, request: web.Request) -> tuple[Any, dict[str, bytes]]:
        if request.content_type.startswith("multipart/"):
            body, files = None, {}
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()
                if part.name == "payload_json":
                    body = json.loads(data)
                else:
                    files[part.filename or part.name] = bytes(data)
            return body, files
        if request.can_read_body:
            text = await request.text()
            return (json.loads(text) if text else None), {}
        return None, {}

    async def _rest(self, request: web.Request) -> web.Response:
        body, files = await self._read(request)
        path = "/" + request.match_info["tail"]
        call = Call(request.method, path, body, files)
        await self._record(call)
        parts = path.strip("/").split("/")
        m = request.method

        if path == "/users/@me":
            return json_response(BOT_USER)
        if path == "/oauth2/applications/@me":
            return json_response({"id": APP_ID, "name": "Stardust", "icon": None,
                                  "description": "", "summary": "", "bot_public": True,
                                  "bot_require_code_grant": False, "verify_key": "0" * 64,
                                  "flags": 0, "owner": {**BOT_USER, "id": "1", "bot": False},
                                  "team": None})
        if path == "/gateway":
            return json_response({"url": f"ws://127.0.0.1:{self.port}/ws"})
        if path == "/gateway/bot":
            return json_response({"url": f"ws://127.0.0.1:{self.port}/ws",
                                  "shards": self.recommended_shards,
                                  "session_start_limit": {"total": 1000, "remaining": 1000,
                                                          "reset_after": 0,
                                                          "max_concurrency":
                                                              self.max_concurrency}})
        if path == "/users/@me/channels" and m == "POST":       # open a DM (DM interactions)
            recipient = str((body or {}).get("recipient_id"))
            return json_response({"id": f"83{recipient[-16:]:0>16}", "type": 1,
                                  "last_message_id": None, "flags": 0,
                                  "recipients": [user(int(recipient))]})
        if parts[:1] == ["applications"] and parts[-1] == "commands":
            scope = parts[3] if len(parts) == 5 else "global"
            if m == "GET":
                return json_response(self.commands.get(scope, []))
            if m == "PUT":
                stored = []
                for cmd in body or []:
                    stored.append({"type": 1, **cmd, "id": cmd.get("id") or snowflake(),
                                   "application_id": APP_ID, "version": snowflake(),
                                   **({"guild_id": scope} if scope != "global" else {})})
                self.commands[scope] = stored
                return json_response(stored)
        if parts[:1] == ["interactions"] and parts[-1] == "callback":
            token = parts[2]
            if self.one_response and parts[1] in self.acknowledged:
                self.refused_callbacks.append(parts[1])
                return json_response({"message": "Interaction has already been acknowledged.",
                                      "code": 40060}, 400)
            self.acknowledged.add(parts[1])
            if body and body.get("type") in (4, 7) and body.get("data"):
                self.messages[token] = self._message(body["data"], files)
            return web.Response(status=204)
        if parts[:1] == ["webhooks"] and len(parts) >= 3:
            token = parts[2]
            if len(parts) == 5 and parts[3] == "messages":
                if m == "DELETE":
                    self.messages.pop(token, None)
                    return web.Response(status=204)
                if m == "PATCH":
                    self.messages[token] = self._message(body or {}, files)
                if token not in self.messages:
                    return json_response({"message": "Unknown Message", "code": 10008}, 404)
                return json_response(self.messages[token])
            if len(parts) == 3 and m == "POST":                  # followup
                return json_response(self._message(body or {}, files))
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    def _message(self, data: dict, files: dict[str, bytes]) -> dict:
        return {"id": snowflake(), "channel_id": CHANNEL_ID, "type": 0,
                "author": BOT_USER, "content": data.get("content") or "",
                "timestamp": "2026-01-01T00:00:00+00:00", "edited_timestamp": None,
                "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
                "attachments": [{"id": snowflake(), "filename": name, "size": len(blob),
                                 "url": f"https://cdn.invalid/{name}",
                                 "proxy_url": f"https://cdn.invalid/{name}"}
                                for name, blob in files.items()],
                "embeds": data.get("embeds") or [], "components": data.get("components") or [],
                "pinned": False, "flags": data.get("flags") or 0}

    # -- gateway --------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        shard = None
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                if data.get("op") == 1:                           # heartbeat
                    await ws.send_str(json.dumps({"op": 11}))
                elif data.get("op") == 6:                         # resume
                    shard = self._resumable.get(data["d"].get("session_id"))
                    if shard is None:
                        await ws.send_str(json.dumps({"op": 9, "d": False}))
                        continue
                    self._seq += 1
                    await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": self._seq,
                                                  "d": {}}))
                    async with self._session_opened:
                        self.sessions.setdefault(shard, []).append(ws)
                        self._session_opened.notify_all()
                elif data.get("op") == 2:                         # identify
                    shard_id, count = (data["d"].get("shard") or [0, 1])
                    shard, self.shard_count = int(shard_id), int(count)
                    session_id = f"fake-session-{snowflake()}"
                    self._resumable[session_id] = shard
                    self._seq += 1
                    await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": self._seq, "d": {
                        "v": 10, "user": BOT_USER, "guilds": [],
                        "session_id": session_id,
                        "resume_gateway_url": f"ws://127.0.0.1:{self.port}/ws",
                        "shard": [shard, self.shard_count],
                        "application": {"id": APP_ID, "flags": 0}}}))
                    async with self._session_opened:
                        self.sessions.setdefault(shard, []).append(ws)
                        self._session_opened.notify_all()
                    self.identified.set()
        finally:
            if shard is not None and ws in self.sessions.get(shard, []):
                self.sessions[shard].remove(ws)
        return ws

    async def request_reconnect(self, shard: int) -> None:
        """Opcode 7, as Discord sends before moving a session: the client reconnects and
        resumes."""
        for ws in list(self.sessions.get(shard, [])):
            self.sessions[shard].remove(ws)
            await ws.send_str(json.dumps({"op": 7, "d": None}))

    def shard_of(self, data: dict) -> int:
        guild = data.get("guild_id")
        return (int(guild) >> 22) % self.shard_count if guild else 0

    async def _open_sessions(self, shard: int, hold: float) -> list[web.WebSocketResponse]:
        if hold <= 0:
            return [w for w in self.sessions.get(shard, []) if not w.closed]

        async def opened() -> list[web.WebSocketResponse]:
            async with self._session_opened:
                while not [w for w in self.sessions.get(shard, []) if not w.closed]:
                    await self._session_opened.wait()
                return [w for w in self.sessions[shard] if not w.closed]
        return await asyncio.wait_for(opened(), hold)

    async def send_event(self, name: str, data: dict, shard: int | None = None,
                         hold: float | None = None) -> int:
        """Deliver an event as Discord does: to every open session of the guild's shard
        (`shard` overrides the routing: a misrouted event, for tests of the bot's guard).
        With no open session it waits `hold` seconds (default `self.hold`) for one; with
        hold=0 it is not delivered at all, as Discord fails an interaction nobody receives.
        Returns how many sessions it was sent to."""
        shard = self.shard_of(data) if shard is None else shard
        sessions = await self._open_sessions(shard, self.hold if hold is None else hold)
        self._seq += 1
        frame = json.dumps({"op": 0, "t": name, "s": self._seq, "d": data})
        if name == "INTERACTION_CREATE" and sessions:
            self.delivered[data["id"]] = shard
        sent = 0
        for ws in sessions:
            with contextlib.suppress(ConnectionResetError, RuntimeError):
                await ws.send_str(frame)
                sent += 1
        return sent

    # -- helpers for tests ----------------------------------------------------------------
    def command_id(self, name: str) -> str:
        for cmds in self.commands.values():
            for cmd in cmds:
                if cmd["name"] == name:
                    return cmd["id"]
        raise KeyError(f"the bot registered no /{name}")

    async def wait_for(self, predicate, timeout: float = 10.0) -> Call:
        """The first recorded call satisfying predicate (waiting for it if needed)."""
        async def find() -> Call:
            async with self._changed:
                while True:
                    for call in self.calls:
                        if predicate(call):
                            return call
                    await self._changed.wait()
        return await asyncio.wait_for(find(), timeout)

    def calls_for(self, token: str) -> list[Call]:
        return [c for c in self.calls if f"/{token}/" in c.path + "/"]


def user(uid: int, name: str = "player") -> dict:
    return {"id": str(uid), "username": name, "discriminator": "0", "global_name": name,
            "avatar": None}


def guild_in_shard(shard: int, shard_count: int, n: int = 1) -> str:
    """A guild id Discord would route to `shard` of `shard_count` (the n-th such id)."""
    return str(((800000000000 + n * shard_count + shard) << 22) | 1)


def interaction(fake: FakeDiscord, *, kind: int, data: dict, user_id: int,
                name: str = "player", message: dict | None = None,
                interaction_id: str | None = None, guild_id: str = GUILD_ID) -> dict:
    """An INTERACTION_CREATE payload from a guild member."""
    payload = {
        "id": interaction_id or snowflake(), "application_id": APP_ID, "type": kind,
        "data": data, "guild_id": guild_id, "channel_id": CHANNEL_ID,
        "channel": {"id": CHANNEL_ID, "type": 0, "guild_id": guild_id, "name": "gacha",
                    "position": 0, "permission_overwrites": [], "nsfw": False,
                    "parent_id": None},
        "member": {"user": user(user_id, name), "roles": [], "joined_at":
                   "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
                   "permissions": "2147483647", "nick": None, "avatar": None},
        "token": f"tok{snowflake()}", "version": 1, "app_permissions": "2147483647",
        "locale": "en-US", "guild_locale": "en-US", "entitlements": [],
        "authorizing_integration_owners": {"0": guild_id}, "context": 0,
    }
    if message is not None:
        payload["message"] = message
    return payload


def slash(fake: FakeDiscord, command: str, user_id: int, sub: str | None = None, /,
          guild_id: str = GUILD_ID, **options: Any) -> dict:
    opts = [{"name": k, "type": 4 if isinstance(v, int) else 3, "value": v}
            for k, v in options.items()]
    data = {"id": fake.command_id(command), "name": command, "type": 1}
    data["options"] = [{"name": sub, "type": 1, "options": opts}] if sub else opts
    return interaction(fake, kind=2, data=data, user_id=user_id, guild_id=guild_id)


def autocomplete(fake: FakeDiscord, name: str, user_id: int, focused: str, value: Any,
                 kind: int = 4, **others: Any) -> dict:
    """kind: the focused option's type (4 integer, 3 string)."""
    opts = [{"name": k, "type": 4, "value": v} for k, v in others.items()]
    opts.append({"name": focused, "type": kind, "value": value, "focused": True})
    return interaction(fake, kind=4, data={"id": fake.command_id(name), "name": name,
                                           "type": 1, "options": opts}, user_id=user_id)


def button(fake: FakeDiscord, custom_id: str, user_id: int, message: dict,
           guild_id: str = GUILD_ID) -> dict:
    return interaction(fake, kind=3, data={"custom_id": custom_id, "component_type": 2},
                       user_id=user_id, message=message, guild_id=guild_id)


# --- waiting for the bot's answers ---------------------------------------------------------
async def deliver(fake: FakeDiscord, payload: dict) -> dict:
    await fake.send_event("INTERACTION_CREATE", payload)
    return payload


def is_callback(payload: dict, kind: int | None = None):
    def match(call):
        return (call.method == "POST" and call.path ==
                f"/interactions/{payload['id']}/{payload['token']}/callback"
                and (kind is None or call.payload.get("type") == kind))
    return match


def is_edit(payload: dict):
    return lambda c: c.method == "PATCH" and c.path.endswith(
        f"/{payload['token']}/messages/@original")


def is_followup(payload: dict):
    return lambda c: c.method == "POST" and c.path == f"/webhooks/{APP_ID}/{payload['token']}"


async def answer(bot, payload: dict, timeout: float = 10.0):
    """The message the player ends up seeing: the edited @original after a deferral, the
    immediate message (callback type 4/7), or a followup."""
    await deliver(bot.fake, payload)

    def done(c):
        return (is_edit(payload)(c) or is_followup(payload)(c)
                or (is_callback(payload)(c) and c.payload.get("type") in (4, 7)))
    call = await bot.fake.wait_for(done, timeout)
    data = call.payload.get("data", call.payload) if call.path.endswith("/callback") \
        else call.payload
    return call, data


def image_of(call) -> Image.Image:
    (blob,) = call.files.values()
    img = Image.open(io.BytesIO(blob))
    img.load()
    return img
