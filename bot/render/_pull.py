"""pull_result: one big card for a single pull, a 5 x 2 grid for a multi-pull."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image, ImageDraw

from ._common import (ArtJob, GREEN, MUTED, ORANGE, PANEL, PINK, TEXT, as_bool, as_int, clean_text,
                      field, fit_text, font, load_art, load_arts, new_canvas, paste_rounded, pill,
                      rarity_colour, rarity_key, rarity_label, text, to_png)

# grid: 5 columns x 2 rows of CARD_W x CARD_H cards, GAP apart and from the edges
CARD_W, CARD_H, GAP = 160, 240, 12
COLS, ROWS = 5, 2
GRID_SIZE = (COLS * CARD_W + (COLS + 1) * GAP, ROWS * CARD_H + (ROWS + 1) * GAP)  # 872 x 516
# a single pull: one card at scale 2, MARGIN from the edges
SINGLE_SCALE, MARGIN = 2, 20
SINGLE_SIZE = (CARD_W * SINGLE_SCALE + 2 * MARGIN, CARD_H * SINGLE_SCALE + 2 * MARGIN)  # 360 x 520
EMPTY_SIZE = (480, 160)
MAX_UNITS = COLS * ROWS

FRAME = 3          # frame width at scale 1
RADIUS = 10
ART_H = 170        # art height at scale 1 (inside the frame)


def card_origin(index: int) -> tuple[int, int]:
    """Top-left corner of grid cell `index` (0-based, row-major)."""
    col, row = index % COLS, index // COLS
    return GAP + col * (CARD_W + GAP), GAP + row * (CARD_H + GAP)


def art_box(x: int, y: int, s: int = 1) -> tuple[int, int, int, int]:
    """The art rectangle of a card whose top-left is (x, y), at scale s."""
    f = FRAME * s
    return x + f, y + f, x + CARD_W * s - f, y + f + ART_H * s


def _outcome_badge(draw: ImageDraw.ImageDraw, unit: Any, right: int, top: int, s: int) -> None:
    outcome = clean_text(field(unit, "outcome"), 16).lower()
    f = font(11 * s, "bold")
    if outcome == "new":
        pill(draw, (right, top), "NEW", f, GREEN + (255,), align="right", pad_x=6 * s)
    elif outcome == "dupe":
        lvl = as_int(field(unit, "dupe_level"), 0)
        pill(draw, (right, top), f"+{lvl}", f, (60, 200, 230, 255), align="right", pad_x=6 * s)
    elif outcome == "scrapped":
        pill(draw, (right, top), "SCRAPPED", f, (120, 120, 135, 255), align="right", pad_x=5 * s)


def _refund_lines(unit: Any) -> list[str]:
    out = []
    gems = as_int(field(unit, "gems_refund"), 0) or 0
    coins = as_int(field(unit, "coins_refund"), 0) or 0
    if gems:
        out.append(f"+{gems:,} gems")
    if coins:
        out.append(f"+{coins:,} coins")
    return out


def _art_job(unit: Any, s: int) -> ArtJob:
    x0, y0, x1, y1 = art_box(0, 0, s)
    return (field(unit, "image_url"), (x1 - x0, y1 - y0), field(unit, "name"),
            field(unit, "rarity"))


def draw_card(img: Image.Image, draw: ImageDraw.ImageDraw, x: int, y: int, unit: Any,
              art: Mapping[str, bytes], s: int = 1, pic: Image.Image | None = None) -> None:
    """One pulled unit as a card at (x, y), CARD_W*s x CARD_H*s (its art already loaded as
    pic, or loaded here)."""
    w, h = CARD_W * s, CARD_H * s
    name = clean_text(field(unit, "name"))
    rarity = rarity_key(field(unit, "rarity"))
    colour = rarity_colour(rarity)
    scrapped = clean_text(field(unit, "outcome"), 16).lower() == "scrapped"

    ax0, ay0, ax1, ay1 = art_box(x, y, s)
    draw.rounded_rectangle((x, ay1, x + w - 1, y + h - 1), radius=RADIUS * s, fill=PANEL,
                           corners=(False, False, True, True))
    if pic is None:
        pic = load_art(art, *_art_job(unit, s))
    paste_rounded(img, pic, (ax0, ay0), (RADIUS - FRAME) * s, (True, True, False, False),
                  frame=FRAME * s)
    if scrapped:
        draw.rectangle((ax0, ay0, ax1 - 1, ay1 - 1), fill=(10, 10, 16, 150))
        lines = _refund_lines(unit)
        rf = font(14 * s, "bold")
        cy = (ay0 + ay1) / 2 - (len(lines) - 1) * 10 * s
        for i, line in enumerate(lines):
            text(draw, ((ax0 + ax1) / 2, cy + i * 20 * s), line, rf, fill=TEXT, anchor="mm",
                 shadow=True)
    # rarity frame, with a thin light line inside it for SSR
    draw.rounded_rectangle((x, y, x + w - 1, y + h - 1), radius=RADIUS * s, outline=colour,
                           width=FRAME * s)
    draw.line((ax0, ay1, ax1 - 1, ay1), fill=colour, width=2 * s)
    if rarity == "SSR":
        draw.rounded_rectangle((x + FRAME * s, y + FRAME * s, x + w - 1 - FRAME * s,
                                y + h - 1 - FRAME * s), radius=(RADIUS - FRAME) * s,
                               outline=(255, 236, 160, 150), width=1)
    # badges on the art
    pad = 5 * s
    _outcome_badge(draw, unit, ax1 - pad, ay0 + pad, s)
    mf = font(10 * s, "bold")
    mx = ax0 + pad
    my = ay1 - 21 * s
    if as_bool(field(unit, "is_rate_up")):
        box = pill(draw, (mx, my), "RATE UP", mf, PINK + (255,), pad_x=5 * s)
        mx = box[2] + 4 * s
    if as_bool(field(unit, "is_pity")):
        pill(draw, (mx, my), "PITY", mf, ORANGE + (255,), pad_x=5 * s)
    # name, series, rarity stars
    tx, tw = x + 8 * s, w - 16 * s
    ty = ay1 + 6 * s
    label, nf = fit_text(name or "???", tw, [v * s for v in (16, 15, 14, 12)], "cond")
    text(draw, (tx, ty), label, nf, fill=TEXT)
    series, sf = fit_text(field(unit, "series") or "", tw, [11 * s], "regular")
    text(draw, (tx, ty + 21 * s), series, sf, fill=MUTED)
    text(draw, (tx, y + h - 9 * s), rarity_label(rarity), font(12 * s, "bold"), fill=colour,
         anchor="ls")


def _empty_cell(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    draw.rounded_rectangle((x, y, x + CARD_W - 1, y + CARD_H - 1), radius=RADIUS,
                           fill=(255, 255, 255, 6), outline=(255, 255, 255, 22), width=2)


def _position(unit: Any) -> int:
    p = as_int(field(unit, "position"))
    return p if p is not None else 1 << 30


def pull_result(units: Sequence[Mapping[str, Any]], art: Mapping[str, bytes]) -> bytes:
    """PNG of a pull: one unit -> a single large card (448 x 648); 2..10 units -> a 5 x 2 grid
    (1120 x 660) in `position` order; more than 10 -> the first 10. No units -> a small
    'Nothing was pulled' image (560 x 180)."""
    units = sorted(list(units or []), key=_position)[:MAX_UNITS]
    if not units:
        img, draw = new_canvas(EMPTY_SIZE)
        text(draw, (EMPTY_SIZE[0] / 2, EMPTY_SIZE[1] / 2), "Nothing was pulled",
             font(30, "bold"), fill=MUTED, anchor="mm")
        return to_png(img)
    if len(units) == 1:
        img, draw = new_canvas(SINGLE_SIZE)
        draw_card(img, draw, MARGIN, MARGIN, units[0], art, SINGLE_SCALE)
        return to_png(img)
    img, draw = new_canvas(GRID_SIZE)
    pics = load_arts(art, [_art_job(u, 1) for u in units])
    for i in range(MAX_UNITS):
        x, y = card_origin(i)
        if i < len(units):
            draw_card(img, draw, x, y, units[i], art, pic=pics[i])
        else:
            _empty_cell(draw, x, y)
    return to_png(img)
