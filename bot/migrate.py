"""Schema migrations (yoyo) and function deployment.

`sql/migrations/` holds the schema history; `sql/functions/*.sql` hold the *current*
definition of every function (`create or replace`, its grants and its comment). `migrate()`
applies pending migrations and then always redeploys every function file in one
transaction: yoyo's own `apply` command runs post-apply hooks only when a migration was
pending, so a function-only change would otherwise never reach the database.
`check()` tells whether the live functions differ from the files (a hot-fix typed into the
SQL editor, a file edited but not deployed) without changing anything.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SCHEMA = "stardust"


def sql_dir() -> Path:
    if env := os.environ.get("STARDUST_SQL_DIR"):
        return Path(env)
    return Path(__file__).resolve().parent.parent / "sql"


def function_files(root: Path | None = None) -> list[Path]:
    return sorted((root or sql_dir()).joinpath("functions").glob("*.sql"))


def deploy_functions(conn: psycopg.Connection, root: Path | None = None) -> int:
    """Execute every function file on `conn`, inside the caller's transaction.

    Bodies are not validated at creation time (as pg_dump does), so files may reference
    each other in any order; plpgsql_check in the test suite validates them instead."""
    files = function_files(root)
    conn.execute("set local check_function_bodies = off")
    for path in files:
        try:
            conn.execute(path.read_text(encoding="utf-8"))
        except psycopg.Error as exc:
            raise DeployError(f"{path.name}: {exc}") from exc
    return len(files)


class DeployError(RuntimeError):
    pass


_SNAPSHOT_SQL = """
select p.oid::regprocedure::text as signature,
       md5(pg_get_functiondef(p.oid)) as definition,
       coalesce(obj_description(p.oid, 'pg_proc'), '') as comment,
       coalesce(p.proacl::text, '') as acl,
       -- written by the current (top-level) transaction, i.e. by a file just executed
       p.xmin::text = (txid_current() %% 4294967296)::text as touched
  from pg_proc p
 where p.pronamespace = %s::regnamespace
   and p.prokind in ('f', 'p')
   and not exists (select 1 from pg_depend d              -- skip extension members
                    where d.objid = p.oid and d.deptype = 'e')
"""

Snapshot = dict[str, tuple[tuple[str, str, str], bool]]


def snapshot_functions(conn: psycopg.Connection) -> Snapshot:
    rows = conn.execute(_SNAPSHOT_SQL, (SCHEMA,)).fetchall()
    return {sig: ((d, c, a), touched) for sig, d, c, a, touched in rows}


@dataclass
class Report:
    applied: list[str] = field(default_factory=list)      # migrations applied now
    pending: list[str] = field(default_factory=list)      # migrations not applied (check)
    deployed: int = 0                                      # function files executed
    changed: list[str] = field(default_factory=list)      # live definition != file
    missing: list[str] = field(default_factory=list)      # in the files, not in the database
    extra: list[str] = field(default_factory=list)        # in the database, in no file
    failed: list[str] = field(default_factory=list)       # files that do not deploy (check)

    @property
    def drift(self) -> bool:
        return bool(self.pending or self.changed or self.missing or self.extra or self.failed)

    def lines(self, checking: bool, verbose: bool = True) -> list[str]:
        """What happened, for people; `verbose=False` leaves out the per-function list."""
        out = []
        if checking:
            out += [f"pending migration: {m}" for m in self.pending]
            out += [f"differs from its file: {f}" for f in self.changed]
            out += [f"not deployed: {f}" for f in self.missing]
            out += [f"in the database but in no file: {f}" for f in self.extra]
            out += [f"file does not deploy: {f}" for f in self.failed]
            if not self.drift:
                out.append("database matches sql/: no pending migration, "
                           "every function as in its file")
        else:
            out += [f"applied migration: {m}" for m in self.applied]
            out.append(f"deployed {self.deployed} function files: "
                       + (f"{len(self.missing)} new, {len(self.changed)} changed"
                          if self.changed or self.missing else "no function changed"))
            if verbose:
                out += [f"  new: {f}" for f in self.missing]
                out += [f"  changed: {f}" for f in self.changed]
            elif self.changed or self.missing:
                out[-1] += " (`stardust migrate -v` lists them)"
            out += [f"warning: in the database but in no file: {f}" for f in self.extra]
        return out


def _diff(before: Snapshot, after: Snapshot, report: Report) -> None:
    report.changed = sorted(s for s, (v, t) in after.items()
                            if t and s in before and before[s][0] != v)
    report.missing = sorted(s for s, (_, t) in after.items() if t and s not in before)
    report.extra = sorted(s for s, (_, t) in after.items() if not t)


@contextmanager
def _backend(database_url: str):
    from yoyo import get_backend

    from bot.yoyo_backend import yoyo_url

    backend = get_backend(yoyo_url(database_url))
    try:
        yield backend
    finally:
        backend.connection.close()


def _migrations(root: Path | None):
    from yoyo import read_migrations

    return read_migrations(str((root or sql_dir()) / "migrations"))


def migrate(database_url: str, root: Path | None = None) -> Report:
    """Apply pending migrations, then redeploy every function file in one transaction."""
    report = Report()
    with _backend(database_url) as backend:
        migrations = _migrations(root)
        with backend.lock():
            pending = backend.to_apply(migrations)
            report.applied = [m.id for m in pending]
            backend.apply_migrations_only(pending)
            conn = backend.connection
            conn.execute("begin")
            try:
                before = snapshot_functions(conn)
                report.deployed = deploy_functions(conn, root)
                after = snapshot_functions(conn)
                conn.execute("commit")
            except BaseException:
                conn.execute("rollback")
                raise
    # functions that no file defines are reported, not dropped: a signature change needs a
    # new migration that drops the old function (`drop function if exists ...`)
    _diff(before, after, report)
    return report


def check(database_url: str, root: Path | None = None) -> Report:
    """Report pending migrations and functions whose live definition, comment or grants
    differ from the files. Changes nothing: the comparison deploys the files inside a
    transaction that is rolled back."""
    report = Report()
    with _backend(database_url) as backend:
        migrations = _migrations(root)
        report.pending = [m.id for m in backend.to_apply(migrations)]
        if report.pending:
            return report
        conn = backend.connection
        conn.execute("begin")
        try:
            before = snapshot_functions(conn)
            deploy_functions(conn, root)
            after = snapshot_functions(conn)
        except DeployError:
            after = None
        finally:
            conn.execute("rollback")
        if after is None:
            # find the culprits one file at a time (bodies are not checked, so order
            # does not matter), each in its own rolled-back transaction
            for path in function_files(root):
                conn.execute("begin")
                try:
                    conn.execute("set local check_function_bodies = off")
                    conn.execute(path.read_text(encoding="utf-8"))
                except psycopg.Error as exc:
                    report.failed.append(f"{path.name}: {str(exc).strip()}")
                finally:
                    conn.execute("rollback")
            return report
    _diff(before, after, report)
    return report


def rollback(database_url: str, count: int | None = None, root: Path | None = None
             ) -> list[str]:
    """Roll back the last `count` applied migrations (all when None)."""
    with _backend(database_url) as backend:
        migrations = _migrations(root)
        with backend.lock():
            todo = backend.to_rollback(migrations)
            if count is not None:
                todo = todo[:count]
            backend.rollback_migrations(todo)
            return [m.id for m in todo]


def file_digest(root: Path | None = None) -> str:
    """A digest of sql/ (used by tests to cache the migrated template)."""
    h = hashlib.sha256()
    base = root or sql_dir()
    for p in sorted(base.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(base)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()
