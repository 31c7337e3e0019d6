"""profile_card: a player's balances, progress, collection and favourite unit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PIL import Image, ImageDraw

from ._common import (BG, COIN, CYAN, DIM, GREEN, MUTED, ORANGE, PINK, RARITY_COLOURS, TEXT,
                      UNKNOWN_RARITY, as_int, clean_text, corner_gradient, field, fit_text,
                      fmt_int, font, framed_art, mix, paste_rounded, pill, rarity_colour,
                      rarity_key, star_shape, text, text_width, to_png, with_alpha)

PROFILE_SIZE = (900, 420)
FAV_BOX = (24, 24, 24 + 252, 24 + 336)        # favourite's art frame
FAV_FRAME = 5
NO_FAV_COLOUR = (90, 90, 110)
_RX = 304
_RW = PROFILE_SIZE[0] - _RX - 24
TILE_H, TILE_GAP = 68, 12
PILL_MAX_W = 170                              # the streak and achievements pills, at most
RARITY_ORDER = ("UR", "SSR", "SR", "R")


def _tiles(profile: Any) -> list[tuple[str, str, Any]]:
    return [
        ("GEMS", fmt_int(field(profile, "gems"), "0"), CYAN),
        ("COINS", fmt_int(field(profile, "coins"), "0"), COIN),
        ("BOUNTY KEYS", fmt_int(field(profile, "bounty_keys"), "0"), GREEN),
        ("PITY", fmt_int(field(profile, "pity_counter"), "0")
         + (f" / {fmt_int(field(profile, 'pity_hard'))}" if field(profile, "pity_hard") else ""),
         ORANGE),
        ("SPARK POINTS", fmt_int(field(profile, "banner_points"), "0"), PINK),
        ("TEAM POWER", "⚡ " + fmt_int(field(profile, "team_power"), "0"), COIN),
    ]


def _collection(profile: Any) -> list[tuple[str, int]]:
    raw = field(profile, "collection") or {}
    try:
        items = list(raw.items())
    except AttributeError:
        items = []
    counts: dict[str, int] = {}
    for k, v in items:
        key = rarity_key(k) or "?"
        counts[key] = counts.get(key, 0) + max(0, as_int(v, 0) or 0)
    known = [(k, counts.pop(k)) for k in RARITY_ORDER if k in counts]
    return known + sorted(counts.items())


def profile_card(profile: Mapping[str, Any], art: Mapping[str, bytes]) -> bytes:
    """PNG (900 x 420) of a player: favourite unit's art (or an empty frame), name, team
    level and XP (out of next_level_xp when given), the check-in streak and achievements
    unlocked (when given) as pills, six tiles (gems, coins, bounty keys, pity, spark points,
    team power) and the collection by rarity as a stacked bar."""
    fav = field(profile, "favourite")
    fav_colour = rarity_colour(field(fav, "rarity")) if fav is not None else NO_FAV_COLOUR
    img = corner_gradient(PROFILE_SIZE, mix(fav_colour, BG, 0.8), mix((90, 60, 160), BG, 0.8),
                          BG, BG)
    draw = ImageDraw.Draw(img, "RGBA")

    # favourite
    if fav is not None:
        framed_art(img, draw, FAV_BOX, fav, art, frame=FAV_FRAME, radius=14)
        cap, cf = fit_text(field(fav, "name") or "???", FAV_BOX[2] - FAV_BOX[0] - 28,
                           (17, 15, 13), "bold")
        cx = (FAV_BOX[0] + FAV_BOX[2]) / 2
        text(draw, (cx, FAV_BOX[3] + 28), f"★ {cap}", cf, fill=fav_colour, anchor="mm")
    else:
        x0, y0, x1, y1 = FAV_BOX
        draw.rounded_rectangle((x0, y0, x1 - 1, y1 - 1), radius=14, fill=(255, 255, 255, 8),
                               outline=(255, 255, 255, 45), width=FAV_FRAME)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 - 16
        draw.polygon(star_shape(cx, cy, 40, 0.32), fill=(255, 255, 255, 50))
        text(draw, (cx, cy + 64), "no favourite", font(17, "regular"), fill=DIM, anchor="mm")

    # name and level
    uid = as_int(field(profile, "user_id"))
    name = clean_text(field(profile, "display_name")) or (f"Player {uid}" if uid else "Player")
    label, nf = fit_text(name, _RW, (34, 30, 26, 22), "bold")
    text(draw, (_RX, 30), label, nf, fill=TEXT)
    lvl = fmt_int(field(profile, "team_level"), "1")
    lf = font(17, "bold")
    box = pill(draw, (_RX, 80), f"TEAM LV {lvl}", lf, (90, 60, 160, 255), ink=TEXT, pad_x=10,
               height=28)
    # the streak and achievements as pills on the right (each fitted to PILL_MAX_W, left
    # out rather than drawn over the level pill), the XP between
    right = _RX + _RW
    pills = []
    done = as_int(field(profile, "achievements"))
    total = as_int(field(profile, "achievements_total"))
    if done is not None:
        label = f"★ {done:,}" + (f"/{total:,}" if total is not None else "") + " ACHIEVED"
        pills.append((label, with_alpha(COIN, 255), None))
    streak = as_int(field(profile, "checkin_streak"))
    if streak is not None:
        pills.append((f"{streak:,}-DAY STREAK", with_alpha(ORANGE, 255), None) if streak > 0
                     else ("NO STREAK", (255, 255, 255, 40), MUTED))
    for label, fill, ink in pills:
        label, pf = fit_text(label, PILL_MAX_W - 16, (13, 12, 11), "bold")
        if right - (text_width(label, pf) + 16) < box[2] + 120:    # keep room for the XP
            continue
        right = pill(draw, (right, 82), label, pf, fill, ink=ink, pad_x=8, height=24,
                     align="right")[0] - 6
    xp = fmt_int(field(profile, "team_xp"), "0")
    nxt = as_int(field(profile, "next_level_xp"))
    xp_label, xf = fit_text(f"{xp} / {nxt:,} XP" if nxt is not None else f"{xp} XP",
                            right - box[2] - 18, (17, 15, 13), "regular")
    text(draw, (box[2] + 12, 94), xp_label, xf, fill=MUTED, anchor="lm")

    # tiles: 3 x 2
    tw = (_RW - 2 * TILE_GAP) // 3
    ty0 = 126
    for i, (label, value, colour) in enumerate(_tiles(profile)):
        col, row = i % 3, i // 3
        x = _RX + col * (tw + TILE_GAP)
        y = ty0 + row * (TILE_H + TILE_GAP)
        draw.rounded_rectangle((x, y, x + tw, y + TILE_H), radius=10, fill=(255, 255, 255, 16))
        draw.rounded_rectangle((x, y + 12, x + 3, y + TILE_H - 12), radius=1, fill=colour)
        text(draw, (x + 14, y + 12), label, font(12, "bold"), fill=MUTED)
        v, vf = fit_text(value, tw - 24, (24, 21, 18, 15), "bold")
        text(draw, (x + 14, y + 30), v, vf, fill=colour)

    # collection
    cy = ty0 + 2 * (TILE_H + TILE_GAP) + 10
    counts = _collection(profile)
    units = as_int(field(profile, "units"))
    if units is None:
        units = sum(n for _, n in counts)
    text(draw, (_RX, cy), "COLLECTION", font(13, "bold"), fill=MUTED)
    text(draw, (_RX + _RW, cy), f"{units:,} units", font(14, "regular"), fill=MUTED, anchor="ra")
    by = cy + 24
    bx0, bx1 = _RX, _RX + _RW
    total = sum(n for _, n in counts)
    strip = Image.new("RGB", (bx1 - bx0, 16), mix(TEXT, BG, 0.85))
    sd = ImageDraw.Draw(strip)
    x = 0.0
    for k, n in counts if total > 0 else []:
        w = strip.width * n / total
        if round(x + w) > round(x):         # a rarity with no (or very few) units: no segment
            sd.rectangle((round(x), 0, round(x + w) - 1, 15),
                         fill=RARITY_COLOURS.get(k, UNKNOWN_RARITY))
        x += w
    paste_rounded(img, strip, (bx0, by), 8)
    lx = _RX
    leg = font(15, "bold")
    for k, n in counts:
        colour = RARITY_COLOURS.get(k, UNKNOWN_RARITY)
        label = f"{k} {n:,}"
        w = text_width(label, leg) + 20
        if lx + w > bx1:
            break
        draw.ellipse((lx, by + 30, lx + 10, by + 40), fill=colour)
        text(draw, (lx + 15, by + 35), label, leg, fill=TEXT, anchor="lm")
        lx += w + 16
    if not counts:
        text(draw, (lx, by + 35), "no units yet", font(15, "regular"), fill=DIM, anchor="lm")
    return to_png(img)
