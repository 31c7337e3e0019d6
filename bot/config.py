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
    HEALTH_PORT           port of the HTTP /healthz endpoint (default 8080; 0 disables)
    HEALTH_HOST           its address (default 0.0.0.0)
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
