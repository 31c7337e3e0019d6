"""`stardust demo`: migrate, load the demo catalogue when the catalogue is empty, show a
player. (Grows into the scripted session of the demo issue.)"""

from __future__ import annotations

import asyncio
import json
from importlib import resources

import asyncpg

from bot import config, migrate


def demo_characters() -> list[dict]:
    text = resources.files("bot.data").joinpath("demo_characters.json").read_text("utf-8")
    return json.loads(text)["characters"]


async def _session(url: str, user_id: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        count = await conn.fetchval("select count(*) from stardust.characters")
        if count == 0:
            written = await conn.fetchval("select stardust.upsert_characters($1::jsonb)",
                                          json.dumps(demo_characters()))
            print(f"catalogue was empty: loaded {written} demo characters")
        else:
            print(f"catalogue: {count} characters")
        rows = await conn.fetch(
            "select rarity, count(*) as n, min(true_power) as lo, max(true_power) as hi"
            "  from stardust.characters group by rarity order by min(true_power) desc")
        for r in rows:
            print(f"  {r['rarity']:>3}: {r['n']:4d} characters, power {r['lo']}-{r['hi']}")
        user = await conn.fetchrow("select * from stardust.get_user(p_user_id => $1)", user_id)
        print(f"player {user['user_id']}: {user['gems']} gems, {user['coins']} coins, "
              f"pity {user['pity_counter']}, keys {user['bounty_keys']}")
    finally:
        await conn.close()


def main(args) -> int:
    url = config.database_url()
    report = migrate.migrate(url)
    for line in report.lines(checking=False):
        print(line)
    asyncio.run(_session(url, args.user))
    return 0
