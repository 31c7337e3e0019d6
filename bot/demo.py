"""`stardust demo`: migrate, load the demo catalogue if the catalogue is empty, open a demo
banner if none is running, then play a scripted session as a new demo player through the
console (the bot's own handlers), printing the transcript and saving every image."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from importlib import resources
from pathlib import Path

from bot import config, migrate
from bot.art import ArtCache
from bot.console import CONSOLE_GUILD, Console
from bot.db import Database

DEMO_BANNER = "Demo Festival"
DEMO_PLAYER = "Demo Player 🌸"     # a display name as players write them: emoji too


def demo_characters() -> list[dict]:
    text = resources.files("bot.data").joinpath("demo_characters.json").read_text("utf-8")
    return json.loads(text)["characters"]


async def prepare(db: Database) -> None:
    async with db.pool.acquire() as conn:
        count = await conn.fetchval("select count(*) from stardust.characters")
        if count == 0:
            written = await conn.fetchval("select stardust.upsert_characters($1::jsonb)",
                                          demo_characters())
            print(f"The catalogue was empty: loaded {written} demo characters "
                  "(stardust import-characters loads the real one).")
        else:
            print(f"Catalogue: {count} characters.")
        running = await conn.fetchval(
            "select count(*) from stardust.list_banners() where is_active")
        if not running:
            featured = await conn.fetch(
                "select anilist_id from stardust.characters where rarity in ('SSR', 'SR')"
                " order by rank limit 2")
            if featured:
                await conn.fetchrow(
                    "select * from stardust.create_banner(p_name => $1, p_rate_up_ids => $2,"
                    " p_ends_at => stardust._now() + interval '14 days')", DEMO_BANNER,
                    [r[0] for r in featured])
                print(f"Opened the banner {DEMO_BANNER!r} (an admin's create_banner).")


async def play(console: Console, db: Database) -> None:
    uid = console.user_id
    banner = await db.list_banners()
    banner_id = banner[0]["id"] if banner else None

    async def step(title: str, line: str) -> None:
        console.say(f"\n--- {title}\n> {line}")
        await console.run(line)

    console.say(f"\n=== Demo session as player {uid} ===")
    await step("A new player claims the starter pack", "/starter")
    await step("An admin tops up the demo player's gems",
               f"/admin grant user:{uid} gems:40000 reason:demo")
    await step("A 10-pull on the standard pool", "/pull count:10")
    if banner_id:
        await step("The running banners", "/banner")
        await step("What the banner's rates really are", f"/rates banner:{banner_id}")
        await step("A 10-pull on the banner (spark points)", f"/pull count:10 banner:{banner_id}")
    await step("One more 10-pull", "/pull count:10")
    await step("The collection, strongest first", "/inventory sort:power")
    console.say("> /press Next")
    await console.press("Next")
    best = await db.inventory(uid, "power", None, 5, 0)
    if best:
        await step("Lock the best unit so no scrap can take it",
                   f"/lock unit:{best[0]['inventory_id']}")
        await step("A close look at it", f"/view unit:{best[0]['inventory_id']}")
        slots = " ".join(f"unit{i + 1}:{u['inventory_id']}" for i, u in enumerate(best))
        await step("Put the five strongest units in the team", f"/team set {slots}")
    console.confirm = lambda prompt: (console.say(f"{prompt}y") or True)
    await step("Scrap every R unit not locked or in the team (preview, then confirm)",
               "/scrap mass rarity:R")
    await step("The profile after all that", "/profile")
    await step("The pull history (auditable)", "/history")
    await step("The server's bounty board (a new one every hour)", "/bounty board")
    board = await db.bounty_board(CONSOLE_GUILD, uid)
    easiest = min(board, key=lambda b: b["enemy_power"])["slot"] if board else 1
    await step("The team fights the weakest bounty (a key each)",
               f"/bounty fight slot:{easiest}")
    await step("An easy NPC battle: a daily task", "/battle npc difficulty:easy")
    await step("The daily check-in (gems and a streak)", "/checkin")
    await step("Today's battle tasks", "/tasks view")
    await step("Claim every task done today", "/tasks claim")
    # the mass scrap left little outside the team: pull again, and send the strongest units
    # that are not in the team (the five best are) on an expedition
    await step("A fresh 10-pull: units to send away while the team stays home",
               "/pull count:10")
    away = [u for u in await db.inventory(uid, "power", None, 10, 0) if not u["in_team"]][:3]
    if away:
        slots = " ".join(f"unit{i + 1}:{u['inventory_id']}" for i, u in enumerate(away))
        await step("Send units that are not in the team on an expedition",
                   f"/expedition start {slots}")
        await step("What the expedition is earning", "/expedition status")
    await step("Today's daily shop, at this player's prices", "/shop daily")
    await step("Achievements unlocked along the way", "/achievements")


async def run_demo(url: str, user_id: int, out_dir: Path) -> None:
    db = await Database.connect(url, max_size=2)
    art = ArtCache(offline=True)            # the demo runs offline: placeholders for art
    try:
        await prepare(db)
        console = Console(db=db, user_id=user_id, out_dir=out_dir, art=art,
                          display_name=DEMO_PLAYER)
        await play(console, db)
        images = sorted(out_dir.glob("*.png"))
        console.say(f"\n{len(images)} images written to {out_dir.resolve()}/")
    finally:
        await art.close()
        await db.close()


def main(args, url: str | None = None) -> int:
    started = time.monotonic()
    url = url or config.database_url()
    report = migrate.migrate(url)
    for line in report.lines(checking=False, verbose=getattr(args, "verbose", False)):
        print(line)
    user_id = args.user or 7_000_000_000 + int(time.time())   # a new demo player each run
    asyncio.run(run_demo(url, user_id, Path(args.out)))
    print(f"demo finished in {time.monotonic() - started:.1f} s", file=sys.stderr)
    if not os.environ.get("DATABASE_URL", "").strip():
        from bot.pgcluster import default_datadir

        print(f"The embedded database is still running (its data is in {default_datadir()}):"
              " play on with `stardust console`, stop it with `stardust db stop`, delete it"
              " with `stardust db destroy`.")
    return 0
