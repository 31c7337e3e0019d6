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
