"""yoyo backend for Stardust: psycopg 3, bookkeeping tables out of `public`.

yoyo maps `postgresql://` to psycopg2, which we do not ship, and creates its tables
(_yoyo_migration, _yoyo_log, yoyo_lock, ...) in whatever schema comes first in the search
path, usually `public`, which Supabase exposes over its REST API. This backend, registered
under the URL schemes `stardust+postgresql` and `stardust+postgres`, connects with psycopg 3
and keeps those tables in schema `stardust_migrations`, which PUBLIC cannot use.
The repo's yoyo.ini names `stardust+env://DATABASE_URL`: the same backend, with the URL read
from the environment variable DATABASE_URL, so that a missing or malformed one is a single
line with the fix (exit 2) instead of a configparser traceback.
"""

from __future__ import annotations

import os
import sys

from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend

MIGRATIONS_SCHEMA = "stardust_migrations"


class StardustBackend(PostgresqlPsycopgBackend):
    def connect(self, dburi):
        conn = super().connect(dburi)
        self.schema = self.schema or MIGRATIONS_SCHEMA
        return conn

    def init_connection(self, connection):
        with connection.cursor() as cur:
            cur.execute(f"create schema if not exists {self.schema}")
            cur.execute(f"revoke all on schema {self.schema} from public")
        super().init_connection(connection)


def yoyo_url(database_url: str) -> str:
    """`postgresql://…` (or `postgres://`, `postgresql+psycopg://`) → `stardust+postgresql://…`."""
    scheme, sep, rest = database_url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL: {database_url!r}")
    base = scheme.split("+")[-1] if scheme.startswith("stardust+") else scheme.split("+")[0]
    if base not in ("postgresql", "postgres"):
        raise ValueError(f"unsupported database URL scheme {scheme!r}: use postgresql://")
    return f"stardust+postgresql://{rest}"


ENV_FIX = ("set DATABASE_URL=postgresql://user:password@host:5432/dbname "
           "(or run `stardust migrate`, which also redeploys the functions)")


def _refuse(message: str) -> None:
    print(f"yoyo: {message}: {ENV_FIX}", file=sys.stderr)
    raise SystemExit(2)


class EnvBackend(StardustBackend):
    """`stardust+env://NAME`: StardustBackend on the URL in the environment variable NAME."""

    def __init__(self, dburi, migration_table):
        import psycopg
        from yoyo.connections import parse_uri

        name = (dburi.hostname or "DATABASE_URL").upper()      # yoyo lower-cases the host
        raw = os.environ.get(name, "").strip()
        if not raw:
            _refuse(f"{name} is not set")
        try:
            real = parse_uri(yoyo_url(raw))
        except ValueError as exc:
            _refuse(f"{name} is not a PostgreSQL URL ({exc})")
        try:
            super().__init__(real, migration_table)
        except psycopg.Error as exc:
            _refuse(f"cannot connect to the database ({' '.join(str(exc).split())[:200]})")
