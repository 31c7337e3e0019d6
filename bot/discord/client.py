"""Build and run the Discord client: extensions from bot/exts/, the global error handling,
shards (SHARD_COUNT / SHARD_IDS), GET /healthz and GET /metrics, the orderly shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import pkgutil
import signal
import time

import interactions
from aiohttp import web
from interactions import Intents, listen
from interactions.api.events import (AutocompleteError, CommandError, ComponentError,
                                     Disconnect, ShardConnect, ShardDisconnect)
from interactions.api.gateway import state as gateway_state
from interactions.api.gateway.gateway import GatewayClient

import bot.exts
from bot.discord import Services, on_failure
from bot.fleet import ShardError, shard_of, start_waves
from bot.metrics import Metrics, outcome_of, wait_timer

log = logging.getLogger("stardust.discord")

_FAILURES = (CommandError, ComponentError, AutocompleteError)
# the interaction being handled in this task: {"error": exception} once it failed
_current: contextvars.ContextVar[dict | None] = contextvars.ContextVar("stardust_interaction",
                                                                       default=None)


def extension_modules() -> list[str]:
    """Every public module of bot.exts (python-discord's walk_extensions)."""
    return [m.name for m in pkgutil.walk_packages(bot.exts.__path__, "bot.exts.")
            if not m.name.rsplit(".", 1)[-1].startswith("_") and not m.ispkg]


class _CountingGateway(GatewayClient):
    """interactions.py's gateway, counting reconnections per shard for /metrics."""

    async def reconnect(self, *, resume: bool = False, code: int = 1012,
                        url: str | None = None) -> None:
        metrics = getattr(self.state.client, "metrics", None)
        if metrics is not None:
            metrics.gateway_reconnects.labels(str(self.shard[0]), str(resume).lower()).inc()
        await super().reconnect(resume=resume, code=code, url=url)


gateway_state.GatewayClient = _CountingGateway       # what ConnectionState connects with


def command_name(data: dict) -> str:
    """A metrics label for an interaction: `/team set`, `button inv`, `autocomplete view`."""
    body = data.get("data") or {}
    kind = data.get("type")
    if kind in (2, 4):
        parts = [str(body.get("name", "?"))]
        options = body.get("options") or []
        while options and options[0].get("type") in (1, 2):     # subcommand (group)
            parts.append(str(options[0].get("name")))
            options = options[0].get("options") or []
        name = "/" + " ".join(parts)
        return name if kind == 2 else f"autocomplete {name}"
    if kind == 3:
        return "button " + str(body.get("custom_id", "?")).split(":", 1)[0]
    return f"interaction type {kind}"


class StardustClient(interactions.AutoShardedClient):
    """interactions.py's AutoShardedClient, plus:

    - it handles only the interactions of its own shards (a misrouted one is dropped and
      counted), each under metrics, and answers failures in the same task;
    - it starts its shards in the order Discord's `max_concurrency` allows;
    - `shutdown()` closes the gateways first (no new interactions), finishes those in
      flight, then closes HTTP (the caller closes the pool).
    """

    def __init__(self, *, total_shards: int | None = None, shard_ids: list[int] | None = None,
                 metrics: Metrics | None = None, **kwargs):
        if total_shards is not None:
            kwargs["total_shards"] = total_shards
        if shard_ids is not None:
            kwargs["shard_ids"] = list(shard_ids)
        super().__init__(**kwargs)
        self.metrics = metrics or Metrics()
        self.metrics.shard_source = self.shard_status
        self.draining = False
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._sessions: dict[int, int] = {}
        handler = self.processors["raw_interaction_create"]
        self.processors["raw_interaction_create"] = lambda event: self._guarded(handler, event)

    # -- shards -----------------------------------------------------------------------------
    def owns(self, guild_id: int | None) -> bool:
        if not self.shard_ids:
            return True
        return shard_of(guild_id, self.total_shards) in self.shard_ids

    def shard_status(self) -> dict[int, dict]:
        """Each shard this process runs: connected (its session is ready, and the client
        has started: it knows its commands) and the last heartbeat round trip in seconds
        (None before the first)."""
        ids = self.shard_ids or (range(self.total_shards) if self._connection_states else [])
        states = {s.shard_id: s for s in self._connection_states}
        out = {}
        for sid in ids:
            st = states.get(sid)
            gw = st.gateway if st is not None else None
            connected = bool(st is not None and gw and st._shard_ready.is_set()
                             and self._startup)
            latency = gw.latency if gw else None
            out[sid] = {"connected": connected,
                        "latency": latency if latency not in (None, float("inf")) else None}
        return out

    @property
    def gateway_connected(self) -> bool:
        status = self.shard_status()
        return bool(status) and all(s["connected"] for s in status.values())

    @listen(ShardConnect)
    async def _on_shard_connect(self, event: ShardConnect) -> None:
        self.metrics.gateway_sessions.labels(str(event.shard_id)).inc()
        log.info("shard %s/%s connected as %s", event.shard_id, self.total_shards, self.user)

    @listen(ShardDisconnect)
    async def _on_shard_disconnect(self, event: ShardDisconnect) -> None:
        log.info("shard %s disconnected", event.shard_id)

    @listen(Disconnect)
    async def _on_disconnect(self, event) -> None:
        log.info("gateway disconnected")

    async def login(self, token: str | None = None) -> None:
        await super().login(token)
        if self.shard_ids and max(self.shard_ids) >= self.total_shards:
            raise ShardError(f"SHARD_IDS: shard {max(self.shard_ids)} does not exist with "
                             f"{self.total_shards} shards")
        http = self.http
        http.global_lock.wait = wait_timer(self.metrics.ratelimit_seconds, "global",
                                           http.global_lock.wait)
        get_ratelimit = http.get_ratelimit

        def timed_ratelimit(route):
            lock = get_ratelimit(route)
            if not getattr(lock, "_stardust_timed", False):
                lock.acquire = wait_timer(self.metrics.ratelimit_seconds, "bucket", lock.acquire)
                lock.lock_for_duration = wait_timer(self.metrics.ratelimit_seconds, "429",
                                                    lock.lock_for_duration)
                lock._stardust_timed = True
            return lock
        http.get_ratelimit = timed_ratelimit

    async def astart(self, token: str | None = None) -> None:
        """Log in, start this process's shards (in waves: Discord lets `max_concurrency`
        shards identify together, then 5 s between waves), run until they stop. Unlike
        interactions.py's own astart it does not stop the client on the way out: the
        caller's `shutdown()` does, in order."""
        await self.login(token)
        by_id = {s.shard_id: s for s in self._connection_states}
        tasks: list[asyncio.Task] = []
        for i, wave in enumerate(start_waves(list(by_id), self.max_start_concurrency)):
            if i:
                await asyncio.sleep(max(0.0, 5.1 - (time.perf_counter() - began)))
            began = time.perf_counter()
            tasks += [asyncio.create_task(by_id[sid].start()) for sid in wave]
            ready = asyncio.ensure_future(asyncio.gather(
                *(by_id[sid]._shard_ready.wait() for sid in wave)))
            done, _ = await asyncio.wait({ready, *tasks}, return_when=asyncio.FIRST_COMPLETED)
            if ready not in done:
                ready.cancel()
                for task in done:
                    task.result()
                raise RuntimeError("a shard stopped before it was ready")
        await asyncio.gather(*tasks)

    # -- interactions -----------------------------------------------------------------------
    def _guarded(self, handler, event):
        """Counted in flight from the moment the gateway hands the interaction over (this
        runs synchronously in the gateway's dispatch), until its answer is sent."""
        self.in_flight += 1
        self._idle.clear()
        return self._handle(handler, event)

    async def _handle(self, handler, event) -> None:
        try:
            data = event.data
            guild_id = int(data["guild_id"]) if data.get("guild_id") else None
            if not self.owns(guild_id):
                # Discord routes by shard; a process never answers for another's shards
                self.metrics.dropped.labels("foreign_shard").inc()
                log.warning("dropped interaction %s of guild %s: shard %s is not one of %s",
                            data.get("id"), guild_id, shard_of(guild_id, self.total_shards),
                            self.shard_ids)
                return
            if not self._startup:
                # interactions.py ignores it too (its commands are not known yet)
                self.metrics.dropped.labels("not_ready").inc()
                await handler(event)
                return
            name = command_name(data)
            holder: dict = {}
            token = _current.set(holder)
            try:
                with self.metrics.command(name):
                    await handler(event)
                    if (failure := holder.get("failure")) is not None:
                        await self._on_failure(failure)
            finally:
                _current.reset(token)
            self.metrics.outcome(name, holder.get("outcome") or outcome_of(
                getattr(holder.get("failure"), "error", None)))
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    def dispatch(self, event, *args, **kwargs) -> None:
        holder = _current.get()
        if holder is not None and isinstance(event, _FAILURES):
            holder["failure"] = event               # answered by _handle, in its task
            return
        super().dispatch(event, *args, **kwargs)

    async def _on_failure(self, event) -> None:
        if isinstance(event, AutocompleteError):
            log.warning("autocomplete failed: %s", event.error)
            with contextlib.suppress(Exception):
                await event.ctx.send(choices=[])
            return
        error = event.error
        if isinstance(error, interactions.errors.HTTPException) and error.code == 40060:
            # Discord: "already acknowledged": another session of this shard answered first
            # (a rolling restart overlaps two processes); the database replayed, not charged
            self.metrics.answered_elsewhere.inc()
            _current.get()["outcome"] = "answered_elsewhere"
            return
        await on_failure(event.ctx, error)

    # errors outside a guarded interaction (none expected) still get the friendly answer
    @listen(CommandError, disable_default_listeners=True)
    async def _on_command_error(self, event: CommandError) -> None:
        await on_failure(event.ctx, event.error)

    @listen(ComponentError, disable_default_listeners=True)
    async def _on_component_error(self, event: ComponentError) -> None:
        await on_failure(event.ctx, event.error)

    @listen(AutocompleteError, disable_default_listeners=True)
    async def _on_autocomplete_error(self, event: AutocompleteError) -> None:
        log.warning("autocomplete failed: %s", event.error)
        with contextlib.suppress(Exception):
            await event.ctx.send(choices=[])

    # -- shutdown ---------------------------------------------------------------------------
    async def shutdown(self, timeout: float = 10.0) -> bool:
        """Stop in order: close every gateway connection (no new interaction arrives), let
        the interactions in flight finish (at most `timeout` s: their answers go over HTTP),
        then close HTTP. True when nothing was cut short."""
        self.draining = True
        clean = True
        states = list(self._connection_states)
        for st in states:
            if st.gateway:
                st.gateway.close()
        pending = [st._shard_task for st in states if st._shard_task is not None]
        if pending:
            done, still = await asyncio.wait([asyncio.shield(t) for t in pending],
                                             timeout=timeout)
            if still:
                clean = False
                log.warning("%d gateway connection(s) did not close in %.0f s", len(still),
                            timeout)
        for _ in range(3):          # events read before the close reach their handlers
            await asyncio.sleep(0)
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            clean = False
            log.warning("%d interaction(s) still in flight after %.0f s", self.in_flight,
                        timeout)
        self._ready.clear()
        await self.http.close()
        for st in states:
            st.gateway = None
            st._shard_task = None
            st.gateway_started.clear()
        return clean


async def shutdown(client: StardustClient, timeout: float = 10.0) -> bool:
    return await client.shutdown(timeout)


def create_client(services: Services, *, token: str | None = None,
                  dev_guild_id: int | None = None, shard_count: int | None = None,
                  shard_ids: list[int] | None = None,
                  metrics: Metrics | None = None) -> StardustClient:
    # every process syncs the commands: interactions.py compares them with Discord's first
    # and writes only a difference, and a process must know them before it answers any
    client = StardustClient(
        token=token,
        intents=Intents.GUILDS,
        send_command_tracebacks=False,
        debug_scope=dev_guild_id or interactions.MISSING,
        delete_unused_application_cmds=True,
        logger=logging.getLogger("interactions"),
        total_shards=shard_count,
        shard_ids=shard_ids,
        metrics=metrics,
    )
    client.metrics.pool_source = getattr(services.db, "pool_stats", None)
    for name in extension_modules():
        client.load_extension(name, services=services)
    return client


# --- /healthz and /metrics -----------------------------------------------------------------
def health_app(client: StardustClient, services: Services) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        db_ok = await services.db.ping()
        shards = client.shard_status()
        gw_ok = bool(shards) and all(s["connected"] for s in shards.values())
        body = {"database": db_ok, "gateway": gw_ok, "draining": client.draining,
                "shard_count": client.total_shards,
                "shards": {str(sid): {"connected": s["connected"],
                                      "latency_ms": None if s["latency"] is None
                                      else round(s["latency"] * 1000, 1)}
                           for sid, s in shards.items()}}
        ok = db_ok and gw_ok and not client.draining
        return web.json_response(body, status=200 if ok else 503)

    async def metrics(request: web.Request) -> web.Response:
        payload, content_type = client.metrics.render()
        return web.Response(body=payload, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def start_health_server(client: StardustClient, services: Services, host: str,
                              port: int) -> web.AppRunner:
    runner = web.AppRunner(health_app(client, services), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health endpoint on http://%s:%s/healthz, metrics on /metrics", host, port)
    return runner


async def serve(services: Services, *, token: str, dev_guild_id: int | None,
                health_host: str, health_port: int | None, shard_count: int | None = None,
                shard_ids: list[int] | None = None, shutdown_timeout: float = 10.0) -> int:
    """Run until SIGTERM/SIGINT, then shut down in order: gateways, interactions in flight,
    HTTP, the health endpoint, the pool. 0 after a clean stop, 1 when the client stopped
    on its own (a login or gateway failure, logged)."""
    client = create_client(services, token=token, dev_guild_id=dev_guild_id,
                           shard_count=shard_count, shard_ids=shard_ids)
    runner = None
    if health_port:
        runner = await start_health_server(client, services, health_host, health_port)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopping.set)
    bot_task = asyncio.create_task(client.astart())
    stop_task = asyncio.create_task(stopping.wait())
    code = 0
    try:
        await asyncio.wait({bot_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        if bot_task.done():
            bot_task.result()                       # a login or gateway failure: raise it
            log.error("the gateway stopped on its own")
            code = 1
        log.info("stopping: closing the gateway, finishing %d interaction(s) in flight",
                 client.in_flight)
        await client.shutdown(shutdown_timeout)
        bot_task.cancel()
        await asyncio.gather(bot_task, return_exceptions=True)
    finally:
        stop_task.cancel()
        if runner is not None:
            await runner.cleanup()
        close_art = getattr(services.art, "close", None)
        if close_art is not None:
            with contextlib.suppress(Exception):
                await close_art()
        await services.db.close(timeout=shutdown_timeout)
        log.info("stopped")
    return code
