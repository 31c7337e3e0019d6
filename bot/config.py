"""Runtime configuration, from the environment."""

from __future__ import annotations

import math
import os


class ConfigError(ValueError):
    """A bad setting in the environment: the message names it and says what it takes."""


def database_url() -> str:
    """DATABASE_URL, or the embedded cluster (started on demand) when it is unset."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return normalize_url(url)
    from bot.pgcluster import embedded_url

    return embedded_url()


def normalize_url(url: str) -> str:
    """asyncpg and psycopg both take `postgresql://`; accept the spellings operators paste
    (`postgres://`, SQLAlchemy's `postgresql+psycopg://`)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("DATABASE_URL must look like postgresql://user:password@host:5432/db")
    base = scheme.split("+")[0]
    if scheme.startswith("stardust+"):
        base = scheme.split("+")[1]
    if base not in ("postgresql", "postgres"):
        raise ValueError(f"DATABASE_URL scheme {scheme!r} is not PostgreSQL")
    return f"postgresql://{rest}"


def _int_list(value: str, name: str = "ADMIN_IDS") -> frozenset[int]:
    out = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if part:
            if not (part.isascii() and part.isdigit()):
                raise ConfigError(f"{name}: {part!r} is not a Discord user id (ids are digits,"
                                  " separated by commas)")
            out.add(int(part))
    return frozenset(out)


def _whole(env: dict[str, str], name: str, default: int | None, lo: int, hi: int
           ) -> int | None:
    """A whole number from lo to hi; default when the variable is unset or empty."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not lo <= int(raw) <= hi:
        raise ConfigError(f"{name}={raw!r}: give a whole number from {lo} to {hi}")
    return int(raw)


def _seconds(env: dict[str, str], name: str, default: float, hi: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= hi:                             # nan and inf fail here too
        raise ConfigError(f"{name}={raw!r}: give a number of seconds from 0 to {hi:g}")
    return value


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


class BotSettings:
    """Settings of `stardust run`, from the environment:

    DISCORD_TOKEN         the bot token (required)
    DATABASE_URL          PostgreSQL URL; the embedded database when unset
    DEV_GUILD_ID          register commands in this guild only (instant sync while developing)
    ADMIN_IDS             comma-separated Discord user ids allowed to use /admin
    DB_STATEMENT_CACHE    0 behind PgBouncer / Supabase's pooler in transaction mode (default 1)
    DB_POOL_SIZE          connections in the pool, 1-1000 (default 10)
    HEALTH_PORT           port of GET /healthz (each shard: connected, latency) and GET /metrics
                          (Prometheus) (default 8080; 0 disables); one per process on a host
    HEALTH_HOST           its address (default 0.0.0.0)
    SHARD_COUNT           total Discord shards of the fleet (default: Discord's recommendation
                          from GET /gateway/bot); the same on every process
    SHARD_IDS             the shards this process runs: ids and ranges such as 0-3,8 (default:
                          all); needs SHARD_COUNT. A guild's shard is (guild_id >> 22) %
                          SHARD_COUNT, direct messages go to shard 0 (docs/SCALING.md)
    SHUTDOWN_TIMEOUT      seconds SIGTERM waits for interactions in flight, 0-900 (default 10)
    DISCORD_API_URL       Discord's REST base (default https://discord.com/api/v10), e.g. an
                          HTTP proxy that shares rate limits across the fleet
    STARDUST_ART_CACHE    where character art is cached (default ~/.cache/stardust/art)

    A value that is not what its variable takes stops the bot before it starts, with one
    line naming the variable and what it takes.
    """

    def __init__(self, env: dict[str, str] | None = None):
        env = dict(os.environ if env is None else env)
        self.token = env.get("DISCORD_TOKEN", "").strip()
        self.dev_guild_id = _whole(env, "DEV_GUILD_ID", None, 1, 2**63 - 1)
        self.admin_ids = _int_list(env.get("ADMIN_IDS", ""))
        self.statement_cache = _flag(env.get("DB_STATEMENT_CACHE", "1"))
        self.pool_size = _whole(env, "DB_POOL_SIZE", 10, 1, 1000)
        port = env.get("HEALTH_PORT")                    # set but empty: disabled, as 0
        self.health_port = (0 if port is not None and not port.strip()
                            else _whole(env, "HEALTH_PORT", 8080, 0, 65535))
        self.health_host = env.get("HEALTH_HOST", "0.0.0.0")
        from bot.fleet import parse_shard_count, parse_shard_ids

        self.shard_count = parse_shard_count(env.get("SHARD_COUNT"))
        self.shard_ids = parse_shard_ids(env.get("SHARD_IDS"), self.shard_count)
        self.shutdown_timeout = _seconds(env, "SHUTDOWN_TIMEOUT", 10.0, 900)
        self.api_url = env.get("DISCORD_API_URL", "").strip().rstrip("/") or None
