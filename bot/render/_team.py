"""team_card: the five team slots, left to right, and the team's total power."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._common import (BG, COIN, DIM, MUTED, PANEL, TEXT, art_job, as_int, clean_text, field,
                      fit_text, fmt_int, font, framed_art, load_arts, new_canvas, pill,
                      rarity_colour, rarity_key, text, text_width, to_png, vgradient, with_alpha)

SLOTS = 5
SLOT_W, SLOT_H, GAP = 160, 300, 12
HEADER = 84
TEAM_SIZE = (SLOTS * SLOT_W + (SLOTS + 1) * GAP, HEADER + SLOT_H + GAP)   # 872 x 396
FRAME, RADIUS = 3, 10
ART_H = 170
MAX_SKILLS = 4


def slot_origin(slot: int) -> tuple[int, int]:
    """Top-left corner of slot 1..5."""
    return GAP + (slot - 1) * (SLOT_W + GAP), HEADER


ART_BOX = (0, 0, SLOT_W, FRAME + ART_H + FRAME)      # relative to the slot's corner


def _slot(img: Any, draw: Any, x: int, y: int, slot: int, unit: Any,
          art: Mapping[str, bytes], pic: Any = None) -> None:
    rarity = rarity_key(field(unit, "rarity"))
    colour = rarity_colour(rarity)
    draw.rounded_rectangle((x, y, x + SLOT_W - 1, y + SLOT_H - 1), radius=RADIUS, fill=PANEL)
    framed_art(img, draw, (x, y, x + ART_BOX[2], y + ART_BOX[3]), unit, art,
               frame=FRAME, radius=RADIUS, colour=colour, pic=pic)
    draw.rounded_rectangle((x, y, x + SLOT_W - 1, y + SLOT_H - 1), radius=RADIUS,
                           outline=colour, width=FRAME)
    sf = font(13, "bold")
    pill(draw, (x + 8, y + 8), str(slot), sf, (0, 0, 0, 150), ink=TEXT, pad_x=7, height=22)
    pill(draw, (x + SLOT_W - 8, y + 8), rarity or "?", font(11, "bold"), with_alpha(colour, 255),
         align="right", pad_x=6, height=20)

    tx, tw = x + 10, SLOT_W - 20
    ty = y + FRAME + ART_H + FRAME + 6
    name, nf = fit_text(field(unit, "name") or "???", tw, (16, 15, 14, 12), "cond")
    text(draw, (tx, ty), name, nf, fill=TEXT)
    text(draw, (tx, ty + 22), f"⚡ {fmt_int(field(unit, 'power'))}", font(14, "bold"), fill=COIN)
    skills = field(unit, "skills") or []
    if isinstance(skills, (str, bytes)):
        skills = [skills]
    try:
        skills = [clean_text(s, 80) for s in skills]
    except TypeError:
        skills = []
    skills = [s for s in skills if s]
    kf = font(12, "regular")
    ky = ty + 44
    shown = skills[:MAX_SKILLS] if len(skills) <= MAX_SKILLS else skills[:MAX_SKILLS - 1]
    for i, skill in enumerate(shown):
        line, _ = fit_text("• " + skill, tw, (12,), "regular")
        text(draw, (tx, ky + i * 17), line, kf, fill=MUTED)
    if len(skills) > len(shown):
        text(draw, (tx, ky + len(shown) * 17), f"+{len(skills) - len(shown)} more", kf, fill=DIM)
    if not skills:
        text(draw, (tx, ky), "no skills", kf, fill=DIM)


def _empty(draw: Any, x: int, y: int, slot: int) -> None:
    draw.rounded_rectangle((x, y, x + SLOT_W - 1, y + SLOT_H - 1), radius=RADIUS,
                           fill=(255, 255, 255, 6), outline=(255, 255, 255, 40), width=FRAME)
    cx, cy = x + SLOT_W / 2, y + SLOT_H / 2 - 14
    draw.ellipse((cx - 26, cy - 26, cx + 26, cy + 26), outline=(255, 255, 255, 50), width=3)
    draw.line((cx - 12, cy, cx + 12, cy), fill=(255, 255, 255, 70), width=4)
    draw.line((cx, cy - 12, cx, cy + 12), fill=(255, 255, 255, 70), width=4)
    text(draw, (cx, cy + 48), f"SLOT {slot}", font(14, "bold"), fill=DIM, anchor="mm")
    text(draw, (cx, cy + 68), "empty", font(13, "regular"), fill=DIM, anchor="mm")


def team_card(rows: Sequence[Mapping[str, Any]], art: Mapping[str, bytes], *,
              total_power: int) -> bytes:
    """PNG (872 x 396) of a team: slots 1..5 left to right (art, name, rarity, power, up to
    four skills), empty slots as empty frames, the total power in the header. Rows whose
    slot is not 1..5 are ignored; of two rows for one slot the first wins."""
    by_slot: dict[int, Any] = {}
    for row in rows or []:
        slot = as_int(field(row, "slot"))
        if slot is not None and 1 <= slot <= SLOTS and slot not in by_slot:
            by_slot[slot] = row
    img, draw = new_canvas(TEAM_SIZE)
    img.paste(vgradient((TEAM_SIZE[0], HEADER), (44, 40, 66), BG), (0, 0))
    tf = font(34, "bold")
    text(draw, (GAP + 4, HEADER / 2 - 4), "TEAM", tf, fill=TEXT, anchor="lm")
    text(draw, (GAP + 18 + text_width("TEAM", tf), HEADER / 2 - 2), f"{len(by_slot)} / {SLOTS}",
         font(18, "regular"), fill=MUTED, anchor="lm")
    right = TEAM_SIZE[0] - GAP - 4
    text(draw, (right, 20), "TOTAL POWER", font(13, "bold"), fill=MUTED, anchor="ra")
    text(draw, (right, 38), f"⚡ {fmt_int(total_power)}", font(32, "bold"), fill=COIN,
         anchor="ra")
    filled = sorted(by_slot)
    pics = dict(zip(filled, load_arts(art, [art_job(by_slot[s], ART_BOX, FRAME)
                                             for s in filled])))
    for slot in range(1, SLOTS + 1):
        x, y = slot_origin(slot)
        if slot in by_slot:
            _slot(img, draw, x, y, slot, by_slot[slot], art, pics[slot])
        else:
            _empty(draw, x, y, slot)
    return to_png(img)
