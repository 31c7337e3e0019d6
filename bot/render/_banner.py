"""banner: a wide image of a gacha banner and its featured (rate-up) units."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PIL import ImageDraw

from ._common import (BG, GREEN, MUTED, PINK, TEXT, art_job, as_bool, as_int, corner_gradient,
                      field, fit_block, fit_text, fmt_datetime, fmt_int, fmt_percent, font,
                      framed_art, line_height, load_arts, mix, pill, rarity_colour, rarity_key,
                      star_shape, text, to_png, with_alpha)

BANNER_SIZE = (1000, 400)
LEFT_W = 420                    # the text column
FEAT_X0, FEAT_X1 = 440, 976     # featured cards go between these
FEAT_TOP, FEAT_H = 40, 320      # card box: art + name band
FEAT_NAME_H = 34
FEAT_GAP = 12
FEAT_MAX_W = 170
MAX_FEATURED = 5                # cards drawn; more -> 4 cards and a '+N more' card
ACCENT = (120, 70, 200)


def featured_boxes(n: int) -> list[tuple[int, int, int, int]]:
    """Frame boxes of n featured cards (n <= MAX_FEATURED), centred in the featured area."""
    if n <= 0:
        return []
    avail = FEAT_X1 - FEAT_X0
    w = min(FEAT_MAX_W, (avail - (n - 1) * FEAT_GAP) // n)
    total = n * w + (n - 1) * FEAT_GAP
    x = FEAT_X0 + (avail - total) // 2
    return [(x + i * (w + FEAT_GAP), FEAT_TOP, x + i * (w + FEAT_GAP) + w, FEAT_TOP + FEAT_H)
            for i in range(n)]


def _art_box(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return box[0], box[1], box[2], box[3] - FEAT_NAME_H


def _feature_card(img: Any, draw: Any, box: tuple[int, int, int, int], unit: Any,
                  art: Mapping[str, bytes], pic: Any = None) -> None:
    x0, y0, x1, y1 = box
    colour = rarity_colour(field(unit, "rarity"))
    draw.rounded_rectangle((x0, y0, x1 - 1, y1 - 1), radius=12, fill=(20, 20, 28, 230))
    framed_art(img, draw, _art_box(box), unit, art, frame=3, radius=12, pic=pic)
    draw.rounded_rectangle((x0, y0, x1 - 1, y1 - 1), radius=12, outline=colour, width=3)
    rk = rarity_key(field(unit, "rarity"))
    pill(draw, (x0 + 8, y0 + 8), rk or "?", font(12, "bold"), with_alpha(colour, 255), pad_x=6,
         height=20)
    name, nf = fit_text(field(unit, "name") or "???", x1 - x0 - 14, (16, 14, 12), "cond")
    text(draw, ((x0 + x1) / 2, y1 - FEAT_NAME_H / 2 - 1), name, nf, fill=TEXT, anchor="mm")


def _more_card(draw: Any, box: tuple[int, int, int, int], more: int) -> None:
    x0, y0, x1, y1 = box
    draw.rounded_rectangle((x0, y0, x1 - 1, y1 - 1), radius=12, fill=(255, 255, 255, 14),
                           outline=(255, 255, 255, 60), width=3)
    text(draw, ((x0 + x1) / 2, (y0 + y1) / 2 - 12), f"+{more}", font(40, "bold"), fill=TEXT,
         anchor="mm")
    text(draw, ((x0 + x1) / 2, (y0 + y1) / 2 + 24), "more", font(18, "regular"), fill=MUTED,
         anchor="mm")


def banner(banner: Mapping[str, Any], featured: Sequence[Mapping[str, Any]],
           art: Mapping[str, bytes]) -> bytes:
    """PNG (1000 x 400) of a banner: name, active or not, rate-up chance, 'ends <date>',
    'spark: N points' on the left; up to five featured units' art on the right (with more,
    four and a '+N more' card)."""
    featured = list(featured or [])
    top = rarity_colour(field(featured[0], "rarity")) if featured else ACCENT
    img = corner_gradient(BANNER_SIZE, mix(ACCENT, BG, 0.45), mix(top, BG, 0.7),
                          mix(ACCENT, BG, 0.85), mix(top, BG, 0.88))
    draw = ImageDraw.Draw(img, "RGBA")
    # diagonal light stripes and sparkles behind everything
    W, H = BANNER_SIZE
    for i, x in enumerate((360, 470, 640, 820)):
        k = 40 + 30 * (i % 2)
        draw.polygon([(x, 0), (x + k, 0), (x + k - H * 0.5, H), (x - H * 0.5, H)],
                     fill=(255, 255, 255, 10))
    for cx, cy, r in ((380, 60, 9), (28, 360, 6), (405, 330, 7), (300, 40, 5)):
        draw.polygon(star_shape(cx, cy, r), fill=(255, 255, 255, 120))

    x = 32
    active = as_bool(field(banner, "is_active"))
    box = pill(draw, (x, 30), "ACTIVE" if active else "INACTIVE", font(14, "bold"),
               (GREEN if active else (110, 110, 125)) + (255,), pad_x=10, height=26)
    bid = as_int(field(banner, "id"))
    if bid is not None:
        text(draw, (box[2] + 10, 43), f"banner #{bid}", font(14, "regular"), fill=MUTED,
             anchor="lm")
    lines, nf = fit_block(field(banner, "name") or "Banner", LEFT_W - x - 10, 196 - 74,
                          (46, 40, 34, 28), "bold")
    lh = line_height(nf)
    ny = 74
    for i, line in enumerate(lines):
        text(draw, (x, ny + i * lh), line, nf, fill=TEXT, shadow=True)

    ry = 210
    rate = fmt_percent(field(banner, "rate_up_chance"))
    pill(draw, (x, ry), f"RATE UP {rate}", font(18, "bold"), PINK + (255,), pad_x=12, height=34)
    info = font(20, "regular")
    text(draw, (x, ry + 62), f"ends {fmt_datetime(field(banner, 'ends_at'))}", info, fill=TEXT)
    text(draw, (x, ry + 94), f"spark: {fmt_int(field(banner, 'spark_cost'))} points", info,
         fill=TEXT)
    starts = field(banner, "starts_at")
    if starts is not None:
        text(draw, (x, ry + 130), f"started {fmt_datetime(starts)}", font(15, "regular"),
             fill=MUTED)

    if not featured:
        text(draw, ((FEAT_X0 + FEAT_X1) / 2, FEAT_TOP + FEAT_H / 2), "No featured units",
             font(24, "bold"), fill=MUTED, anchor="mm")
    else:
        boxes = featured_boxes(min(len(featured), MAX_FEATURED))
        shown = featured if len(featured) <= MAX_FEATURED else featured[:MAX_FEATURED - 1]
        pics = load_arts(art, [art_job(u, _art_box(b), 3) for b, u in zip(boxes, shown)])
        for b, unit, pic in zip(boxes, shown, pics):
            _feature_card(img, draw, b, unit, art, pic)
        if len(shown) < len(featured):
            _more_card(draw, boxes[-1], len(featured) - len(shown))
    return to_png(img)
