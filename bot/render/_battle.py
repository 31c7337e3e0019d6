"""battle_result: the outcome of a bounty battle, both powers as bars, the rewards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PIL import ImageDraw

from ._common import (BG, COIN, CYAN, DIM, GREEN, MUTED, RED, TEXT, as_int, bar, clean_text, field,
                      fit_text, fmt_int, font, mix, pill, rarity_colour, text, text_width, to_png,
                      vgradient)

BATTLE_SIZE = (900, 520)
MARGIN = 24
HEADER_H = 124
PANEL_Y0, PANEL_Y1 = 276, BATTLE_SIZE[1] - MARGIN
PANEL_GAP = 12
MAX_UNITS = 5
TEAM_BAR = (90, 170, 255)

OUTCOMES = {
    "WIN": ("VICTORY", (255, 205, 80)),
    "LOSS": ("DEFEAT", (235, 75, 85)),
    "DRAW": ("DRAW", (170, 170, 190)),
}
POWER_BARS = ((150, "YOUR TEAM"), (208, "ENEMY"))   # (top y, label): bar = y + 24 .. y + 42


def panel_x(i: int) -> tuple[int, int]:
    """x0, x1 of the bottom panels 0 (rewards), 1 (team), 2 (skills)."""
    w = (BATTLE_SIZE[0] - 2 * MARGIN - 2 * PANEL_GAP) // 3
    x0 = MARGIN + i * (w + PANEL_GAP)
    return x0, x0 + w


def outcome_style(outcome: Any) -> tuple[str, tuple[int, int, int]]:
    key = clean_text(outcome, 16).upper()
    return OUTCOMES.get(key, (key or "?", (170, 170, 190)))


def _item_lines(items: Any) -> list[str]:
    out: list[str] = []
    if isinstance(items, Mapping):
        pairs = list(items.items())
    elif isinstance(items, (list, tuple)):
        pairs = []
        for it in items:
            if isinstance(it, Mapping):
                name = field(it, "name", field(it, "item", ""))
                qty = field(it, "qty", field(it, "quantity", field(it, "count")))
                pairs.append((name, qty))
            elif isinstance(it, (list, tuple)) and len(it) == 2:
                pairs.append((it[0], it[1]))
            else:
                pairs.append((it, None))
    else:
        pairs = [(items, None)] if items else []
    for name, qty in pairs:
        name = clean_text(name, 60)
        if not name:
            continue
        n = as_int(qty)
        if qty is None or isinstance(qty, bool):
            out.append(name)
        elif n is not None:
            out.append(f"{name} ×{n:,}")
        else:
            out.append(f"{name}: {clean_text(qty, 30)}")
    return out


def battle_result(result: Mapping[str, Any]) -> bytes:
    """PNG (900 x 520) of a battle: VICTORY / DEFEAT / DRAW (outcome WIN / LOSS / DRAW), team
    and enemy power as bars on one scale, the rewards (gems, coins, items) and keys left, and,
    when given, the units that fought and the skills that fired; enemy_name (a PvP opponent)
    labels the enemy's bar."""
    word, colour = outcome_style(field(result, "outcome"))
    img = vgradient(BATTLE_SIZE, mix(colour, BG, 0.62), BG)
    draw = ImageDraw.Draw(img, "RGBA")
    W = BATTLE_SIZE[0]
    text(draw, (W / 2, HEADER_H / 2 + 6), word, font(76, "bold"), fill=colour, anchor="mm",
         stroke=3, stroke_fill=(0, 0, 0, 110))

    team = as_int(field(result, "team_power"), 0) or 0
    enemy = as_int(field(result, "enemy_power"), 0) or 0
    scale = max(team, enemy, 1)
    lf, vf = font(15, "bold"), font(18, "bold")
    enemy_name = clean_text(field(result, "enemy_name"), 64)
    for (y, label), value, c, icon in zip(POWER_BARS, (team, enemy), (TEAM_BAR, RED),
                                          ("⚡", "⚔")):
        if label == "ENEMY" and enemy_name:
            label, nf = fit_text(f"{enemy_name}'s team", W // 2, (18, 16, 15), "bold")
            text(draw, (MARGIN, y + 12), label, nf, fill=TEXT, anchor="lm")
        else:
            text(draw, (MARGIN, y + 12), label, lf, fill=MUTED, anchor="lm")
        text(draw, (W - MARGIN, y + 12), f"{icon} {value:,}", vf, fill=TEXT, anchor="rm")
        bar(draw, (MARGIN, y + 24, W - MARGIN, y + 42), max(0, value) / scale, c)

    y0 = PANEL_Y0
    for i in range(3):
        px0, px1 = panel_x(i)
        draw.rounded_rectangle((px0, y0, px1, PANEL_Y1), radius=14, fill=(255, 255, 255, 14))
        text(draw, (px0 + 16, y0 + 14), ("REWARDS", "TEAM", "SKILLS FIRED")[i], font(14, "bold"),
             fill=MUTED)

    # rewards
    x0, x1 = panel_x(0)
    y = y0 + 40
    gems = as_int(field(result, "gems"), 0) or 0
    coins = as_int(field(result, "coins"), 0) or 0
    for amount, unit, icon, colour in ((gems, "gems", "◆", CYAN), (coins, "coins", "●", COIN)):
        if amount:
            label, rf = fit_text(f"{icon} +{amount:,} {unit}", x1 - x0 - 32, (20, 18, 16), "bold")
            text(draw, (x0 + 16, y), label, rf, fill=colour)
            y += 30
    keys = field(result, "keys_left")
    bottom = PANEL_Y1 - (36 if keys is not None else 10)
    items = _item_lines(field(result, "items"))
    room = max(0, (bottom - y) // 23)
    shown = items if len(items) <= room else items[:max(0, room - 1)]
    itf = font(16, "regular")
    for i, line in enumerate(shown):
        line, _ = fit_text("▸ " + line, x1 - x0 - 32, (16,), "regular")
        text(draw, (x0 + 16, y + i * 23), line, itf, fill=TEXT)
    if len(items) > len(shown) and room:
        text(draw, (x0 + 16, y + len(shown) * 23), f"+{len(items) - len(shown)} more", itf,
             fill=DIM)
    if not (gems or coins or items):
        text(draw, (x0 + 16, y), "no rewards", font(18, "regular"), fill=DIM)
    if keys is not None:
        text(draw, (x0 + 16, PANEL_Y1 - 16), f"bounty keys left: {fmt_int(keys)}",
             font(15, "regular"), fill=MUTED, anchor="ls")

    # units
    x0, x1 = panel_x(1)
    units = list(field(result, "units") or [])
    y = y0 + 50
    uf = font(14, "bold")
    rows = units if len(units) <= MAX_UNITS else units[:MAX_UNITS - 1]
    for u in rows:
        power = f"⚡ {fmt_int(field(u, 'power'))}"
        pw = text_width(power, uf)
        draw.ellipse((x0 + 16, y - 5, x0 + 26, y + 5), fill=rarity_colour(field(u, "rarity")))
        name, nf = fit_text(field(u, "name") or "???", x1 - x0 - 58 - pw, (15, 13, 12), "bold")
        text(draw, (x0 + 32, y), name, nf, fill=TEXT, anchor="lm")
        text(draw, (x1 - 14, y), power, uf, fill=COIN, anchor="rm")
        y += 24
    if len(units) > len(rows):
        text(draw, (x0 + 32, y), f"+{len(units) - len(rows)} more", font(14, "regular"),
             fill=DIM, anchor="lm")
    if not units:
        text(draw, (x0 + 16, y0 + 40), "—", font(18, "regular"), fill=DIM)

    # skills
    x0, x1 = panel_x(2)
    skills = field(result, "skills") or []
    if isinstance(skills, (str, bytes)):
        skills = [skills]
    try:
        skills = [s for s in (clean_text(k, 40) for k in skills) if s]
    except TypeError:
        skills = []
    sf = font(13, "bold")
    top, row_h, left, right = y0 + 38, 30, x0 + 14, x1 - 14
    max_rows = (PANEL_Y1 - 8 - top) // row_h
    more_w = text_width("+99 more", sf) + 22
    sx, row = left, 0
    for i, skill in enumerate(skills):
        label, _ = fit_text(skill, right - left - 16, (13,), "bold")
        w = text_width(label, sf) + 16
        nx, nrow = (sx, row) if sx + w <= right else (left, row + 1)
        # a chip on the last row must leave room for '+N more' unless it is the last skill
        fits = nrow < max_rows and (i == len(skills) - 1 or nrow < max_rows - 1
                                    or nx + w + 6 + more_w <= right)
        if not fits:
            if sx + more_w > right and row + 1 < max_rows:
                sx, row = left, row + 1
            pill(draw, (sx, top + row * row_h), f"+{len(skills) - i} more", sf,
                 (255, 255, 255, 40), ink=TEXT, pad_x=8, height=24)
            break
        sx, row = nx, nrow
        box = pill(draw, (sx, top + row * row_h), label, sf, GREEN + (225,), pad_x=8, height=24)
        sx = box[2] + 6
    if not skills:
        text(draw, (x0 + 16, y0 + 40), "none", font(16, "regular"), fill=DIM)
    return to_png(img)
