"""A local PostgreSQL cluster run from the system's server binaries.

Used twice: as the embedded default database (`stardust` with no DATABASE_URL) and as the
throwaway server of the test suite. PostgreSQL refuses to run as root, so when we are root the
server binaries run as the `postgres` OS user (Debian's package creates it) and the data
directory belongs to that user. The server listens on a Unix socket inside its own data
directory only (no TCP port to collide with, no other local user can reach it); the superuser
is `postgres` with trust authentication on that private socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found.\n"
    "Install them, e.g. on Debian/Ubuntu:  sudo apt-get install postgresql\n"
    "or point STARDUST_PG_BINDIR at their directory, or set DATABASE_URL to an existing "
    "database (postgresql://user:password@host:5432/dbname)."
)


class PostgresNotFound(RuntimeError):
    """The server binaries are not installed."""


class ClusterError(RuntimeError):
    """initdb / pg_ctl failed; the message carries the tail of the server log."""


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path)) or (0,)


def find_bindir() -> Path:
    """Directory holding initdb/pg_ctl: $STARDUST_PG_BINDIR, `pg_config --bindir`, or the
    newest /usr/lib/postgresql/*/bin (Debian keeps them off PATH)."""
    candidates: list[str] = []
    if env := os.environ.get("STARDUST_PG_BINDIR"):
        candidates.append(env)
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout.strip()
            candidates.append(out)
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(str(Path(initdb).parent))
    for c in candidates:
        if c and all((Path(c) / b).is_file() for b in ("initdb", "pg_ctl", "postgres")):
            return Path(c)
    raise PostgresNotFound(INSTALL_HINT)


def server_user() -> str | None:
    """The OS user the server must run as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("STARDUST_PG_OS_USER", "postgres")
    try:
        pwd.getpwnam(name)
    except KeyError:
        raise ClusterError(
            f"Running as root, PostgreSQL must run as a non-root OS user, and user {name!r} "
            "does not exist. Install PostgreSQL from your distribution (it creates 'postgres') "
            "or set STARDUST_PG_OS_USER to an existing unprivileged user."
        ) from None
    return name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    datadir: Path
    port: int = 5432
    fast: bool = False          # tests: no fsync, no durability, throwaway
    bindir: Path = field(default_factory=find_bindir)
    os_user: str | None = field(default_factory=server_user)
    superuser: str = "postgres"

    def __post_init__(self) -> None:
        self.datadir = Path(self.datadir).absolute()

    # -- plumbing -------------------------------------------------------------------------
    @property
    def socket_dir(self) -> Path:
        return self.datadir

    @property
    def logfile(self) -> Path:
        return self.datadir / "server.log"

    def _run(self, args: list[str], check: bool = True, timeout: float = 120
             ) -> subprocess.CompletedProcess:
        kwargs: dict = {}
        if self.os_user:
            kwargs.update(user=self.os_user, group=pwd.getpwnam(self.os_user).pw_gid,
                          extra_groups=[])
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env,
                              cwd="/", **kwargs)
        if check and proc.returncode != 0:
            raise ClusterError(f"{Path(args[0]).name} failed ({proc.returncode}):\n"
                               f"{proc.stdout}{proc.stderr}{self.log_tail()}")
        return proc

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.logfile.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return "\n--- server log ---\n" + "\n".join(text)

    def _chown(self, path: Path) -> None:
        if self.os_user:
            pw = pwd.getpwnam(self.os_user)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    # -- lifecycle ------------------------------------------------------------------------
    def is_initialized(self) -> bool:
        return (self.datadir / "PG_VERSION").is_file()

    def init(self) -> None:
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        self.datadir.mkdir(mode=0o700, exist_ok=True)
        self._chown(self.datadir)
        args = [str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", self.superuser,
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]
        if self.fast:
            args.append("--no-sync")
        self._run(args)
        conf = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "port": str(self.port),
            "max_connections": "200",
            "logging_collector": "off",
        }
        if self.fast:
            conf.update(fsync="off", synchronous_commit="off", full_page_writes="off",
                        shared_buffers="'128MB'", max_wal_size="'1GB'")
        with open(self.datadir / "postgresql.conf", "a") as f:
            f.write("\n# stardust\n" + "".join(f"{k} = {v}\n" for k, v in conf.items()))

    def is_running(self) -> bool:
        proc = self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "status"],
                         check=False)
        return proc.returncode == 0

    def start(self) -> None:
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l",
                   str(self.logfile), "-w", "-t", "60", "start"])

    def stop(self, mode: str = "fast") -> None:
        if self.is_initialized() and self.is_running():
            self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", mode,
                       "-w", "stop"])

    def ensure_running(self) -> None:
        """Initialise and start the cluster if needed. Safe against a concurrent `stardust`
        doing the same (file lock next to the data directory)."""
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.datadir.parent / f".{self.datadir.name}.lock"
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.is_initialized():
                self.init()
            if not self.is_running():
                self.start()

    # -- connecting -----------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        return (f"postgresql://{self.superuser}@/{quote(dbname)}"
                f"?host={quote(str(self.socket_dir))}&port={self.port}")

    def connect_kwargs(self, dbname: str = "postgres") -> dict:
        return dict(user=self.superuser, host=str(self.socket_dir), port=self.port,
                    dbname=dbname)

    def ensure_database(self, dbname: str) -> None:
        import psycopg
        from psycopg import sql

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg.connect(**self.connect_kwargs("postgres"), autocommit=True)
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with conn:
            exists = conn.execute("select 1 from pg_database where datname = %s",
                                  (dbname,)).fetchone()
            if not exists:
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))


@contextlib.contextmanager
def throwaway(prefix: str = "stardust-", fast: bool = True) -> Iterator[Cluster]:
    """A started cluster in a fresh temporary directory, stopped and removed on exit (tests
    and benchmarks). The directory (`cluster.datadir.parent`) may hold other scratch files."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(base, 0o755)                      # the postgres OS user must traverse it
    cluster = Cluster(base / "data", port=free_port(), fast=fast)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.is_running():
            cluster.stop(mode="immediate")
        shutil.rmtree(base, ignore_errors=True)


def default_datadir() -> Path:
    """Per-user location of the embedded cluster. Root's home is not traversable by the
    `postgres` OS user, so root's cluster lives under /var/lib/stardust instead."""
    if env := os.environ.get("STARDUST_DATA_DIR"):
        return Path(env) / "pgdata"
    if os.geteuid() == 0:
        return Path("/var/lib/stardust/root/pgdata")
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "stardust" / "pgdata"


EMBEDDED_DBNAME = "stardust"


def embedded_url() -> str:
    """Start (or reuse) the embedded cluster and return the URL of its `stardust` database."""
    cluster = Cluster(default_datadir())
    cluster.ensure_running()
    cluster.ensure_database(EMBEDDED_DBNAME)
    return cluster.url(EMBEDDED_DBNAME)
