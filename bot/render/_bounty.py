"""bounty_board: a guild's three bounties, one panel each, coloured by tier."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PIL import Image, ImageDraw

from ._common import (BG, DIM, GREEN, MUTED, TEXT, WHITE, as_bool, as_int, field, fit_text,
                      fmt_datetime, fmt_int, font, mix, paste_rounded, rarity_colour, rarity_key,
                      rarity_stars, text, text_width, to_png, vgradient)

SLOTS = 3
BOUNTY_SIZE = (900, 400)
HEADER = 84
GAP = 24
PANEL_W = (BOUNTY_SIZE[0] - (SLOTS + 1) * GAP) // SLOTS      # 268
PANEL_H = BOUNTY_SIZE[1] - HEADER - GAP                       # 292
FRAME, RADIUS = 4, 16


def panel_origin(slot: int) -> tuple[int, int]:
    """Top-left corner of slot 1..3's panel."""
    return GAP + (slot - 1) * (PANEL_W + GAP), HEADER


def _stamp(label: str, colour: tuple[int, int, int]) -> Image.Image:
    """A rotated rubber-stamp label on a transparent tile."""
    f = font(30, "bold")
    w = int(text_width(label, f)) + 36
    tile = Image.new("RGBA", (w, 56), (0, 0, 0, 0))
    d = ImageDraw.Draw(tile)
    d.rounded_rectangle((2, 2, w - 3, 53), radius=10, outline=colour + (255,), width=4,
                        fill=(0, 0, 0, 120))
    text(d, (w / 2, 28), label, f, fill=colour + (255,), anchor="mm")
    return tile.rotate(14, resample=Image.Resampling.BICUBIC, expand=True)


def _panel(img: Image.Image, draw: Any, x: int, y: int, slot: int, row: Any) -> None:
    tier = rarity_key(field(row, "tier"))
    colour = rarity_colour(tier)
    grad = vgradient((PANEL_W, PANEL_H), mix(colour, BG, 0.45), mix(colour, BG, 0.85))
    paste_rounded(img, grad, (x, y), RADIUS)
    draw.rounded_rectangle((x, y, x + PANEL_W - 1, y + PANEL_H - 1), radius=RADIUS,
                           outline=colour, width=FRAME)
    cx = x + PANEL_W / 2
    text(draw, (cx, y + 26), f"BOUNTY {slot}", font(14, "bold"), fill=mix(WHITE, colour, 0.3),
         anchor="mm")
    label, tf = fit_text(tier or "?", PANEL_W - 40, (72, 56, 40), "bold")
    text(draw, (cx, y + 86), label, tf, fill=WHITE, anchor="mm", shadow=True)
    stars = rarity_stars(tier)
    if stars:
        text(draw, (cx, y + 136), "★" * stars, font(22, "regular"), fill=(255, 255, 255, 210),
             anchor="mm")
    text(draw, (cx, y + 172), "ENEMY POWER", font(13, "bold"), fill=MUTED, anchor="mm")
    power, pf = fit_text(f"⚔ {fmt_int(field(row, 'enemy_power'))}", PANEL_W - 30,
                         (30, 26, 22), "bold")
    text(draw, (cx, y + 202), power, pf, fill=TEXT, anchor="mm")
    exp = field(row, "expires_at")
    if exp is not None:
        text(draw, (cx, y + PANEL_H - 28), f"expires {fmt_datetime(exp)}", font(13, "regular"),
             fill=MUTED, anchor="mm")
    if as_bool(field(row, "cleared")):
        draw.rounded_rectangle((x, y, x + PANEL_W - 1, y + PANEL_H - 1), radius=RADIUS,
                               fill=(10, 10, 16, 150))
        draw.rounded_rectangle((x, y, x + PANEL_W - 1, y + PANEL_H - 1), radius=RADIUS,
                               outline=colour, width=FRAME)
        stamp = _stamp("✓ CLEARED", GREEN)
        img.paste(stamp, (int(cx - stamp.width / 2), int(y + PANEL_H / 2 - stamp.height / 2)),
                  stamp)


def _empty(draw: Any, x: int, y: int, slot: int) -> None:
    draw.rounded_rectangle((x, y, x + PANEL_W - 1, y + PANEL_H - 1), radius=RADIUS,
                           fill=(255, 255, 255, 6), outline=(255, 255, 255, 40), width=FRAME)
    cx = x + PANEL_W / 2
    text(draw, (cx, y + 26), f"BOUNTY {slot}", font(14, "bold"), fill=DIM, anchor="mm")
    text(draw, (cx, y + PANEL_H / 2), "no bounty", font(20, "regular"), fill=DIM, anchor="mm")


def bounty_board(rows: Sequence[Any], *, guild_name: str | None, expires_at: Any) -> bytes:
    """PNG (900 x 400) of a bounty board: three panels (slots 1..3) coloured by tier (UR,
    SSR, SR, R) with the enemy's power and expiry; cleared bounties dimmed and stamped,
    missing slots drawn empty. Header: 'BOUNTY BOARD', the guild's name, the reset time."""
    by_slot: dict[int, Any] = {}
    for row in rows or []:
        slot = as_int(field(row, "slot"))
        if slot is not None and 1 <= slot <= SLOTS and slot not in by_slot:
            by_slot[slot] = row
    img = Image.new("RGB", BOUNTY_SIZE, BG)
    img.paste(vgradient((BOUNTY_SIZE[0], HEADER), (50, 36, 44), BG), (0, 0))
    draw = ImageDraw.Draw(img, "RGBA")
    text(draw, (GAP, 20), "BOUNTY BOARD", font(30, "bold"), fill=TEXT)
    guild, gf = fit_text(guild_name or "", 520, (17, 15), "regular")
    text(draw, (GAP, 56), guild, gf, fill=MUTED)
    if expires_at is not None:
        right = BOUNTY_SIZE[0] - GAP
        text(draw, (right, 24), "RESETS", font(13, "bold"), fill=MUTED, anchor="ra")
        text(draw, (right, 44), fmt_datetime(expires_at), font(18, "bold"), fill=TEXT,
             anchor="ra")
    for slot in range(1, SLOTS + 1):
        x, y = panel_origin(slot)
        if slot in by_slot:
            _panel(img, draw, x, y, slot, by_slot[slot])
        else:
            _empty(draw, x, y, slot)
    return to_png(img)
