"""daily_shop: today's ten shop slots as a 5 x 2 grid of unit cards with their prices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image, ImageDraw

from ._common import (BG, CYAN, DIM, GREEN, MUTED, ORANGE, PANEL, TEXT, ArtJob, as_bool, as_int,
                      field, fit_text, fmt_int, font, load_arts, new_canvas, paste_rounded, pill,
                      rarity_colour, rarity_key, text, text_width, to_png, vgradient,
                      with_alpha)

COLS, ROWS = 5, 2
SLOTS = COLS * ROWS
CARD_W, CARD_H, GAP = 160, 272, 12
HEADER = 76
SHOP_SIZE = (COLS * CARD_W + (COLS + 1) * GAP,
             HEADER + ROWS * CARD_H + ROWS * GAP)                  # 872 x 644
FRAME, RADIUS = 3, 10
ART_H = 170
PRICE_BAND = 44                                                    # the price strip at the bottom
BOUGHT_COLOUR = GREEN
MAX_COLOUR = ORANGE
DISCOUNT_COLOUR = GREEN


def card_origin(slot: int) -> tuple[int, int]:
    """Top-left corner of slot 1..10's card (row-major)."""
    col, row = (slot - 1) % COLS, (slot - 1) // COLS
    return GAP + col * (CARD_W + GAP), HEADER + row * (CARD_H + GAP)


def art_box(x: int, y: int) -> tuple[int, int, int, int]:
    return x + FRAME, y + FRAME, x + CARD_W - FRAME, y + FRAME + ART_H


def _art_job(row: Any) -> ArtJob:
    x0, y0, x1, y1 = art_box(0, 0)
    return field(row, "image_url"), (x1 - x0, y1 - y0), field(row, "name"), field(row, "rarity")


def _stamp(label: str, colour: tuple[int, int, int], width: int) -> Image.Image:
    """A rotated rubber stamp on a transparent tile, at most `width` wide before rotating."""
    label, f = fit_text(label, width - 28, (26, 22, 18), "bold")
    w = int(text_width(label, f)) + 28
    tile = Image.new("RGBA", (w, 48), (0, 0, 0, 0))
    d = ImageDraw.Draw(tile)
    d.rounded_rectangle((2, 2, w - 3, 45), radius=9, outline=colour + (255,), width=4,
                        fill=(0, 0, 0, 150))
    text(d, (w / 2, 24), label, f, fill=colour + (255,), anchor="mm")
    return tile.rotate(12, resample=Image.Resampling.BICUBIC, expand=True)


def _price(draw: Any, x: int, y: int, row: Any) -> None:
    """The price band: the player's price, and the full price struck through when lower."""
    price = as_int(field(row, "price"))
    full = as_int(field(row, "full_price"))
    cy = y + CARD_H - PRICE_BAND / 2 - 2
    left, right = x + 10, x + CARD_W - 10
    discounted = price is not None and full is not None and price < full
    if discounted:
        old, of = fit_text(fmt_int(full), (right - left) * 0.45, (12, 11, 10), "regular")
        ow = text_width(old, of)
        text(draw, (right, cy), old, of, fill=MUTED, anchor="rm")
        draw.line((right - ow - 1, cy, right + 1, cy), fill=MUTED + (255,), width=2)
        room = right - left - ow - 8
    else:
        room = right - left
    label, pf = fit_text(f"◆ {fmt_int(price)}", room, (19, 17, 15, 13), "bold")
    text(draw, (left, cy), label, pf, fill=DISCOUNT_COLOUR if discounted else CYAN,
         anchor="lm")


def _card(img: Image.Image, draw: Any, slot: int, row: Any, pic: Image.Image) -> None:
    x, y = card_origin(slot)
    rarity = rarity_key(field(row, "rarity"))
    colour = rarity_colour(rarity)
    ax0, ay0, ax1, ay1 = art_box(x, y)
    draw.rounded_rectangle((x, y, x + CARD_W - 1, y + CARD_H - 1), radius=RADIUS, fill=PANEL)
    paste_rounded(img, pic, (ax0, ay0), RADIUS - FRAME, (True, True, False, False), frame=FRAME)
    # the price band
    draw.rectangle((x + FRAME, y + CARD_H - PRICE_BAND, x + CARD_W - FRAME - 1,
                    y + CARD_H - FRAME - 1), fill=(0, 0, 0, 70))
    draw.rounded_rectangle((x, y, x + CARD_W - 1, y + CARD_H - 1), radius=RADIUS,
                           outline=colour, width=FRAME)
    draw.line((ax0, ay1, ax1 - 1, ay1), fill=colour, width=2)
    # badges on the art: slot number, rarity, the dupe level already owned
    pill(draw, (ax0 + 5, ay0 + 5), str(slot), font(13, "bold"), (0, 0, 0, 170), ink=TEXT,
         pad_x=7, height=22)
    pill(draw, (ax1 - 5, ay0 + 5), rarity or "?", font(11, "bold"), with_alpha(colour, 255),
         align="right", pad_x=6, height=20)
    owned = as_int(field(row, "owned_dupe_level"))
    if owned is not None:
        pill(draw, (ax0 + 5, ay1 - 25), f"OWNED +{owned}", font(10, "bold"), (0, 0, 0, 170),
             ink=TEXT, pad_x=6, height=19)
    # name and series
    tx, tw = x + 10, CARD_W - 20
    name, nf = fit_text(field(row, "name") or "???", tw, (16, 15, 14, 12), "cond")
    text(draw, (tx, ay1 + 7), name, nf, fill=TEXT)
    series, sf = fit_text(field(row, "series") or "", tw, (11,), "regular")
    text(draw, (tx, ay1 + 29), series, sf, fill=MUTED)
    _price(draw, x, y, row)
    # bought today, or nothing left to gain: dim the card and stamp it
    bought, maxed = as_bool(field(row, "bought")), as_bool(field(row, "maxed"))
    if bought or maxed:
        draw.rounded_rectangle((x, y, x + CARD_W - 1, y + CARD_H - 1), radius=RADIUS,
                               fill=(10, 10, 16, 150))
        draw.rounded_rectangle((x, y, x + CARD_W - 1, y + CARD_H - 1), radius=RADIUS,
                               outline=colour, width=FRAME)
        stamp = _stamp("✓ BOUGHT" if bought else "MAX", BOUGHT_COLOUR if bought else MAX_COLOUR,
                       CARD_W - 16)
        cx, cy = x + CARD_W / 2, (ay0 + ay1) / 2
        img.paste(stamp, (int(cx - stamp.width / 2), int(cy - stamp.height / 2)), stamp)
        if maxed and not bought:
            text(draw, (cx, cy + stamp.height / 2 + 12), "max dupes", font(12, "bold"),
                 fill=MAX_COLOUR, anchor="mm", stroke=2, stroke_fill=(0, 0, 0, 200))


def _empty(draw: Any, slot: int) -> None:
    x, y = card_origin(slot)
    draw.rounded_rectangle((x, y, x + CARD_W - 1, y + CARD_H - 1), radius=RADIUS,
                           fill=(255, 255, 255, 6), outline=(255, 255, 255, 30), width=2)
    text(draw, (x + CARD_W / 2, y + CARD_H / 2 - 12), str(slot), font(28, "bold"), fill=DIM,
         anchor="mm")
    text(draw, (x + CARD_W / 2, y + CARD_H / 2 + 18), "empty", font(14, "regular"), fill=DIM,
         anchor="mm")


def daily_shop(rows: Sequence[Mapping[str, Any]], art: Mapping[str, bytes], *,
               title: str | None = None) -> bytes:
    """PNG (872 x 644) of the daily shop: slots 1..10 as a 5 x 2 grid of cards (art, slot
    number, rarity, the dupe level already owned, name, series, price in gems; a discounted
    price in green with the full price struck through), bought slots stamped BOUGHT and
    slots whose unit is held at the top dupe level stamped MAX, both dimmed; missing slots
    drawn empty. `title`: a line under the header (e.g. whose prices these are)."""
    by_slot: dict[int, Any] = {}
    for row in rows or []:
        slot = as_int(field(row, "slot"))
        if slot is not None and 1 <= slot <= SLOTS and slot not in by_slot:
            by_slot[slot] = row
    img, draw = new_canvas(SHOP_SIZE)
    img.paste(vgradient((SHOP_SIZE[0], HEADER), (30, 52, 60), BG), (0, 0))
    hf = font(30, "bold")
    text(draw, (GAP + 4, 16), "DAILY SHOP", hf, fill=TEXT)
    sub, sf = fit_text(title or "", 520, (16, 14), "regular")
    text(draw, (GAP + 4, 52), sub, sf, fill=MUTED)
    # on the right: how many bought today, and the discount when the prices have one
    right = SHOP_SIZE[0] - GAP - 4
    bought = sum(as_bool(field(r, "bought")) for r in by_slot.values())
    off = [1 - price / full for price, full in
           ((as_int(field(r, "price")), as_int(field(r, "full_price"))) for r in by_slot.values())
           if price is not None and full and price < full]
    pf = font(13, "bold")
    if bought:
        box = pill(draw, (right, 26), f"{bought} BOUGHT TODAY", pf, (255, 255, 255, 40),
                   ink=TEXT, align="right", pad_x=10, height=26)
        right = box[0] - 8
    if off:
        pill(draw, (right, 26), f"{max(off):.0%} OFF", pf, with_alpha(DISCOUNT_COLOUR, 255),
             align="right", pad_x=10, height=26)
    filled = sorted(by_slot)
    pics = dict(zip(filled, load_arts(art, [_art_job(by_slot[s]) for s in filled])))
    for slot in range(1, SLOTS + 1):
        if slot in by_slot:
            _card(img, draw, slot, by_slot[slot], pics[slot])
        else:
            _empty(draw, slot)
    return to_png(img)
