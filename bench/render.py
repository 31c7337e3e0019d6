"""Renderer benchmark: every image from fixture rows, N times each, median and p95 ms.

    .venv/bin/python bench/render.py [--runs 50] [--samples /tmp/render-samples]

The fixture art is synthetic JPEG portraits of 460 x 650 (the size of AniList's large
character images), encoded once up front, so each render includes decoding its art, as it
will in the bot. Every unit of the 10-pull has art; the target for it is a median of at
most 30 ms on the 2-core machine. With --samples the images are also written as PNGs.
Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import render  # noqa: E402

TARGET_PULL10_MS = 30.0
UTC = dt.timezone.utc
NAMES = ["Frieren", "Lelouch Lamperouge", "フリーレン", "Ольга Ковалёва", "김민지", "Zoë Löwe",
         "Kurumi Tokisaki 🔥", "李白", "Makima", "Violet Evergarden", "Himmel", "Fern"]
SERIES = ["Sousou no Frieren", "Code Geass: Hangyaku no Lelouch", None, "Chainsaw Man"]
# every name and series in Japanese, Chinese or Korean, some with emoji: the fallback fonts
CJK_NAMES = ["竈門 禰豆子", "ヴァイオレット・エヴァーガーデン", "魏无羡", "성진우 ✨", "フリーレン 🌸",
             "蓝忘机", "김민지", "鬼舞辻 無惨", "李白 🇯🇵", "胡桃"]
CJK_SERIES = ["鬼滅の刃", "魔道祖师", "나 혼자만 레벨업", "葬送のフリーレン"]
RARITIES = ["SSR", "SR", "R", "R", "SR", "R", "SSR", "R", "R", "SR", "R", "R"]


def portrait(seed: int, size: tuple[int, int] = (460, 650)) -> bytes:
    """A blurred, colourful stand-in for character art, as JPEG bytes."""
    rnd = random.Random(seed)
    w, h = size
    im = Image.new("RGB", size, tuple(rnd.randrange(40, 200) for _ in range(3)))
    d = ImageDraw.Draw(im)
    for _ in range(14):
        x, y, r = rnd.randrange(w), rnd.randrange(h), rnd.randrange(30, 200)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in range(3)))
    d.ellipse((w * 0.3, h * 0.12, w * 0.7, h * 0.42), fill=(250, 222, 205))
    im = im.filter(ImageFilter.GaussianBlur(2))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def fixtures() -> dict[str, tuple]:
    art = {f"https://img.example/{i}.jpg": portrait(i) for i in range(12)}
    url = lambda i: f"https://img.example/{i % 12}.jpg"  # noqa: E731
    outcomes = ["new", "dupe", "new", "scrapped", "dupe", "new", "new", "dupe", "scrapped", "new"]
    pulled = [{
        "position": i + 1, "anilist_id": 100 + i, "name": NAMES[i], "rarity": RARITIES[i],
        "is_rate_up": i == 0, "outcome": outcomes[i], "dupe_level": i % 11,
        "gems_refund": 40 if outcomes[i] == "scrapped" else 0,
        "coins_refund": 150 if i == 8 else 0, "series": SERIES[i % 4], "image_url": url(i),
        "inventory_id": 5000 + i, "is_pity": i == 6,
    } for i in range(10)]
    pulled_cjk = [dict(p, name=CJK_NAMES[i], series=CJK_SERIES[i % 4])
                  for i, p in enumerate(pulled)]
    owned = [{
        "inventory_id": 7000 + i, "anilist_id": 100 + i, "name": NAMES[i % 12],
        "series": SERIES[i % 4], "rarity": RARITIES[i % 12], "dupe_level": i % 11,
        "bond_level": 1 + (i * 7) % 50, "is_locked": i % 3 == 0, "power": 9000 + 1731 * i,
        "obtained_at": dt.datetime(2025, 5, 1 + i % 28, 12, tzinfo=UTC),
        "image_url": url(i), "in_team": i < 5, "on_expedition": i % 7 == 3,
    } for i in range(25)]
    skills = [["Zoltraak", "Judradjim"], [], ["Absolute Obedience"], ["Flight", "Analysis"],
              ["Chainsaw"]]
    team = [dict(slot=i + 1, inventory_id=o["inventory_id"], anilist_id=o["anilist_id"],
                 name=o["name"], rarity=o["rarity"], power=o["power"], image_url=o["image_url"],
                 skills=skills[i]) for i, o in enumerate(owned[:4])]
    banner = {"id": 3, "name": "Journey's End: Frieren", "rate_up_chance": Decimal("0.5"),
              "spark_cost": 300, "starts_at": dt.datetime(2025, 6, 1, tzinfo=UTC),
              "ends_at": dt.datetime(2025, 6, 30, 18, tzinfo=UTC), "is_active": True}
    featured = [dict(anilist_id=100 + i, name=NAMES[i], rarity=RARITIES[i], image_url=url(i))
                for i in (0, 1, 6)]
    profile = {"user_id": 123456789012345678, "display_name": "Himmel the Hero", "gems": 12345,
               "coins": 98765, "pity_counter": 47, "banner_points": 180, "team_level": 12,
               "team_xp": 34567, "bounty_keys": 2, "team_power": 456789,
               "collection": {"SSR": 3, "SR": 10, "R": 40}, "units": 53, "favourite": owned[0]}
    reset = dt.datetime(2025, 6, 8, tzinfo=UTC)
    bounties = [dict(slot=1, tier="R", enemy_power=20000, expires_at=reset, cleared=True),
                dict(slot=2, tier="SSR", enemy_power=250000, expires_at=reset, cleared=False),
                dict(slot=3, tier="UR", enemy_power=1500000, expires_at=reset, cleared=False)]
    battle = {"outcome": "WIN", "team_power": 456789, "enemy_power": 250000, "gems": 120,
              "coins": 5000, "items": {"Bond Scroll": 2, "Dupe Shard": 1}, "keys_left": 2,
              "units": [dict(name=t["name"], rarity=t["rarity"], power=t["power"]) for t in team],
              "skills": ["Zoltraak", "Judradjim", "Absolute Obedience"]}
    prices = {"SSR": 100000, "SR": 20000, "R": 1000}
    shop_rarities = ["SSR", "SSR", "SR", "SR", "SR", "R", "R", "R", "R", "R"]
    shop = [dict(slot=i + 1, anilist_id=300 + i, name=NAMES[i], series=SERIES[i % 4],
                 rarity=r, image_url=url(i), price=prices[r] * 3 // 4, full_price=prices[r],
                 bought=i == 5, owned_dupe_level=3 if i in (2, 7) else None, maxed=i == 7)
            for i, r in enumerate(shop_rarities)]
    raid = {"raid_id": 1, "name": "The Onyx Moon", "boss_hp": 5000000, "hp": 3123456,
            "starts_at": dt.datetime(2025, 6, 7, tzinfo=UTC), "ends_at": reset,
            "ended_at": None, "killed_by": None, "attackers": 12, "attacks": 31,
            "end_due": False, "your_damage": 456789, "tickets_left": 2}
    return {
        "pull_result 10": (render.pull_result, (pulled, art), {}),
        "pull_result 1": (render.pull_result, (pulled[:1], art), {}),
        "pull_result 10 cjk": (render.pull_result, (pulled_cjk, art), {}),
        "unit_card": (render.unit_card, (owned[0], art), {}),
        "inventory_page 10": (render.inventory_page, (owned[:10], art),
                              dict(page=1, pages=3, total=25)),
        "inventory_page 25": (render.inventory_page, (owned, art),
                              dict(page=1, pages=1, total=25)),
        "team_card": (render.team_card, (team, art), dict(total_power=123456)),
        "banner": (render.banner, (banner, featured, art), {}),
        "profile_card": (render.profile_card, (profile, art), {}),
        "bounty_board": (render.bounty_board, (bounties,),
                         dict(guild_name="Aura's Guild", expires_at=reset)),
        "battle_result": (render.battle_result, (battle,), {}),
        "daily_shop": (render.daily_shop, (shop, art), dict(title="prices for Himmel")),
        "raid_card": (render.raid_card, (raid,),
                      dict(now=dt.datetime(2025, 6, 7, 21, 30, tzinfo=UTC))),
    }


def measure(repeat: int = 50, samples: Path | None = None) -> list[tuple[str, float, float]]:
    """(label, median ms, p95 ms) for every renderer on the fixtures."""
    out = []
    for label, (fn, a, kw) in fixtures().items():
        png = fn(*a, **kw)                                    # warm up: fonts, caches
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn(*a, **kw)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        out.append((label, statistics.median(times), p95))
        if samples:
            samples.mkdir(parents=True, exist_ok=True)
            (samples / f"{label.replace(' ', '_')}.png").write_bytes(png)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--samples", type=Path, help="also write each image here as PNG")
    args = ap.parse_args()
    print(f"{'image':<20} {'median ms':>10} {'p95 ms':>8}")
    results = {}
    for label, med, p95 in measure(args.runs, args.samples):
        results[label] = med
        print(f"{label:<20} {med:10.1f} {p95:8.1f}")
    med = results["pull_result 10"]
    verdict = "within" if med <= TARGET_PULL10_MS else "OVER"
    print(f"\n10-pull grid: median {med:.1f} ms ({verdict} the {TARGET_PULL10_MS:.0f} ms target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
