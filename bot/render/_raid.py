"""raid_card: a server raid's boss, its HP bar, the time left and the player's part."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from PIL import Image, ImageDraw

from ._common import (BG, COIN, CYAN, DIM, GREEN, MUTED, ORANGE, RED, TEXT, as_bool, as_int, bar,
                      clean_text, field, fit_lines, fit_text, fmt_datetime, fmt_int, font,
                      framed_art, line_height, mix, pill, rarity_colour, text, text_width,
                      to_png, vgradient, with_alpha)

RAID_SIZE = (900, 360)
MARGIN = 24
BOSS_BOX = (MARGIN, MARGIN, MARGIN + 228, RAID_SIZE[1] - MARGIN)     # the boss's portrait
BOSS_FRAME = 5
_RX = BOSS_BOX[2] + 28                                                # the right column
_RW = RAID_SIZE[0] - _RX - MARGIN
HP_BAR = (_RX, 112, _RX + _RW, 142)
TILE_Y0, TILE_H, TILE_GAP = 192, 62, 12
BOSS_COLOUR = rarity_colour("UR")
HP_COLOUR = (235, 60, 75)
HP_LABEL = (255, 255, 255, 220)

STATES = {
    "ACTIVE": ("ACTIVE", RED),
    "DEFEATED": ("DEFEATED", GREEN),
    "TIME UP": ("TIME UP", ORANGE),
    "ENDED": ("ENDED", (175, 175, 195)),
}


def raid_state(raid: Any) -> str:
    """ACTIVE, DEFEATED (its HP is 0), TIME UP (alive, time over, rewards due) or ENDED
    (alive when the raid was ended), from raid_status's columns."""
    hp = as_int(field(raid, "hp"))
    if hp == 0:
        return "DEFEATED"
    if field(raid, "ended_at") is not None:
        return "ENDED"
    if as_bool(field(raid, "end_due")):
        return "TIME UP"
    return "ACTIVE"


def time_left(ends_at: Any, now: Any) -> str | None:
    """'2d 03h', '5h 07m', '12m', 'under a minute' until ends_at; None when unknown or past."""
    if not isinstance(ends_at, _dt.datetime) or not isinstance(now, _dt.datetime):
        return None
    try:
        seconds = (ends_at - now).total_seconds()
    except (TypeError, OverflowError):
        return None
    if seconds <= 0:
        return None
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m" if mins else "under a minute"


def _stamp(label: str, colour: tuple[int, int, int], width: int) -> Image.Image:
    """A rotated rubber stamp, at most `width` wide before rotating."""
    label, f = fit_text(label, width - 36, (30, 26, 22), "bold")
    w = int(text_width(label, f)) + 36
    tile = Image.new("RGBA", (w, 56), (0, 0, 0, 0))
    d = ImageDraw.Draw(tile)
    d.rounded_rectangle((2, 2, w - 3, 53), radius=10, outline=colour + (255,), width=4,
                        fill=(0, 0, 0, 140))
    text(d, (w / 2, 28), label, f, fill=colour + (255,), anchor="mm")
    return tile.rotate(14, resample=Image.Resampling.BICUBIC, expand=True)


def _tiles(raid: Any, now: Any, state: str) -> list[tuple[str, str, Any]]:
    if state == "ACTIVE":
        left = time_left(field(raid, "ends_at"), now)
        when = ("TIME LEFT", left, ORANGE) if left else \
            ("ENDS", fmt_datetime(field(raid, "ends_at"), with_time=False), ORANGE)
    elif field(raid, "ended_at") is not None:
        when = ("ENDED", fmt_datetime(field(raid, "ended_at"), with_time=False), TEXT)
    else:
        when = ("TIME LEFT", "over", ORANGE)
    tickets = field(raid, "tickets_left")
    return [
        when,
        ("ATTACKERS", fmt_int(field(raid, "attackers"), "0"), CYAN),
        ("ATTACKS", fmt_int(field(raid, "attacks"), "0"), CYAN),
        ("YOUR DAMAGE", fmt_int(field(raid, "your_damage"), "0"), COIN),
        ("TICKETS TODAY", fmt_int(tickets) if tickets is not None else "—", GREEN),
    ]


def raid_card(raid: Mapping[str, Any], *, now: _dt.datetime | None = None) -> bytes:
    """PNG (900 x 360) of a raid (raid_status's row): the boss's portrait (generated from its
    name) in a UR frame, stamped DEFEATED / TIME UP / ENDED when it is no longer active; its
    name, state, an HP bar with 'hp / boss_hp HP' and the percentage left; tiles for the time
    left (counted from `now`; the end date when `now` is None), attackers, attacks, the
    player's damage and tickets left today."""
    state = raid_state(raid)
    word, colour = STATES[state]
    img = vgradient(RAID_SIZE, mix(HP_COLOUR, BG, 0.72), BG)
    draw = ImageDraw.Draw(img, "RGBA")
    name = field(raid, "name") or "Raid boss"

    # the boss
    boss = {"name": name, "rarity": "UR", "image_url": None}
    framed_art(img, draw, BOSS_BOX, boss, {}, frame=BOSS_FRAME, radius=14, colour=BOSS_COLOUR)
    cx, cy = (BOSS_BOX[0] + BOSS_BOX[2]) / 2, (BOSS_BOX[1] + BOSS_BOX[3]) / 2
    if state != "ACTIVE":
        x0, y0, x1, y1 = BOSS_BOX
        draw.rounded_rectangle((x0 + BOSS_FRAME, y0 + BOSS_FRAME, x1 - BOSS_FRAME - 1,
                                y1 - BOSS_FRAME - 1), radius=10, fill=(10, 10, 16, 140))
        stamp = _stamp(word, colour, BOSS_BOX[2] - BOSS_BOX[0] - 56)
        img.paste(stamp, (int(cx - stamp.width / 2), int(cy - stamp.height / 2)), stamp)

    # name and state
    text(draw, (_RX, MARGIN + 2), "RAID BOSS", font(14, "bold"), fill=MUTED)
    sf = font(14, "bold")
    pill(draw, (_RX + _RW, MARGIN - 2), word, sf, with_alpha(colour, 255),
                     align="right", pad_x=10, height=26)
    # one line if it fits at a large size, else two smaller ones
    title, tf = fit_text(name, _RW, (40, 34, 28), "bold")
    if title == clean_text(name):
        text(draw, (_RX, MARGIN + 26), title, tf, fill=TEXT, shadow=True)
    else:
        lines, lf = fit_lines(name, _RW, (24, 21, 18), 2, "bold")
        lh = line_height(lf)
        y = MARGIN + 26 + (56 - lh * len(lines)) / 2
        for i, line in enumerate(lines):
            text(draw, (_RX, y + i * lh), line, lf, fill=TEXT, shadow=True)

    # HP
    hp = max(0, as_int(field(raid, "hp"), 0) or 0)
    boss_hp = max(0, as_int(field(raid, "boss_hp"), 0) or 0)
    frac = hp / boss_hp if boss_hp else 0.0
    bar(draw, HP_BAR, frac, HP_COLOUR, track=(255, 255, 255, 30))
    x0, y0, x1, y1 = HP_BAR
    text(draw, (x0 + 12, (y0 + y1) / 2), "HP", font(15, "bold"), fill=HP_LABEL, anchor="lm")
    nf = font(18, "bold")
    pct = f"{frac:.1%}" if boss_hp else "—"
    if hp and pct == "0.0%":
        pct = "<0.1%"
    pct_label = f"{pct} left"
    text(draw, (x1, y1 + 10), pct_label, nf, fill=MUTED, anchor="ra")
    numbers, hf = fit_text(f"{fmt_int(hp)} / {fmt_int(boss_hp)} HP",
                           x1 - x0 - text_width(pct_label, nf) - 16, (18, 16, 14), "bold")
    text(draw, (x0, y1 + 10 + (18 - getattr(hf, "size", 18)) * 0.8), numbers, hf, fill=TEXT)

    # tiles: 5 in a row
    tiles = _tiles(raid, now, state)
    tw = (_RW - (len(tiles) - 1) * TILE_GAP) // len(tiles)
    for i, (label, value, c) in enumerate(tiles):
        tx = _RX + i * (tw + TILE_GAP)
        ty = TILE_Y0
        draw.rounded_rectangle((tx, ty, tx + tw, ty + TILE_H), radius=10,
                               fill=(255, 255, 255, 16))
        draw.rounded_rectangle((tx, ty + 12, tx + 3, ty + TILE_H - 12), radius=1, fill=c)
        lab, lf = fit_text(label, tw - 18, (11, 10), "bold")
        text(draw, (tx + 12, ty + 11), lab, lf, fill=MUTED)
        v, vf = fit_text(value, tw - 18, (20, 18, 16, 13), "bold")
        text(draw, (tx + 12, ty + 30), v, vf, fill=c)

    # the bottom line: when it started and how it ends
    starts = field(raid, "starts_at")
    foot = f"started {fmt_datetime(starts)}" if starts is not None else ""
    ends = field(raid, "ends_at")
    if ends is not None and state == "ACTIVE":
        foot += (" · " if foot else "") + f"ends {fmt_datetime(ends)}"
    line, ff = fit_text(foot, _RW, (14, 12), "regular")
    text(draw, (_RX, TILE_Y0 + TILE_H + 22), line, ff, fill=DIM)
    note = {"ACTIVE": "Every attack counts: rewards are shared by damage at the end.",
            "DEFEATED": "The boss is down: rewards are shared by damage.",
            "TIME UP": "Time is up: rewards are shared by damage.",
            "ENDED": "The raid is over: rewards were shared by damage."}[state]
    line, nf = fit_text(note, _RW, (15, 13), "bold")
    text(draw, (_RX, TILE_Y0 + TILE_H + 48), line, nf,
         fill=MUTED if state == "ACTIVE" else colour)
    return to_png(img)
