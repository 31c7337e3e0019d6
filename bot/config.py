"""Runtime configuration, from the environment."""

from __future__ import annotations

import os


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


def _int_list(value: str) -> frozenset[int]:
    out = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if part:
            if not part.isdigit():
                raise ValueError(f"not a Discord user id: {part!r}")
            out.add(int(part))
    return frozenset(out)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


class BotSettings:
    """Settings of `stardust run`, from the environment:

    DISCORD_TOKEN         the bot token (required)
    DATABASE_URL          PostgreSQL URL; the embedded database when unset
    DEV_GUILD_ID          register commands in this guild only (instant sync while developing)
    ADMIN_IDS             comma-separated Discord user ids allowed to use /admin
    DB_STATEMENT_CACHE    0 behind PgBouncer / Supabase's pooler in transaction mode (default 1)
    DB_POOL_SIZE          connections in the pool (default 10)
    HEALTH_PORT           port of GET /healthz (each shard: connected, latency) and GET /metrics
                          (Prometheus) (default 8080; 0 disables); one per process on a host
    HEALTH_HOST           its address (default 0.0.0.0)
    SHARD_COUNT           total Discord shards of the fleet (default: Discord's recommendation
                          from GET /gateway/bot); the same on every process
    SHARD_IDS             the shards this process runs: ids and ranges such as 0-3,8 (default:
                          all); needs SHARD_COUNT. A guild's shard is (guild_id >> 22) %
                          SHARD_COUNT, direct messages go to shard 0 (docs/SCALING.md)
    SHUTDOWN_TIMEOUT      seconds SIGTERM waits for interactions in flight (default 10)
    DISCORD_API_URL       Discord's REST base (default https://discord.com/api/v10), e.g. an
                          HTTP proxy that shares rate limits across the fleet
    STARDUST_ART_CACHE    where character art is cached (default ~/.cache/stardust/art)
    """

    def __init__(self, env: dict[str, str] | None = None):
        env = dict(os.environ if env is None else env)
        self.token = env.get("DISCORD_TOKEN", "").strip()
        dev = env.get("DEV_GUILD_ID", "").strip()
        self.dev_guild_id = int(dev) if dev else None
        self.admin_ids = _int_list(env.get("ADMIN_IDS", ""))
        self.statement_cache = _flag(env.get("DB_STATEMENT_CACHE", "1"))
        self.pool_size = int(env.get("DB_POOL_SIZE", "10"))
        self.health_port = int(env.get("HEALTH_PORT", "8080") or 0)
        self.health_host = env.get("HEALTH_HOST", "0.0.0.0")
        from bot.fleet import parse_shard_count, parse_shard_ids

        self.shard_count = parse_shard_count(env.get("SHARD_COUNT"))
        self.shard_ids = parse_shard_ids(env.get("SHARD_IDS"), self.shard_count)
        self.shutdown_timeout = float(env.get("SHUTDOWN_TIMEOUT", "10") or 10)
        self.api_url = env.get("DISCORD_API_URL", "").strip().rstrip("/") or None
