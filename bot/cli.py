"""`stardust` command line: migrate, the embedded database, the demo, the bot."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot import __version__


def _fail(message: str, code: int = 1) -> int:
    print(f"stardust: {message}", file=sys.stderr)
    return code


class CliError(Exception):
    """A problem the operator fixes: one line on stderr (with the fix), exit 2."""


URL_FIX = ("check DATABASE_URL (postgresql://user:password@host:5432/dbname), "
           "or unset it to use the embedded database")


def _embedded() -> bool:
    return not os.environ.get("DATABASE_URL", "").strip()


def database(needs_schema: bool = True, verbose: bool = False) -> str:
    """The database URL, checked before anything runs: a bad or unreachable DATABASE_URL is
    one line with the fix; an embedded database without the schema is migrated (as the demo
    does), any other database without it is refused with the command to run."""
    import psycopg

    from bot import config

    try:
        url = config.database_url()
    except ValueError as exc:
        raise CliError(f"{exc}: {URL_FIX}") from None
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            migrated = conn.execute("select to_regnamespace('stardust') is not null"
                                    ).fetchone()[0]
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise CliError(f"cannot connect to the database ({reason}): {URL_FIX}") from None
    if needs_schema and not migrated:
        if not _embedded():
            raise CliError("the database has no Stardust schema yet: run `stardust migrate` "
                           "first")
        from bot import migrate

        print("The embedded database was empty: migrating it first.")
        for line in migrate.migrate(url).lines(checking=False, verbose=verbose):
            print(line)
    return url


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot import migrate

    url = database(needs_schema=False)
    if args.check:
        report = migrate.check(url)
        for line in report.lines(checking=True):
            print(line)
        return 1 if report.drift else 0
    report = migrate.migrate(url)
    for line in report.lines(checking=False, verbose=args.verbose):
        print(line)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from bot import pgcluster

    if os.environ.get("DATABASE_URL") and args.action in ("url", "psql"):
        from bot.config import normalize_url

        url = normalize_url(os.environ["DATABASE_URL"])
    else:
        cluster = pgcluster.Cluster(pgcluster.default_datadir())
        if args.action == "stop":
            if not (cluster.is_initialized() and cluster.is_running()):
                print(f"the embedded database is not running (data in {cluster.datadir})")
                return 0
            cluster.stop()
            print("embedded database stopped")
            return 0
        if args.action == "status":
            if os.environ.get("DATABASE_URL"):
                print("DATABASE_URL is set: stardust uses that database, not the embedded one")
            if not cluster.is_initialized():
                print(f"the embedded database does not exist yet (it would live in "
                      f"{cluster.datadir}; `stardust db start` creates it)")
                return 3
            running = cluster.is_running()
            print(f"the embedded database lives in {cluster.datadir}")
            print("running: `stardust db stop` stops it" if running
                  else "not running: `stardust db start` starts it")
            return 0 if running else 3
        if args.action == "destroy":
            return _destroy(cluster, args.yes)
        url = pgcluster.embedded_url()
    if args.action == "url":
        print(url)
    elif args.action == "start":
        print(f"embedded database running: {url}")
    elif args.action == "psql":
        psql = shutil.which("psql")
        if not psql:
            return _fail("psql not found: apt-get install postgresql-client")
        return subprocess.call([psql, url])
    return 0


def _destroy(cluster, yes: bool) -> int:
    """Stop the embedded database and delete its data directory, after a confirmation."""
    base = cluster.datadir
    if not base.exists():
        print(f"nothing to destroy: there is no embedded database in {base}")
        return 0
    if not yes:
        if not sys.stdin.isatty():
            return _fail(f"this deletes every player's data in {base}; "
                         "run `stardust db destroy --yes` to confirm", 2)
        answer = input(f"Delete the embedded database in {base}, with every player's data? "
                       "This cannot be undone. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing was deleted")
            return 1
    if cluster.is_initialized() and cluster.is_running():
        cluster.stop(mode="immediate")
    shutil.rmtree(base)
    print(f"embedded database destroyed: {base} deleted")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot import demo

    return demo.main(args, database(needs_schema=False))


def cmd_console(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from bot.art import ArtCache
    from bot.console import Console, interact
    from bot.db import Database

    url = database()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # unexpected errors: the player reads one sentence, the details go here
    logging.basicConfig(filename=out / "console.log", level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def main() -> int:
        db = await Database.connect(url, max_size=2)
        art = ArtCache(offline=args.offline)
        try:
            console = Console(db=db, user_id=args.user, out_dir=Path(args.out), art=art,
                              display_name=args.name)
            return await interact(console)
        finally:
            await art.close()
            await db.close()

    return asyncio.run(main())


def cmd_import(args: argparse.Namespace) -> int:
    from bot import anilist

    args.database_url = database()
    return anilist.main(args)


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from bot import config
    from bot.art import ArtCache
    from bot.db import Database
    from bot.discord import Services
    from bot.discord.client import serve

    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = config.BotSettings()
    except config.ConfigError as exc:
        raise CliError(f"{exc} (see `stardust run --help`)") from None
    if not settings.token:
        return _fail("DISCORD_TOKEN is not set (see `stardust run --help`)")
    url = database()
    if settings.api_url:
        from interactions.api.http.route import Route

        Route.BASE = settings.api_url

    async def main() -> int:
        db = await Database.connect(url, statement_cache=settings.statement_cache,
                                    max_size=settings.pool_size)
        services = Services(db=db, art=ArtCache(), admin_ids=settings.admin_ids)
        return await serve(services, token=settings.token, dev_guild_id=settings.dev_guild_id,
                           health_host=settings.health_host, health_port=settings.health_port,
                           shard_count=settings.shard_count, shard_ids=settings.shard_ids,
                           shutdown_timeout=settings.shutdown_timeout)

    try:
        return asyncio.run(main())
    except config.ConfigError as exc:                     # a shard past Discord's count
        raise CliError(str(exc)) from None


def cmd_verify(args: argparse.Namespace) -> int:
    from bot import config, verify

    if args.url:
        try:
            url = config.normalize_url(args.url)
        except ValueError as exc:
            raise CliError(f"--url: {exc}") from None
    else:
        url = database()
    return verify.main(args.user, url)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="stardust",
        description="Stardust: an anime gacha game for Discord whose engine is PostgreSQL. "
                    "Uses DATABASE_URL, or an embedded local PostgreSQL when it is unset.")
    p.add_argument("--version", action="version", version=f"stardust {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    m = sub.add_parser("migrate", help="apply pending migrations and redeploy every function")
    m.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if a migration is pending or a deployed "
                        "function differs from its file")
    m.add_argument("-v", "--verbose", action="store_true",
                   help="list every new or changed function")
    m.set_defaults(func=cmd_migrate)

    d = sub.add_parser("db", help="the embedded database")
    d.add_argument("action", choices=["url", "start", "stop", "status", "psql", "destroy"],
                   help="destroy stops it and deletes its data (asks first)")
    d.add_argument("--yes", action="store_true", help="destroy without asking")
    d.set_defaults(func=cmd_db)

    from bot.config import BotSettings

    r = sub.add_parser("run", help="run the Discord bot",
                       description=BotSettings.__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="migrate, load the demo catalogue and play a session")
    demo.add_argument("--user", type=int, default=None,
                      help="demo player's user id (default: a new player each run)")
    demo.add_argument("--out", default="stardust-demo", help="where images are written")
    demo.add_argument("-v", "--verbose", action="store_true",
                      help="list every function the migration deployed")
    demo.set_defaults(func=cmd_demo)

    con = sub.add_parser("console", help="play the slash commands at a prompt, without Discord")
    con.add_argument("--user", type=int, default=1, help="the user id you play as")
    con.add_argument("--name", default="player", help="your display name")
    con.add_argument("--out", default="stardust-console", help="where images are written")
    con.add_argument("--offline", action="store_true", help="never fetch character art")
    con.set_defaults(func=cmd_console)

    ver = sub.add_parser("verify", help="recompute a player's pulls from the revealed seeds",
                         description="Provably fair pulls: recompute every unit the player "
                                     "drew with a revealed server seed (docs/FAIRNESS.md); "
                                     "prints a verdict per seed, exits 1 on any mismatch.")
    ver.add_argument("--user", type=int, required=True, help="the player's user id")
    ver.add_argument("--url", default=None,
                     help="database URL (default: DATABASE_URL or the embedded database);"
                          " the bot's login is enough")
    ver.set_defaults(func=cmd_verify)

    imp = sub.add_parser("import-characters", help="import the catalogue from AniList")
    imp.add_argument("--top", type=int, default=10000, help="how many characters (by favourites)")
    imp.add_argument("--from-file", type=Path, default=None,
                     help="import this JSON file instead (offline)")
    imp.add_argument("--restart", action="store_true", help="ignore a saved resume point")
    imp.add_argument("--state-file", type=Path, default=None,
                     help="where the resume point is kept")
    imp.set_defaults(func=cmd_import)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.migrate import DeployError
    from bot.pgcluster import ClusterError, PostgresNotFound

    try:
        return args.func(args)
    except CliError as exc:
        return _fail(str(exc), 2)
    except (PostgresNotFound, ClusterError) as exc:
        return _fail(str(exc))
    except DeployError as exc:
        return _fail(f"function deployment failed, nothing was changed:\n{exc}\n"
                     "A changed return type or parameter list needs a new migration that "
                     "drops the old function first (drop function if exists "
                     "stardust.name(old argument types)).")
    except KeyboardInterrupt:
        return 130
