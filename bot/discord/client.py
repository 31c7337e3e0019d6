"""Build and run the Discord client: extensions from bot/exts/, the global error listener,
the /healthz endpoint."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pkgutil
import signal

import interactions
from aiohttp import web
from interactions import Intents, listen
from interactions.api.events import (AutocompleteError, CommandError, ComponentError,
                                     Disconnect, Ready, Resume, Startup)

import bot.exts
from bot.discord import Services, on_failure

log = logging.getLogger("stardust.discord")


def extension_modules() -> list[str]:
    """Every public module of bot.exts (python-discord's walk_extensions)."""
    return [m.name for m in pkgutil.walk_packages(bot.exts.__path__, "bot.exts.")
            if not m.name.rsplit(".", 1)[-1].startswith("_") and not m.ispkg]


class StardustClient(interactions.Client):
    """interactions.Client plus what the health check needs to know."""

    gateway_connected: bool = False

    @listen(Startup)
    async def _on_startup(self, event) -> None:
        self.gateway_connected = True
        log.info("connected to Discord as %s", self.user)

    @listen(Ready)
    async def _on_ready(self, event) -> None:
        self.gateway_connected = True

    @listen(Resume)
    async def _on_resume(self, event) -> None:
        self.gateway_connected = True

    @listen(Disconnect)
    async def _on_disconnect(self, event) -> None:
        self.gateway_connected = False

    @listen(CommandError, disable_default_listeners=True)
    async def _on_command_error(self, event: CommandError) -> None:
        await on_failure(event.ctx, event.error)

    @listen(ComponentError, disable_default_listeners=True)
    async def _on_component_error(self, event: ComponentError) -> None:
        await on_failure(event.ctx, event.error)

    @listen(AutocompleteError, disable_default_listeners=True)
    async def _on_autocomplete_error(self, event: AutocompleteError) -> None:
        log.warning("autocomplete failed: %s", event.error)
        try:
            await event.ctx.send(choices=[])
        except Exception:
            pass


async def shutdown(client: interactions.Client, timeout: float = 10.0) -> None:
    """Stop the client cleanly. interactions.py's Client.stop() closes the HTTP session
    first; the gateway's receive loop then gets an immediate no-op message forever and
    never notices it was asked to stop. So: close the gateway, wait for it, then stop."""
    state = client._connection_state
    if state.gateway is not None:
        state.gateway.close()
    if state._shard_task is not None:
        try:
            await asyncio.wait_for(asyncio.shield(state._shard_task), timeout)
        except (asyncio.TimeoutError, Exception):
            log.warning("gateway did not close in %.0f s", timeout)
    await client.stop()


def create_client(services: Services, *, token: str | None = None,
                  dev_guild_id: int | None = None) -> StardustClient:
    client = StardustClient(
        token=token,
        intents=Intents.GUILDS,
        send_command_tracebacks=False,
        debug_scope=dev_guild_id or interactions.MISSING,
        delete_unused_application_cmds=True,
        logger=logging.getLogger("interactions"),
    )
    for name in extension_modules():
        client.load_extension(name, services=services)
    return client


# --- /healthz ------------------------------------------------------------------------------
def health_app(client: StardustClient, services: Services) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        db_ok = await services.db.ping()
        gw_ok = bool(client.gateway_connected)
        return web.json_response({"database": db_ok, "gateway": gw_ok},
                                 status=200 if db_ok and gw_ok else 503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    return app


async def start_health_server(client: StardustClient, services: Services, host: str,
                              port: int) -> web.AppRunner:
    runner = web.AppRunner(health_app(client, services), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health endpoint on http://%s:%s/healthz", host, port)
    return runner


async def serve(services: Services, *, token: str, dev_guild_id: int | None,
                health_host: str, health_port: int | None) -> None:
    client = create_client(services, token=token, dev_guild_id=dev_guild_id)
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
    try:
        await asyncio.wait({bot_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        if bot_task.done():
            bot_task.result()                       # a login or gateway failure: raise it
        else:
            log.info("stopping")
            await shutdown(client)
            bot_task.cancel()
            await asyncio.gather(bot_task, return_exceptions=True)
    finally:
        stop_task.cancel()
        if runner is not None:
            await runner.cleanup()
        await services.db.close()
