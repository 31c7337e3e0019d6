"""unit_card (one owned unit) and inventory_page (a page of them)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from PIL import ImageDraw

from ._common import (BG, COIN, DIM, GREEN, MUTED, ORANGE, PANEL, TEXT, art_job, as_bool, as_int,
                      bar, clean_text, corner_gradient, field, fit_lines, fit_text, fmt_datetime, fmt_int,
                      font, framed_art, line_height, load_arts, mix, new_canvas, padlock, pill,
                      rarity_colour, rarity_key, rarity_label, text, text_width, to_png,
                      with_alpha)

LOCK_COLOUR = (150, 170, 200)
TEAM_COLOUR = GREEN
EXPEDITION_COLOUR = ORANGE
MAX_DUPE, MAX_BOND = 10, 50
SKILL_COLOUR = (150, 215, 255)
_SKILLS_W = 170                                # the skills' part of the power box

# --- unit_card -----------------------------------------------------------------------------------
UNIT_SIZE = (760, 440)
UNIT_ART = (24, 24, 24 + 288, 24 + 392)       # frame box of the art (x0, y0, x1, y1)
UNIT_FRAME = 5
_RX = 340                                      # left edge of the text column
_RW = UNIT_SIZE[0] - _RX - 28


def _markers(unit: Any, *, short: bool = False) -> list[tuple[str, tuple[int, int, int]]]:
    out = []
    if as_bool(field(unit, "is_locked")):
        out.append(("LOCKED", LOCK_COLOUR))
    if as_bool(field(unit, "in_team")):
        out.append(("TEAM" if short else "IN TEAM", TEAM_COLOUR))
    if as_bool(field(unit, "on_expedition")):
        out.append(("EXPED." if short else "ON EXPEDITION", EXPEDITION_COLOUR))
    return out


def _pips(draw: Any, x: int, y: int, n: int, total: int, colour: Any, r: int = 6,
          gap: int = 5) -> None:
    for i in range(total):
        cx = x + r + i * (2 * r + gap)
        if i < n:
            draw.ellipse((cx - r, y - r, cx + r, y + r), fill=colour)
        else:
            draw.ellipse((cx - r, y - r, cx + r, y + r), outline=(255, 255, 255, 60), width=2)


def unit_card(unit: Mapping[str, Any], art: Mapping[str, bytes]) -> bytes:
    """PNG (760 x 440) of one owned unit: art in its rarity frame, name, series, rarity,
    power and battle skills, dupe pips, bond bar, lock / team / expedition markers, id and
    date obtained."""
    rarity = rarity_key(field(unit, "rarity"))
    colour = rarity_colour(rarity)
    img = corner_gradient(UNIT_SIZE, mix(colour, BG, 0.78), mix(colour, BG, 0.9), BG, BG)
    draw = ImageDraw.Draw(img, "RGBA")
    framed_art(img, draw, UNIT_ART, unit, art, frame=UNIT_FRAME, radius=14)

    y = 28
    pill(draw, (_RX, y), rarity_label(rarity), font(17, "bold"), with_alpha(colour, 255),
         pad_x=10, height=30)
    inv = as_int(field(unit, "inventory_id"))
    if inv is not None:
        text(draw, (_RX + _RW, y + 15), f"#{inv}", font(18, "bold"), fill=MUTED, anchor="rm")

    lines, nf = fit_lines(field(unit, "name") or "???", _RW, (36, 32, 28, 24), 2, "bold")
    ny = 72
    lh = line_height(nf)
    for i, line in enumerate(lines):
        text(draw, (_RX, ny + i * lh), line, nf, fill=TEXT)
    sy = ny + max(1, len(lines)) * lh + 4
    series, sf = fit_text(field(unit, "series") or "", _RW, (18, 16), "regular")
    text(draw, (_RX, sy), series, sf, fill=MUTED)

    # power
    py = 196
    draw.rounded_rectangle((_RX, py, _RX + _RW, py + 76), radius=12, fill=(255, 255, 255, 14))
    text(draw, (_RX + 16, py + 12), "POWER", font(14, "bold"), fill=MUTED)
    # the unit's battle skills, on the right of the power box (up to two lines)
    skills = [clean_text(s, 40) for s in (field(unit, "skills") or []) if clean_text(s, 40)]
    power_w = _RW - 32 - (_SKILLS_W + 14 if skills else 0)
    power, pf = fit_text(f"⚡ {fmt_int(field(unit, 'power'))}", power_w, (34, 30, 26, 22),
                         "bold")
    text(draw, (_RX + 16, py + 30 + (34 - pf.size) // 2), power, pf, fill=COIN)
    if skills:
        sx = _RX + _RW - _SKILLS_W - 14
        text(draw, (sx, py + 12), "SKILLS", font(14, "bold"), fill=MUTED)
        lines, sf = fit_lines(" · ".join(skills), _SKILLS_W, (17, 15, 13), 2, "bold")
        for i, line in enumerate(lines):
            text(draw, (sx, py + 32 + i * line_height(sf)), line, sf, fill=SKILL_COLOUR)

    # dupe and bond
    lf = font(14, "bold")
    dupe = max(0, min(MAX_DUPE, as_int(field(unit, "dupe_level"), 0) or 0))
    dy = 296
    text(draw, (_RX, dy), "DUPE", lf, fill=MUTED, anchor="lm")
    text(draw, (_RX + 62, dy), f"+{dupe}", font(18, "bold"), fill=TEXT, anchor="lm")
    _pips(draw, _RX + 110, dy, dupe, MAX_DUPE, colour)
    bond = max(1, min(MAX_BOND, as_int(field(unit, "bond_level"), 1) or 1))
    by = 332
    text(draw, (_RX, by), "BOND", lf, fill=MUTED, anchor="lm")
    text(draw, (_RX + 62, by), f"{bond}", font(18, "bold"), fill=TEXT, anchor="lm")
    bar(draw, (_RX + 110, by - 6, _RX + _RW, by + 6), bond / MAX_BOND, (255, 120, 170))

    # markers
    mx, my = _RX, 360
    mf = font(14, "bold")
    for label, c in _markers(unit):
        lock = label == "LOCKED"
        box = pill(draw, (mx, my), label, mf, with_alpha(c, 255), pad_x=10, height=26,
                   lead=16 if lock else 0)
        if lock:
            padlock(draw, box[0] + 10, my + 6, 14, (20, 20, 28))
        mx = box[2] + 8
    obtained = fmt_datetime(field(unit, "obtained_at"), with_time=False)
    text(draw, (_RX, UNIT_SIZE[1] - 26), f"obtained {obtained}", font(15, "regular"),
         fill=DIM, anchor="ls")
    return to_png(img)


# --- inventory_page ------------------------------------------------------------------------------
INV_W = 1000
INV_HEADER, INV_FOOTER = 72, 52
INV_MARGIN, INV_COL_GAP = 24, 16
INV_PITCH, INV_ENTRY_H = 76, 68
INV_MIN_ROWS = 5          # a column is at least 5 entries tall (so pages of <= 10 look alike)
INV_MAX = 30              # entries drawn per page at most
INV_COL_W = (INV_W - 2 * INV_MARGIN - INV_COL_GAP) // 2      # 468
INV_THUMB = (52, 60)


def inventory_layout(n: int) -> tuple[int, tuple[int, int]]:
    """(entries per column, image size) for a page of n rows."""
    n = max(0, min(INV_MAX, n))
    per_col = max(INV_MIN_ROWS, math.ceil(n / 2))
    return per_col, (INV_W, INV_HEADER + per_col * INV_PITCH + INV_FOOTER)


def inventory_entry_origin(i: int, per_col: int) -> tuple[int, int]:
    """Top-left of entry i (column-major: the left column first)."""
    col, row = divmod(i, per_col)
    return INV_MARGIN + col * (INV_COL_W + INV_COL_GAP), INV_HEADER + row * INV_PITCH


def _entry(img: Any, draw: Any, x: int, y: int, unit: Any, art: Mapping[str, bytes],
           pic: Any = None) -> None:
    rarity = rarity_key(field(unit, "rarity"))
    colour = rarity_colour(rarity)
    draw.rounded_rectangle((x, y, x + INV_COL_W - 1, y + INV_ENTRY_H - 1), radius=10,
                           fill=PANEL)
    tx0, ty0 = x + 4, y + 4
    framed_art(img, draw, (tx0, ty0, tx0 + INV_THUMB[0], ty0 + INV_THUMB[1]), unit, art,
               frame=2, radius=7, pic=pic)
    tx = tx0 + INV_THUMB[0] + 12
    right = x + INV_COL_W - 12
    inv = as_int(field(unit, "inventory_id"))
    id_text = f"#{inv}" if inv is not None else ""
    idf = font(13, "regular")
    id_w = text_width(id_text, idf) if id_text else 0
    text(draw, (right, y + 20), id_text, idf, fill=DIM, anchor="rm")
    name, nf = fit_text(field(unit, "name") or "???", right - tx - id_w - 10, (19, 17, 15), "bold")
    text(draw, (tx, y + 20), name, nf, fill=TEXT, anchor="lm")
    # second line: rarity, dupe, power ... markers on the right
    ly = y + 48
    rf = font(15, "bold")
    text(draw, (tx, ly), rarity or "?", rf, fill=colour, anchor="lm")
    cx = tx + 44
    dupe = as_int(field(unit, "dupe_level"), 0) or 0
    text(draw, (cx, ly), f"+{dupe}", rf, fill=MUTED, anchor="lm")
    cx += 46
    text(draw, (cx, ly), f"⚡ {fmt_int(field(unit, 'power'))}", rf, fill=COIN, anchor="lm")
    mf = font(11, "bold")
    mx = right
    for label, c in reversed(_markers(unit, short=True)):
        if label == "LOCKED":
            padlock(draw, mx - 14, ly - 9, 18, LOCK_COLOUR)
            mx -= 22
        else:
            box = pill(draw, (mx, ly - 10), label, mf, with_alpha(c, 255), align="right",
                       pad_x=6, height=20)
            mx = box[0] - 6


def inventory_page(rows: Sequence[Mapping[str, Any]], art: Mapping[str, bytes], *, page: int,
                   pages: int, total: int, title: str = "Collection") -> bytes:
    """PNG of one inventory page: up to 30 rows (unit_card's keys) in two columns, each with
    a thumbnail, name, rarity (coloured), dupe level, power, markers and #inventory id; a
    footer 'page X / Y · N units'. 1000 wide; 504 tall for up to 10 rows, then 76 more per
    extra pair of rows (25 rows: 1112)."""
    rows = list(rows or [])[:INV_MAX]
    per_col, size = inventory_layout(len(rows))
    img, draw = new_canvas(size)
    draw.rectangle((0, 0, size[0], INV_HEADER - 12), fill=PANEL)
    t, tf = fit_text(title or "Collection", INV_W - 2 * INV_MARGIN, (28, 24, 20), "bold")
    text(draw, (INV_MARGIN, (INV_HEADER - 12) / 2), t, tf, fill=TEXT, anchor="lm")
    if not rows:
        text(draw, (size[0] / 2, INV_HEADER + per_col * INV_PITCH / 2), "No units here",
             font(24, "bold"), fill=MUTED, anchor="mm")
    pics = load_arts(art, [art_job(u, (0, 0) + INV_THUMB, 2) for u in rows])
    for i, unit in enumerate(rows):
        x, y = inventory_entry_origin(i, per_col)
        _entry(img, draw, x, y, unit, art, pics[i])
    footer = f"page {fmt_int(page, '?')} / {fmt_int(pages, '?')} · {fmt_int(total, '?')} units"
    text(draw, (size[0] / 2, size[1] - INV_FOOTER / 2 - 4), footer, font(18, "regular"),
         fill=MUTED, anchor="mm")
    return to_png(img)
