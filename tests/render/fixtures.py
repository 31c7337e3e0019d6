"""Rows for the renderer tests: plain dicts shaped like the SQL API's rows, and small images."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from PIL import Image

UTC = dt.timezone.utc
SSR, SR, R, UR = (255, 196, 0), (170, 90, 255), (70, 150, 255), (255, 70, 110)
BG = (24, 24, 32)

# strings that have broken renderers elsewhere: none of them may raise here
NASTY = ["", None, "A" * 300, "\x00\x1b", "🔥🔥🔥", "مرحبا", "フリーレン", "李白", "김민지",
         "Zoë Löwe", "Ольга", "Kurumi 🔥", "\u202eevil\u202c", "e\u0301\u0302\u0303" * 60,
         "\ud800 lone surrogate", "line\nbreak\ttab", "\u200d\ufeff", " " * 50, 12345,
         "W" * 5000, "👩‍👩‍👧‍👦🏳️‍🌈", "\U0010ffff"]


def png(colour: tuple[int, ...] = (255, 0, 0), size: tuple[int, int] = (200, 300),
        mode: str = "RGB", fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, colour).save(buf, fmt)
    return buf.getvalue()


def pulled(i: int = 0, **kw: Any) -> dict:
    row = {"position": i + 1, "anilist_id": 100 + i, "name": f"Unit {i}", "rarity": "R",
           "is_rate_up": False, "outcome": "new", "dupe_level": 0, "gems_refund": 0,
           "coins_refund": 0, "series": "Some Series", "image_url": None,
           "inventory_id": 1000 + i, "is_pity": False}
    row.update(kw)
    return row


def owned(i: int = 0, **kw: Any) -> dict:
    row = {"inventory_id": 2000 + i, "anilist_id": 100 + i, "name": f"Unit {i}",
           "series": "Some Series", "rarity": "SR", "dupe_level": i % 11,
           "bond_level": 1 + i % 50, "is_locked": i % 2 == 0, "power": 12345 + i,
           "obtained_at": dt.datetime(2025, 5, 1, 12, tzinfo=UTC), "image_url": None,
           "in_team": i % 3 == 0, "on_expedition": i % 4 == 1}
    row.update(kw)
    return row


def member(slot: int, **kw: Any) -> dict:
    row = {"slot": slot, "inventory_id": 3000 + slot, "anilist_id": 100 + slot,
           "name": f"Member {slot}", "rarity": "SR", "power": 50000 + slot, "image_url": None,
           "skills": ["Zoltraak", "Flight"]}
    row.update(kw)
    return row


def banner_row(**kw: Any) -> dict:
    row = {"id": 3, "name": "Journey's End", "rate_up_chance": Decimal("0.5"),
           "spark_cost": 300, "starts_at": dt.datetime(2025, 6, 1, tzinfo=UTC),
           "ends_at": dt.datetime(2025, 6, 30, 18, tzinfo=UTC), "is_active": True}
    row.update(kw)
    return row


def featured(i: int, **kw: Any) -> dict:
    row = {"anilist_id": 100 + i, "name": f"Star {i}", "rarity": "SSR", "image_url": None}
    row.update(kw)
    return row


def profile_row(**kw: Any) -> dict:
    row = {"user_id": 123456789012345678, "display_name": "Himmel", "gems": 12345,
           "coins": 6789, "pity_counter": 47, "banner_points": 180, "team_level": 12,
           "team_xp": 3456, "bounty_keys": 2, "team_power": 456789,
           "collection": {"SSR": 3, "SR": 10, "R": 40}, "units": 53, "favourite": None,
           "next_level_xp": 65000, "checkin_streak": 5, "achievements": 3,
           "achievements_total": 15}
    row.update(kw)
    return row


def bounty(slot: int, tier: str, **kw: Any) -> dict:
    row = {"slot": slot, "tier": tier, "enemy_power": 10000 * slot,
           "expires_at": dt.datetime(2025, 6, 8, tzinfo=UTC), "cleared": False}
    row.update(kw)
    return row


def battle_row(**kw: Any) -> dict:
    row = {"outcome": "WIN", "team_power": 400000, "enemy_power": 250000, "gems": 120,
           "coins": 5000, "items": {"Bond Scroll": 2}, "keys_left": 2}
    row.update(kw)
    return row


SHOP_RARITIES = ("SSR", "SSR", "SR", "SR", "SR", "R", "R", "R", "R", "R")
SHOP_PRICES = {"SSR": 100000, "SR": 20000, "R": 1000}


def shop_slot(slot: int, **kw: Any) -> dict:
    rarity = SHOP_RARITIES[(slot - 1) % 10]
    row = {"slot": slot, "anilist_id": 500 + slot, "name": f"Shop Unit {slot}",
           "series": "Some Series", "rarity": rarity, "image_url": None,
           "price": SHOP_PRICES[rarity], "full_price": SHOP_PRICES[rarity], "bought": False,
           "owned_dupe_level": None, "maxed": False}
    row.update(kw)
    return row


def raid_row(**kw: Any) -> dict:
    row = {"raid_id": 7, "name": "The Onyx Moon", "boss_hp": 5_000_000, "hp": 3_000_000,
           "starts_at": dt.datetime(2025, 6, 7, 12, tzinfo=UTC),
           "ends_at": dt.datetime(2025, 6, 10, 15, tzinfo=UTC), "ended_at": None,
           "killed_by": None, "attackers": 12, "attacks": 31, "end_due": False,
           "your_damage": 456789, "tickets_left": 2}
    row.update(kw)
    return row


class Row(Mapping):
    """A read-only mapping that is not a dict, like an asyncpg Record."""

    def __init__(self, data: dict):
        self._d = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)


def open_png(data: bytes) -> Image.Image:
    assert isinstance(data, bytes)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    Image.open(io.BytesIO(data)).verify()          # checksums and structure
    im = Image.open(io.BytesIO(data))
    im.load()
    assert im.mode == "RGB"
    return im


def share(im: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, int, int],
          tol: int = 0) -> float:
    """Fraction of the pixels in box within tol of colour."""
    px = im.crop(box).get_flattened_data() if hasattr(im, "get_flattened_data") \
        else im.crop(box).getdata()
    px = list(px)
    hit = sum(1 for p in px if all(abs(a - b) <= tol for a, b in zip(p, colour)))
    return hit / len(px)


def mean(im: Image.Image) -> tuple[int, int, int]:
    """The average colour of an image."""
    return im.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def bright(im: Image.Image, box: tuple[int, int, int, int], level: int = 150) -> int:
    """Pixels in box brighter (luminance) than level: drawn text on a dark panel."""
    g = im.crop(box).convert("L")
    return sum(1 for v in g.tobytes() if v > level)


def visible(value: Any) -> bool:
    """Whether a value is text a card must show (a letter, digit or symbol in it), as opposed
    to nothing, blanks, or control and format characters only."""
    return isinstance(value, str) and any(unicodedata.category(ch)[0] in "LNS" for ch in value)


def assert_drawn(make, value: Any, size: tuple[int, int]) -> Image.Image:
    """A card made with a nasty value (make(value) -> PNG bytes): the right size, really
    drawn (not an empty canvas), and, when the value is visible text, not the card made with
    an empty value instead: the text was drawn, not dropped."""
    im = open_png(make(value))
    assert im.size == size
    colours = im.getcolors(4096)
    assert colours is None or len(colours) > 8, "an empty canvas"
    if visible(value):
        assert im.tobytes() != open_png(make("")).tobytes(), f"{value!r} left no trace"
    return im
