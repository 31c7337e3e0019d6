"""All SQL the bot sends, one coroutine per SQL function, and the one SQLSTATE map.

Every game rule is a function in the `stardust` schema; this module only calls them.
Errors raised by those functions carry a custom SQLSTATE (DESIGN.md): they become
`GameError` subclasses here, with the database's sentence and hint, so front ends map codes,
never message text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from asyncpg import Record

from bot.timing import add_db_time

log = logging.getLogger(__name__)

# --- errors ------------------------------------------------------------------------------
class GameError(Exception):
    """An expected refusal by the game (a documented SQLSTATE)."""

    code = "SD???"

    def __init__(self, message: str, hint: str | None = None, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail

    def detail_value(self, key: str) -> int | None:
        """A `key=N` figure from DETAIL (e.g. missing_gems for SDNSF)."""
        m = re.search(rf"\b{re.escape(key)}=(-?\d+)", self.detail or "")
        return int(m.group(1)) if m else None


class InvalidArgument(GameError):
    code = "SDARG"


class NotEnough(GameError):
    code = "SDNSF"


class BannerUnavailable(GameError):
    code = "SDBNR"


class NotOwned(GameError):
    code = "SDOWN"


class UnitBusy(GameError):
    code = "SDLCK"


class NoKey(GameError):
    code = "SDKEY"


class AlreadyDone(GameError):
    code = "SDDON"


class NotEnoughSpark(GameError):
    code = "SDSPK"


class RequestReused(GameError):
    code = "SDIDM"


class TeamEmpty(GameError):
    code = "SDTEM"


class CatalogueEmpty(GameError):
    code = "SDCAT"


ERRORS: dict[str, type[GameError]] = {
    cls.code: cls for cls in (InvalidArgument, NotEnough, BannerUnavailable, NotOwned, UnitBusy,
                              NoKey, AlreadyDone, NotEnoughSpark, RequestReused, TeamEmpty,
                              CatalogueEmpty)
}


# Values PostgreSQL refuses before any function runs, and asyncpg before sending them: a NUL
# character in text (text cannot hold one; the server answers 22021, or 22P05 when a
# character has no equivalent), a number past the parameter's type (asyncpg's client-side
# DataError, SQLSTATE 22000) or out of range on the server (22003). The player typed
# something unusable: a plain sentence, as for SDARG, not an apology.
UNUSABLE_INPUT = {
    "22021": ("That text contains a character the game cannot store.",
              "Remove unusual characters (such as the null character) and try again."),
    "22P05": ("That text contains a character the game cannot store.",
              "Remove unusual characters and try again."),
    "22003": ("That number is out of range.", "Use a smaller number."),
    "22000": ("That value cannot be used: a number is too large or the text has a character "
              "the game cannot store.", "Check what you typed and try again."),
}


def translate(exc: asyncpg.PostgresError) -> Exception:
    cls = ERRORS.get(exc.sqlstate or "")
    if cls is None:
        if (sentence := UNUSABLE_INPUT.get(exc.sqlstate or "")) is not None:
            # logged: a 22003 raised inside a function would be a missing range check
            log.warning("unusable input refused (%s): %s", exc.sqlstate, exc)
            return InvalidArgument(*sentence)
        return exc
    return cls(exc.message, getattr(exc, "hint", None), getattr(exc, "detail", None))


@contextlib.asynccontextmanager
async def _game_errors() -> AsyncIterator[None]:
    try:
        yield
    except asyncpg.PostgresError as exc:
        translated = translate(exc)
        if translated is exc:
            raise
        raise translated from exc


# --- the database ------------------------------------------------------------------------
async def create_pool(url: str, *, statement_cache: bool = True, min_size: int = 1,
                      max_size: int = 10) -> asyncpg.Pool:
    """A pool for the bot. `statement_cache=False` for PgBouncer or Supabase's pooler in
    transaction mode, where prepared statements do not survive between transactions."""
    return await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size,
        statement_cache_size=100 if statement_cache else 0,
        max_cached_statement_lifetime=300,
        init=_init_connection)


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads,
                              schema="pg_catalog")


class Database:
    """One coroutine per stardust.* function. Rows come back as asyncpg Records."""

    def __init__(self, pool: asyncpg.Pool):
        self.pool = pool
        self.waiting = 0                  # callers waiting for a connection (metrics)

    @classmethod
    async def connect(cls, url: str, *, statement_cache: bool = True, **kwargs: Any) -> Database:
        return cls(await create_pool(url, statement_cache=statement_cache, **kwargs))

    async def close(self, timeout: float | None = None) -> None:
        """Close the pool: wait for connections in use (at most `timeout` seconds, then
        terminate them)."""
        if timeout is None:
            await self.pool.close()
            return
        try:
            await asyncio.wait_for(self.pool.close(), timeout)
        except asyncio.TimeoutError:
            log.warning("database pool did not close in %.0f s: terminating it", timeout)
            self.pool.terminate()

    def pool_stats(self) -> dict[str, int]:
        size, idle = self.pool.get_size(), self.pool.get_idle_size()
        return {"in_use": size - idle, "idle": idle, "waiting": self.waiting,
                "max": self.pool.get_max_size()}

    async def _call(self, method: str, sql: str, *args: Any) -> Any:
        """One statement on a pooled connection; its time (the wait for a connection
        included) is added to the interaction's database time (bot.metrics)."""
        start = time.perf_counter()
        self.waiting += 1
        waiting = True
        try:
            async with self.pool.acquire() as conn:
                self.waiting -= 1
                waiting = False
                async with _game_errors():
                    return await getattr(conn, method)(sql, *args)
        finally:
            if waiting:
                self.waiting -= 1
            add_db_time(time.perf_counter() - start)

    async def _fetch(self, sql: str, *args: Any) -> list[Record]:
        return await self._call("fetch", sql, *args)

    async def _fetchrow(self, sql: str, *args: Any) -> Record | None:
        return await self._call("fetchrow", sql, *args)

    async def _fetchval(self, sql: str, *args: Any) -> Any:
        return await self._call("fetchval", sql, *args)

    async def ping(self) -> bool:
        try:
            return await self.pool.fetchval("select true", timeout=2) is True
        except Exception:
            return False

    # -- players --------------------------------------------------------------------------
    async def has_played(self, user_id: int) -> bool:
        return await self._fetchval("select stardust.has_played(p_user_id => $1)", user_id)

    async def skills(self) -> list[Record]:
        return await self._fetch("select * from stardust.skills()")

    async def get_user(self, user_id: int) -> Record:
        return await self._fetchrow("select * from stardust.get_user(p_user_id => $1)", user_id)

    async def profile(self, user_id: int) -> Record:
        return await self._fetchrow("select * from stardust.profile(p_user_id => $1)", user_id)

    async def grant(self, user_id: int, gems: int, coins: int, reason: str,
                    request_id: str | None, admin_id: int | None = None) -> Record:
        """Through the bot role `admin_id` (the acting admin's Discord id) is required and
        the day's grant caps apply (docs/SECURITY.md)."""
        return await self._fetchrow(
            "select * from stardust.grant(p_user_id => $1, p_gems => $2, p_coins => $3,"
            " p_reason => $4, p_request_id => $5, p_admin_id => $6)",
            user_id, gems, coins, reason, request_id, admin_id)

    async def erase_user(self, user_id: int, request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.erase_user(p_user_id => $1, p_request_id => $2)",
            user_id, request_id)

    # -- gacha ----------------------------------------------------------------------------
    async def pull(self, user_id: int, count: int, banner_id: int | None,
                   request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.pull(p_user_id => $1, p_count => $2, p_banner_id => $3,"
            " p_request_id => $4)", user_id, count, banner_id, request_id)

    async def spark(self, user_id: int, banner_id: int, anilist_id: int,
                    request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.spark(p_user_id => $1, p_banner_id => $2,"
            " p_anilist_id => $3, p_request_id => $4)", user_id, banner_id, anilist_id,
            request_id)

    async def claim_starter(self, user_id: int, request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.claim_starter(p_user_id => $1, p_request_id => $2)",
            user_id, request_id)

    async def list_banners(self, include_ended: bool = False) -> list[Record]:
        return await self._fetch(
            "select * from stardust.list_banners(p_include_ended => $1)", include_ended)

    async def rates(self, banner_id: int | None = None) -> list[Record]:
        return await self._fetch("select * from stardust.rates(p_banner_id => $1)", banner_id)

    async def pull_history(self, user_id: int, limit: int = 50,
                           before: int | None = None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.pull_history(p_user_id => $1, p_limit => $2,"
            " p_before => $3)", user_id, limit, before)

    # -- provably fair pulls ----------------------------------------------------------------
    async def fairness(self, user_id: int) -> Record:
        return await self._fetchrow("select * from stardust.fairness(p_user_id => $1)", user_id)

    async def set_client_seed(self, user_id: int, client_seed: str,
                              request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.set_client_seed(p_user_id => $1, p_client_seed => $2,"
            " p_request_id => $3)", user_id, client_seed, request_id)

    async def revealed_seeds(self, limit: int = 10, before: int | None = None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.revealed_seeds(p_limit => $1, p_before => $2)",
            limit, before)

    async def catalogue_pool(self, rarity: str) -> list[Record]:
        return await self._fetch("select * from stardust.catalogue_pool(p_rarity => $1)",
                                 rarity)

    # -- collection -----------------------------------------------------------------------
    async def inventory(self, user_id: int, sort: str = "date", rarity: str | None = None,
                        limit: int = 50, offset: int = 0, after: int | None = None,
                        before: int | None = None) -> list[Record]:
        """A page by offset, or by keyset: `after` / `before` an inventory id (the last /
        first row shown), which costs the same however deep the page."""
        return await self._fetch(
            "select * from stardust.inventory(p_user_id => $1, p_sort => $2, p_rarity => $3,"
            " p_limit => $4, p_offset => $5, p_after => $6, p_before => $7)",
            user_id, sort, rarity, limit, offset, after, before)

    async def get_unit(self, user_id: int, inventory_id: int) -> Record:
        return await self._fetchrow(
            "select * from stardust.get_unit(p_user_id => $1, p_inventory_id => $2)",
            user_id, inventory_id)

    async def search_units(self, user_id: int, query: str, limit: int = 25) -> list[Record]:
        return await self._fetch(
            "select * from stardust.search_units(p_user_id => $1, p_query => $2,"
            " p_limit => $3)", user_id, query, limit)

    async def set_locked(self, user_id: int, inventory_ids: list[int], locked: bool,
                         request_id: str | None) -> int:
        return await self._fetchval(
            "select stardust.set_locked(p_user_id => $1, p_inventory_ids => $2,"
            " p_locked => $3, p_request_id => $4)", user_id, inventory_ids, locked, request_id)

    async def scrap(self, user_id: int, inventory_ids: list[int],
                    request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.scrap(p_user_id => $1, p_inventory_ids => $2,"
            " p_request_id => $3)", user_id, inventory_ids, request_id)

    async def mass_scrap_preview(self, user_id: int, rarity: str) -> Record:
        return await self._fetchrow(
            "select * from stardust.mass_scrap_preview(p_user_id => $1, p_rarity => $2)",
            user_id, rarity)

    async def mass_scrap(self, user_id: int, rarity: str, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.mass_scrap(p_user_id => $1, p_rarity => $2,"
            " p_request_id => $3)", user_id, rarity, request_id)

    # -- team -----------------------------------------------------------------------------
    async def set_team(self, user_id: int, inventory_ids: list[int | None],
                       request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.set_team(p_user_id => $1, p_inventory_ids => $2::bigint[],"
            " p_request_id => $3)", user_id, inventory_ids, request_id)

    async def team_details(self, user_id: int) -> list[Record]:
        return await self._fetch("select * from stardust.team_details(p_user_id => $1)",
                                 user_id)

    async def team_power(self, user_id: int) -> int:
        return await self._fetchval("select stardust.team_power(p_user_id => $1)", user_id)

    async def save_preset(self, user_id: int, name: str, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.save_preset(p_user_id => $1, p_name => $2,"
            " p_request_id => $3)", user_id, name, request_id)

    async def load_preset(self, user_id: int, name: str,
                          request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.load_preset(p_user_id => $1, p_name => $2,"
            " p_request_id => $3)", user_id, name, request_id)

    async def list_presets(self, user_id: int) -> list[Record]:
        return await self._fetch("select * from stardust.list_presets(p_user_id => $1)", user_id)

    async def delete_preset(self, user_id: int, name: str, request_id: str | None) -> int:
        return await self._fetchval(
            "select stardust.delete_preset(p_user_id => $1, p_name => $2,"
            " p_request_id => $3)", user_id, name, request_id)

    # -- battles --------------------------------------------------------------------------
    async def battle_npc(self, user_id: int, difficulty: str, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.battle_npc(p_user_id => $1, p_difficulty => $2,"
            " p_request_id => $3)", user_id, difficulty, request_id)

    async def battle_pvp(self, user_id: int, opponent_id: int, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.battle_pvp(p_user_id => $1, p_opponent_id => $2,"
            " p_request_id => $3)", user_id, opponent_id, request_id)

    async def battle_log(self, battle_id: int) -> list[Record]:
        return await self._fetch("select * from stardust.battle_log(p_battle_id => $1)",
                                 battle_id)

    async def bounty_board(self, guild_id: int, user_id: int | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.bounty_board(p_guild_id => $1, p_user_id => $2)",
            guild_id, user_id)

    async def bounty_claim(self, user_id: int, guild_id: int, slot: int,
                           request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.bounty_claim(p_user_id => $1, p_guild_id => $2,"
            " p_slot => $3, p_request_id => $4)", user_id, guild_id, slot, request_id)

    # -- items ----------------------------------------------------------------------------
    async def user_items(self, user_id: int) -> list[Record]:
        return await self._fetch("select * from stardust.user_items(p_user_id => $1)", user_id)

    async def gift_bond(self, user_id: int, inventory_id: int, item: str, qty: int,
                        request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.gift_bond(p_user_id => $1, p_inventory_id => $2,"
            " p_item => $3, p_qty => $4, p_request_id => $5)", user_id, inventory_id, item, qty,
            request_id)

    # -- progression ----------------------------------------------------------------------
    async def checkin(self, user_id: int, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.checkin(p_user_id => $1, p_request_id => $2)",
            user_id, request_id)

    async def daily_tasks(self, user_id: int) -> list[Record]:
        return await self._fetch("select * from stardust.daily_tasks(p_user_id => $1)",
                                 user_id)

    async def claim_task(self, user_id: int, task: str, request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.claim_task(p_user_id => $1, p_task => $2,"
            " p_request_id => $3)", user_id, task, request_id)

    async def claim_all_tasks(self, user_id: int, request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.claim_all_tasks(p_user_id => $1, p_request_id => $2)",
            user_id, request_id)

    async def take_notifications(self, user_id: int) -> list[Record]:
        return await self._fetch(
            "select * from stardust.take_notifications(p_user_id => $1)", user_id)

    async def achievements(self, user_id: int) -> list[Record]:
        return await self._fetch("select * from stardust.achievements(p_user_id => $1)",
                                 user_id)

    async def leaderboard(self, kind: str, limit: int = 10) -> list[Record]:
        return await self._fetch(
            "select * from stardust.leaderboard(p_kind => $1, p_limit => $2)", kind, limit)

    # -- expeditions ----------------------------------------------------------------------
    async def expedition_start(self, user_id: int, inventory_ids: list[int],
                               request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.expedition_start(p_user_id => $1,"
            " p_inventory_ids => $2::bigint[], p_request_id => $3)",
            user_id, inventory_ids, request_id)

    async def expedition_status(self, user_id: int) -> Record | None:
        return await self._fetchrow(
            "select * from stardust.expedition_status(p_user_id => $1)", user_id)

    async def expedition_claim(self, user_id: int, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.expedition_claim(p_user_id => $1, p_request_id => $2)",
            user_id, request_id)

    async def expedition_stop(self, user_id: int, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.expedition_stop(p_user_id => $1, p_request_id => $2)",
            user_id, request_id)

    # -- shops, tokens, gift codes --------------------------------------------------------
    async def shop(self, user_id: int) -> list[Record]:
        return await self._fetch("select * from stardust.shop(p_user_id => $1)", user_id)

    async def shop_buy(self, user_id: int, slot: int, request_id: str | None) -> list[Record]:
        return await self._fetch(
            "select * from stardust.shop_buy(p_user_id => $1, p_slot => $2,"
            " p_request_id => $3)", user_id, slot, request_id)

    async def item_shop(self) -> list[Record]:
        return await self._fetch("select * from stardust.item_shop()")

    async def buy_item(self, user_id: int, item: str, qty: int,
                       request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.buy_item(p_user_id => $1, p_item => $2, p_qty => $3,"
            " p_request_id => $4)", user_id, item, qty, request_id)

    async def use_token(self, user_id: int, inventory_id: int,
                        request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.use_token(p_user_id => $1, p_inventory_id => $2,"
            " p_request_id => $3)", user_id, inventory_id, request_id)

    async def redeem_code(self, user_id: int, code: str, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.redeem_code(p_user_id => $1, p_code => $2,"
            " p_request_id => $3)", user_id, code, request_id)

    # -- raids ----------------------------------------------------------------------------
    async def raid_status(self, guild_id: int, user_id: int | None) -> Record | None:
        return await self._fetchrow(
            "select * from stardust.raid_status(p_guild_id => $1, p_user_id => $2)",
            guild_id, user_id)

    async def raid_attack(self, user_id: int, guild_id: int, request_id: str | None) -> Record:
        return await self._fetchrow(
            "select * from stardust.raid_attack(p_user_id => $1, p_guild_id => $2,"
            " p_request_id => $3)", user_id, guild_id, request_id)

    async def raid_leaderboard(self, guild_id: int, limit: int = 10) -> list[Record]:
        return await self._fetch(
            "select * from stardust.raid_leaderboard(p_guild_id => $1, p_limit => $2)",
            guild_id, limit)

    async def end_raid(self, raid_id: int, force: bool = False) -> list[Record]:
        return await self._fetch(
            "select * from stardust.end_raid(p_raid_id => $1, p_force => $2)", raid_id, force)
