"""Shared pieces of the renderers: colours, fonts, safe text, fitted text, art, PNG output.

Everything here is pure: the only caches are functools.lru_cache memos of font files, font
objects, glyph-coverage answers, text runs, drawn runs and scaled emoji, which never change
once computed. load_arts and the PNG writer use one short-lived helper thread each, joined
before they return.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import math
import re
import struct
import threading
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFont, features

# --- colours -------------------------------------------------------------------------------------
RGB = tuple[int, int, int]

RARITY_COLOURS: dict[str, RGB] = {
    "UR": (255, 70, 110),
    "SSR": (255, 196, 0),
    "SR": (170, 90, 255),
    "R": (70, 150, 255),
}
RARITY_STARS = {"UR": 4, "SSR": 3, "SR": 2, "R": 1}
UNKNOWN_RARITY: RGB = (140, 140, 155)

BG: RGB = (24, 24, 32)
PANEL: RGB = (36, 36, 50)
TEXT: RGB = (242, 242, 248)
MUTED: RGB = (160, 160, 182)
DIM: RGB = (105, 105, 125)
GREEN: RGB = (70, 210, 120)
RED: RGB = (235, 75, 85)
ORANGE: RGB = (255, 150, 50)
PINK: RGB = (255, 80, 170)
CYAN: RGB = (80, 205, 255)
COIN: RGB = (255, 205, 80)
WHITE: RGB = (255, 255, 255)


def rarity_key(rarity: Any) -> str:
    return clean_text(rarity, 8).upper()


def rarity_colour(rarity: Any) -> RGB:
    return RARITY_COLOURS.get(rarity_key(rarity), UNKNOWN_RARITY)


def rarity_stars(rarity: Any) -> int:
    return RARITY_STARS.get(rarity_key(rarity), 0)


def rarity_label(rarity: Any) -> str:
    """'SSR ★★★' for known rarities, the cleaned text (or '?') otherwise."""
    key = rarity_key(rarity)
    stars = RARITY_STARS.get(key)
    return f"{key} {'★' * stars}" if stars else (key or "?")


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """a blended towards b by t (0 = a, 1 = b)."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def with_alpha(c: RGB, alpha: int) -> tuple[int, int, int, int]:
    return (c[0], c[1], c[2], alpha)


def ink_on(c: RGB) -> RGB:
    """Dark or light text, whichever reads on background c."""
    lum = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
    return (20, 20, 28) if lum > 150 else WHITE


# --- fonts ---------------------------------------------------------------------------------------
# Text is drawn with DejaVu Sans. Characters it lacks fall back, one cluster at a time, to
# Noto Sans CJK (Japanese, Chinese, Korean), then to an emoji font: Noto Color Emoji (a bitmap
# font with one 109 px strike: each emoji is drawn at that size and scaled to the text) or,
# without it, Symbola. Emoji (pictographs, flags, keycaps, ZWJ sequences, anything asking for
# emoji presentation) try the emoji fonts first. A font missing from the machine is skipped:
# what nothing else draws shows as DejaVu's box.
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
              "/usr/share/fonts/TTF", "/usr/local/share/fonts")
_FONT_FILES = {
    "regular": ("DejaVuSans.ttf",),
    "bold": ("DejaVuSans-Bold.ttf",),
    "cond": ("DejaVuSansCondensed-Bold.ttf", "DejaVuSans-Bold.ttf"),
}
_FALLBACK_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto",
                  "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk",
                  "/usr/share/fonts/noto", "/usr/share/fonts/google-noto-emoji",
                  "/usr/share/fonts/truetype/ancient-scripts", "/usr/share/fonts/TTF",
                  "/usr/local/share/fonts")
# (file, index in a collection): the CJK collections' first face is the Japanese one, which
# has every ideograph, kana and Hangul syllable the Chinese and Korean faces have
_FALLBACK_FILES = {
    "cjk-regular": (("NotoSansCJK-Regular.ttc", 0), ("NotoSansCJKjp-Regular.otf", 0)),
    "cjk-bold": (("NotoSansCJK-Bold.ttc", 0), ("NotoSansCJKjp-Bold.otf", 0)),
    "emoji": (("NotoColorEmoji.ttf", 0),),
    "symbols": (("Symbola_hint.ttf", 0), ("Symbola.ttf", 0)),
}
EMOJI_STRIKES = (109, 136, 128, 72, 64, 32)     # bitmap emoji fonts load only at a strike size
PROBE_SIZE = 24                                 # glyph coverage is tested at this size


@lru_cache(maxsize=None)
def _font_path(style: str) -> str | None:
    for name in _FONT_FILES[style]:
        for d in _FONT_DIRS:
            p = Path(d) / name
            if p.is_file():
                return str(p)
    return None


@lru_cache(maxsize=None)
def _fallback_path(kind: str) -> tuple[str, int] | None:
    for name, index in _FALLBACK_FILES[kind]:
        for d in _FALLBACK_DIRS:
            p = Path(d) / name
            if p.is_file():
                return str(p), index
    return None


@lru_cache(maxsize=256)
def font(size: int, style: str = "regular") -> Any:
    """DejaVu Sans at `size` px ('regular', 'bold' or 'cond' = condensed bold), falling back
    to Pillow's built-in font when the file is missing or unreadable. The font uses FreeType's
    basic layout, which is much faster; `text` and `text_width` switch to its complex-layout
    twin (raqm: shaping, right-to-left, combining marks) for text that needs it, and draw
    the characters it lacks with the fallback fonts (see `runs`)."""
    size = max(6, int(size))
    path = _font_path(style)
    if path:
        try:
            return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)
        except OSError:
            pass
    return ImageFont.load_default(size=size)


# Latin, Greek, Cyrillic, Armenian, the symbol blocks, CJK and Hangul syllables lay out fine
# without shaping; combining marks (the kana voicing marks too), right-to-left and other
# scripts need raqm
_NEEDS_SHAPING = re.compile("[^\u0000-\u02ff\u0370-\u058f\u1e00-\u1fff\u2000-\u2bff"
                            "\u3000-\u3098\u309b-\u9fff\uac00-\ud7a3\uf900-\ufaff"
                            "\uff00-\uffef]")


@lru_cache(maxsize=256)
def _shaping_twin(f: Any) -> Any:
    path = getattr(f, "path", None)
    if not path or not features.check("raqm"):
        return f
    try:
        return ImageFont.truetype(path, f.size, index=getattr(f, "index", 0),
                                  layout_engine=ImageFont.Layout.RAQM)
    except Exception:
        return f


def font_for(value: str, f: Any) -> Any:
    """f, or its raqm twin when value needs complex layout."""
    if isinstance(f, ImageFont.FreeTypeFont) and _NEEDS_SHAPING.search(value):
        return _shaping_twin(f)
    return f


@lru_cache(maxsize=512)
def _fallback_font(kind: str, size: int) -> Any:
    """The 'cjk-regular', 'cjk-bold' or 'symbols' fallback font at size px, or None."""
    found = _fallback_path(kind)
    if found is None:
        return None
    try:
        return ImageFont.truetype(found[0], size, index=found[1],
                                  layout_engine=ImageFont.Layout.BASIC)
    except Exception:
        return None


@lru_cache(maxsize=None)
def _emoji_font() -> Any:
    """The colour emoji font at its strike size (raqm layout when available, so that ZWJ
    sequences, flags, keycaps and skin tones become one glyph), or None."""
    found = _fallback_path("emoji")
    if found is None:
        return None
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    for size in EMOJI_STRIKES:
        try:
            return ImageFont.truetype(found[0], size, index=found[1], layout_engine=layout)
        except Exception:
            continue
    return None


@lru_cache(maxsize=512)
def _emoji_strike(cluster: str) -> tuple[Image.Image, int] | None:
    """One emoji cluster drawn in colour by the emoji font at its strike size: (RGBA image
    one advance wide and ascent + descent tall, ascent), or None when the font lacks it."""
    ef = _emoji_font()
    if ef is None:
        return None
    try:
        if ef.layout_engine != ImageFont.Layout.RAQM and len(cluster) > 1:
            cluster = cluster[0]     # no shaping: draw the sequence's first emoji alone
        ascent, descent = ef.getmetrics()
        w = max(1, math.ceil(ef.getlength(cluster)))
        im = Image.new("RGBA", (w, ascent + descent))
        ImageDraw.Draw(im).text((0, ascent), cluster, font=ef, embedded_color=True, anchor="ls")
        if im.getbbox() is None:     # the font's empty missing glyph
            return None
        return im, ascent
    except Exception:
        return None


# emoji are scaled from the strike size to size px x EMOJI_SCALE: Noto's 136 x 128 px bitmaps
# at 109 px then span the main font's ascent and descent, as browsers draw them
EMOJI_SCALE = 1.0


@lru_cache(maxsize=1024)
def _emoji_tile(cluster: str, size: int) -> tuple[Image.Image, float, float] | None:
    """The emoji scaled for size-px text: (RGBA tile, advance, tile top above the baseline)."""
    got = _emoji_strike(cluster)
    ef = _emoji_font()
    if got is None or ef is None:
        return None
    strike, ascent = got
    k = size * EMOJI_SCALE / ef.size
    tile = strike.resize((max(1, round(strike.width * k)), max(1, round(strike.height * k))),
                         Image.Resampling.LANCZOS)
    return tile, strike.width * k, ascent * k


@lru_cache(maxsize=64)
def _missing_mask(f: Any) -> tuple[tuple[int, int], bytes]:
    m = f.getmask("\U0010fffd")
    return m.size, bytes(m)


def draws_glyph(f: Any, ch: str) -> bool:
    """Whether font f draws ch as something other than its missing-glyph box (no cache)."""
    try:
        size, data = _missing_mask(f)
        got = f.getmask(ch)
        return not (got.size == size and bytes(got) == data)
    except Exception:
        return False


@lru_cache(maxsize=None)
def _probe(key: Any) -> Any:
    """The font to test coverage with: key is (path, index) or a font object."""
    if isinstance(key, tuple):
        try:
            return ImageFont.truetype(key[0], PROBE_SIZE, index=key[1],
                                      layout_engine=ImageFont.Layout.BASIC)
        except Exception:
            return None
    return key


def _coverage_key(f: Any) -> Any:
    path = getattr(f, "path", None)
    return (path, getattr(f, "index", 0)) if isinstance(path, str) else f


@lru_cache(maxsize=16384)
def _covers(key: Any, ch: str) -> bool:
    f = _probe(key)
    return f is not None and draws_glyph(f, ch)


# kinds of run: drawn by the main font, the CJK font, the emoji font or the symbol font
MAIN, CJK, EMOJI, SYMBOLS = 0, 1, 2, 3


def _is_emoji(cluster: str) -> bool:
    """Pictographs, flags and anything asking for emoji presentation (VS16, a keycap)."""
    cp = ord(cluster[0])
    return 0x1F000 <= cp <= 0x1FAFF or "\ufe0f" in cluster or "\u20e3" in cluster


def clusters(value: str) -> list[str]:
    """value cut into pieces never split across fonts, lines or an ellipsis: a character with
    its combining marks, variation selectors, skin tones and emoji tags; ZWJ sequences of
    symbols; pairs of regional indicators (flags)."""
    if value.isascii():
        return list(value)
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        j = i + 1
        if 0x1F1E6 <= ord(value[i]) <= 0x1F1FF and j < n and 0x1F1E6 <= ord(value[j]) <= 0x1F1FF:
            j += 1
        while j < n:
            c = value[j]
            cp = ord(c)
            if c == "\u200d":
                j += 2 if j + 1 < n and ord(value[j + 1]) >= 0x2000 else 1
            elif (0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F
                  or unicodedata.category(c) in ("Mn", "Me")):
                j += 1
            else:
                break
        out.append(value[i:j])
        i = j
    return out


def _cjk_kind(f: Any) -> str:
    try:
        return "cjk-bold" if "bold" in (f.getname()[1] or "").lower() else "cjk-regular"
    except Exception:
        return "cjk-regular"


@lru_cache(maxsize=8192)
def _pick(main_key: Any, cjk: str, cluster: str) -> int | None:
    """Which font draws the cluster (MAIN, CJK, EMOJI, SYMBOLS), None when none has it."""
    base = cluster[0]

    def has(kind: int) -> bool:
        if kind == MAIN:
            return _covers(main_key, base)
        if kind == EMOJI:
            return _emoji_strike(cluster) is not None
        path = _fallback_path(cjk if kind == CJK else "symbols")
        return path is not None and _covers(path, base)

    order = (EMOJI, SYMBOLS, MAIN, CJK) if _is_emoji(cluster) else (MAIN, CJK, EMOJI, SYMBOLS)
    for kind in order:
        if has(kind):
            return kind
    return None


Run = tuple[int, str]


@lru_cache(maxsize=8192)
def _runs(value: str, f: Any) -> tuple[Run, ...]:
    key, cjk = _coverage_key(f), _cjk_kind(f)
    out: list[list[Any]] = []
    for cl in clusters(value):
        kind = _pick(key, cjk, cl)
        if kind is None:
            kind = MAIN              # nobody has it: the main font's box
        if out and out[-1][0] == kind and kind != EMOJI:
            out[-1][1] += cl
        else:
            out.append([kind, cl])
    return tuple((k, s) for k, s in out)


def runs(value: str, f: Any) -> tuple[Run, ...]:
    """value split into (kind, text) runs, each drawn by one font: MAIN (f itself), CJK,
    EMOJI (one cluster per run) or SYMBOLS. Plain ASCII is one MAIN run without a lookup."""
    if not value:
        return ()
    if value.isascii() or not isinstance(f, ImageFont.FreeTypeFont):
        return ((MAIN, value),)
    return _runs(value, f)


def run_font(kind: int, f: Any) -> Any:
    """The font drawing a run of `kind` next to main font f (None for EMOJI, or when the
    fallback font is missing: f then draws it, as boxes)."""
    if kind == MAIN:
        return f
    if kind == EMOJI:
        return None
    return _fallback_font(_cjk_kind(f) if kind == CJK else "symbols", f.size) or f


def has_glyph(ch: str, style: str = "bold") -> bool:
    """Whether some font draws `ch` (a character or cluster) as something other than a
    missing-glyph box."""
    f = font(PROBE_SIZE, style)
    if not isinstance(f, ImageFont.FreeTypeFont):
        return draws_glyph(f, ch[:1])
    try:
        return _pick(_coverage_key(f), _cjk_kind(f), ch) is not None
    except Exception:
        return False


# --- safe text -----------------------------------------------------------------------------------
MAX_TEXT = 200
_SPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")


def clean_text(value: Any, limit: int = MAX_TEXT) -> str:
    """Any value as one safe line of at most `limit` characters: None -> '', control
    characters and lone surrogates removed (line breaks become spaces), whitespace collapsed,
    runs of combining marks capped at 2 so stacked diacritics cannot climb out of their box."""
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:
            return ""
    out: list[str] = []
    marks = 0
    for ch in value[: limit * 4]:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or cat in ("Zl", "Zp"):
            if ch in _SPACE_CONTROLS or cat in ("Zl", "Zp"):
                out.append(" ")
            continue
        if cat in ("Mn", "Me"):
            marks += 1
            if marks > 2:
                continue
        else:
            marks = 0
        out.append(ch)
    return " ".join("".join(out).split())[:limit]


def field(row: Any, key: str, default: Any = None) -> Any:
    """row[key] for a dict, an asyncpg Record or anything indexable; default when absent."""
    if row is None:
        return default
    try:
        value = row[key]
    except (KeyError, IndexError, TypeError, ValueError):
        return default
    return default if value is None else value


def as_int(value: Any, default: int | None = None) -> int | None:
    if isinstance(value, bool):
        return int(value)
    try:
        if isinstance(value, float) and not math.isfinite(value):
            return default
        return int(value)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return default


def as_bool(value: Any) -> bool:
    try:
        return bool(value)
    except Exception:
        return False


def fmt_int(value: Any, missing: str = "—") -> str:
    """12345 -> '12,345'; None or garbage -> missing."""
    n = as_int(value)
    return missing if n is None else f"{n:,}"


def fmt_percent(value: Any) -> str:
    """0.5 / Decimal('0.5') -> '50%'; 0.125 -> '12.5%'."""
    try:
        pct = float(Decimal(str(value)) * 100)
    except Exception:
        return "—"
    if not math.isfinite(pct):
        return "—"
    return f"{pct:.0f}%" if abs(pct - round(pct)) < 0.05 else f"{pct:.1f}%"


def fmt_datetime(value: Any, *, with_time: bool = True) -> str:
    """A datetime as '2025-06-30 18:00 UTC' (tz-aware converted to UTC, naive taken as UTC);
    a date as '2025-06-30'; anything else as its cleaned text."""
    if isinstance(value, _dt.datetime):
        try:
            if value.tzinfo is not None:
                value = value.astimezone(_dt.timezone.utc)
        except (OverflowError, ValueError):
            pass
        return value.strftime("%Y-%m-%d %H:%M UTC") if with_time else value.strftime("%Y-%m-%d")
    if isinstance(value, _dt.date):
        return value.strftime("%Y-%m-%d")
    return clean_text(value, 40) or "—"


# --- fitted text ---------------------------------------------------------------------------------
ELLIPSIS = "…"


def _width(value: str, f: Any) -> float:
    f = font_for(value, f)
    try:
        return f.getlength(value)
    except Exception:
        l, _, r, _ = f.getbbox(value)
        return r - l


@lru_cache(maxsize=16384)
def _advance(f: Any, ch: str) -> float:
    return f.getlength(ch)


def _run_width(kind: int, value: str, f: Any) -> float:
    if kind == EMOJI:
        tile = _emoji_tile(value, f.size)
        return tile[1] if tile else 0.0
    rf = run_font(kind, f)
    if kind == CJK and rf is not f and not _NEEDS_SHAPING.search(value):
        # the CJK fonts have no kerning for the basic layout: a run is its characters'
        # advances, each measured once (their CFF outlines are slow to load)
        return sum(_advance(rf, ch) for ch in value)
    return _width(value, rf)


def text_width(text: str, f: Any) -> float:
    """The advance of one line of text in font f, each run measured in its own font."""
    rs = runs(text, f)
    if len(rs) == 1 and rs[0][0] == MAIN:
        return _width(text, f)
    return sum(_run_width(kind, value, f) for kind, value in rs)


def ellipsize(text: str, f: Any, width: float) -> str:
    """text, cut at the end with '…' if it is wider than width (never inside a cluster)."""
    if text_width(text, f) <= width:
        return text
    units = clusters(text)
    lo, hi = 0, len(units)           # the most clusters that fit with the ellipsis
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width("".join(units[:mid]).rstrip() + ELLIPSIS, f) <= width:
            lo = mid
        else:
            hi = mid - 1
    cut = "".join(units[:lo]).rstrip()
    return cut + ELLIPSIS if cut or text_width(ELLIPSIS, f) <= width else ""


def fit_text(value: Any, width: float, sizes: Sequence[int], style: str = "bold"
             ) -> tuple[str, Any]:
    """The largest of `sizes` (descending) at which the cleaned text fits `width`; at the
    smallest size the text is ellipsized. Returns (text, font)."""
    text = clean_text(value)
    for size in sizes:
        f = font(size, style)
        if text_width(text, f) <= width:
            return text, f
    f = font(sizes[-1], style)
    return ellipsize(text, f, width), f


def _wrap(text: str, f: Any, width: float, max_lines: int) -> tuple[list[str], bool]:
    """Greedy wrap by words (by characters for words wider than a line). Returns the lines
    (at most max_lines) and whether everything fitted."""
    lines: list[str] = []
    line = ""
    tokens: list[str] = []
    for word in text.split(" "):
        if text_width(word, f) <= width:
            tokens.append(word)
        else:                         # a long word or a script without spaces: by characters
            chunk = ""
            for ch in clusters(word):
                if chunk and text_width(chunk + ch, f) > width:
                    tokens.append(chunk)
                    chunk = ch
                else:
                    chunk += ch
            if chunk:
                tokens.append(chunk)
    for tok in tokens:
        cand = f"{line} {tok}" if line else tok
        if not line or text_width(cand, f) <= width:
            line = cand
        else:
            lines.append(line)
            line = tok
            if len(lines) == max_lines:
                return lines, False
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        return lines[:max_lines], False
    # a single character wider than the line does not fit either
    return lines, all(text_width(x, f) <= width for x in lines)


def fit_lines(value: Any, width: float, sizes: Sequence[int], max_lines: int,
              style: str = "bold") -> tuple[list[str], Any]:
    """Like fit_text over up to max_lines lines: the largest size at which the wrapped text
    fits; at the smallest size the last line is ellipsized. Returns (lines, font)."""
    text = clean_text(value)
    if not text:
        return [], font(sizes[0], style)
    for size in sizes:
        f = font(size, style)
        lines, ok = _wrap(text, f, width, max_lines)
        if ok:
            return lines, f
    f = font(sizes[-1], style)
    lines, _ = _wrap(text, f, width, max_lines)
    # the last line gets everything after the others (counted in non-space characters, as
    # words split across lines leave no space behind)
    consumed = sum(len(x.replace(" ", "")) for x in lines[:-1])
    i = 0
    while consumed and i < len(text):
        if text[i] != " ":
            consumed -= 1
        i += 1
    rest = text[i:].strip()
    lines = [ellipsize(x, f, width) for x in lines[:-1]] + [ellipsize(rest, f, width)]
    return lines, f


def fit_block(value: Any, width: float, height: float, sizes: Sequence[int],
              style: str = "bold") -> tuple[list[str], Any]:
    """fit_lines with as many lines as fit in height at each size."""
    text_ = clean_text(value)
    if not text_:
        return [], font(sizes[0], style)
    for size in sizes:
        f = font(size, style)
        n = max(1, int(height // line_height(f)))
        lines, ok = _wrap(text_, f, width, n)
        if ok:
            return lines, f
    f = font(sizes[-1], style)
    return fit_lines(text_, width, sizes[-1:], max(1, int(height // line_height(f))), style)


def line_height(f: Any) -> int:
    try:
        ascent, descent = f.getmetrics()
        return ascent + descent
    except Exception:
        return getattr(f, "size", 12) + 4


# --- drawing helpers -----------------------------------------------------------------------------
def new_canvas(size: tuple[int, int], colour: RGB = BG) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", size, colour)
    return img, ImageDraw.Draw(img, "RGBA")


def vgradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient, made by scaling a 1x2 image (fast)."""
    small = Image.new("RGB", (1, 2))
    small.putpixel((0, 0), top)
    small.putpixel((0, 1), bottom)
    return small.resize(size, Image.Resampling.BILINEAR, box=(0, 0.5, 1, 1.5))


def corner_gradient(size: tuple[int, int], tl: RGB, tr: RGB, bl: RGB, br: RGB) -> Image.Image:
    """Bilinear gradient between four corner colours."""
    small = Image.new("RGB", (2, 2))
    for xy, c in (((0, 0), tl), ((1, 0), tr), ((0, 1), bl), ((1, 1), br)):
        small.putpixel(xy, c)
    return small.resize(size, Image.Resampling.BILINEAR, box=(0.5, 0.5, 1.5, 1.5))


def text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], value: str, f: Any,
         fill: Any = TEXT, anchor: str = "la", shadow: bool = False,
         stroke: int = 0, stroke_fill: Any = (0, 0, 0, 200)) -> None:
    """Draw one line of already-cleaned text; never raises. Text in several fonts (see
    `runs`) is drawn run by run on the main font's baseline, placed as `anchor` places it."""
    if not value:
        return
    try:
        rs = runs(value, f)
        if len(rs) > 1 or rs[0][0] != MAIN:
            _draw_runs(draw, xy, rs, f, fill, anchor, shadow, stroke, stroke_fill)
            return
        f = font_for(value, f)
        if shadow:
            draw.text((xy[0] + 1, xy[1] + 2), value, font=f, fill=(0, 0, 0, 150), anchor=anchor)
        draw.text(xy, value, font=f, fill=fill, anchor=anchor,
                  stroke_width=stroke, stroke_fill=stroke_fill if stroke else None)
    except Exception:
        pass


def baseline(f: Any, y: float, anchor: str) -> float:
    """The baseline of text drawn at y with vertical anchor anchor[1] (Pillow's meaning, the
    bbox-dependent 't' and 'b' taken as 'a' and 'd')."""
    ascent, descent = f.getmetrics()
    v = anchor[1] if len(anchor) > 1 else "a"
    if v in ("a", "t"):
        return y + ascent
    if v == "m":
        return y + (ascent - descent) / 2
    if v in ("d", "b"):
        return y - descent
    return y


def _draw_runs(draw: ImageDraw.ImageDraw, xy: tuple[float, float], rs: Sequence[Run], f: Any,
               fill: Any, anchor: str, shadow: bool, stroke: int, stroke_fill: Any) -> None:
    widths = [_run_width(kind, value, f) for kind, value in rs]
    total = sum(widths)
    x = xy[0] - {"m": total / 2, "r": total}.get(anchor[:1], 0)
    y = baseline(f, xy[1], anchor)
    image = getattr(draw, "_image", None)
    for is_shadow in (True, False) if shadow else (False,):    # shadows first, then the runs
        rx = x
        for (kind, value), w in zip(rs, widths):
            if kind == EMOJI:
                if image is not None:
                    _draw_emoji(image, rx, y, value, f.size,
                                (0, 0, 0, 150) if is_shadow else fill, is_shadow)
            elif kind != MAIN and not stroke:
                # fallback runs are drawn from a cached mask: CFF glyphs are slow to render,
                # and the same names come back render after render
                mask = _run_mask(value, font_for(value, run_font(kind, f)))
                if mask is not None:
                    im, dx, dy = mask
                    if is_shadow:
                        draw.bitmap((round(rx) + dx + 1, round(y) + dy + 2), im, (0, 0, 0, 150))
                    else:
                        draw.bitmap((round(rx) + dx, round(y) + dy), im, fill)
            else:
                rf = font_for(value, run_font(kind, f))
                if is_shadow:
                    draw.text((rx + 1, y + 2), value, font=rf, fill=(0, 0, 0, 150), anchor="ls")
                else:
                    draw.text((rx, y), value, font=rf, fill=fill, anchor="ls", stroke_width=stroke,
                              stroke_fill=stroke_fill if stroke else None)
            rx += w


@lru_cache(maxsize=2048)
def _run_mask(value: str, f: Any) -> tuple[Image.Image, int, int] | None:
    """The run drawn once as an 'L' mask, and the mask's offset from the pen on the baseline;
    None when nothing shows."""
    try:
        left, top, right, bottom = f.getbbox(value, anchor="ls")
    except Exception:
        return None
    left, top = math.floor(left), math.floor(top)
    if right <= left or bottom <= top:
        return None
    im = Image.new("L", (math.ceil(right) - left, math.ceil(bottom) - top))
    ImageDraw.Draw(im).text((-left, -top), value, font=f, fill=255, anchor="ls")
    return im, left, top


def _draw_emoji(image: Image.Image, x: float, y: float, cluster: str, size: int, fill: Any,
                is_shadow: bool) -> None:
    """Paste the emoji in its own colours (a shadow: in black), its baseline at y, faded by
    fill's alpha."""
    got = _emoji_tile(cluster, size)
    if got is None:
        return
    tile, _, top = got
    alpha = fill[3] if isinstance(fill, tuple) and len(fill) == 4 else 255
    if is_shadow:
        mask = tile.getchannel("A").point(lambda a: a * alpha // 255)
        tile = Image.new("RGBA", tile.size, (0, 0, 0, 0))
        tile.putalpha(mask)
        x, y = x + 1, y + 2
    elif alpha < 255:
        tile = tile.copy()
        tile.putalpha(tile.getchannel("A").point(lambda a: a * alpha // 255))
    left, up = round(x), round(y - top)
    if image.mode == "RGBA":         # alpha_composite wants the part inside the image
        l, t = max(0, -left), max(0, -up)
        r, b = min(tile.width, image.width - left), min(tile.height, image.height - up)
        if r > l and b > t:
            image.alpha_composite(tile, (left + l, up + t), (l, t, r, b))
    else:
        image.paste(tile, (left, up), tile)


def pill(draw: ImageDraw.ImageDraw, xy: tuple[float, float], label: str, f: Any,
         fill: Any, ink: Any = None, *, align: str = "left", pad_x: int = 7,
         height: int | None = None, lead: int = 0) -> tuple[int, int, int, int]:
    """A rounded label whose top-left (align='left'), top-centre ('center') or top-right
    ('right') is at xy, with `lead` extra px on the left for an icon. Returns its box."""
    w = int(text_width(label, f)) + 2 * pad_x + lead
    h = height or line_height(f) + 4
    x, y = int(xy[0]), int(xy[1])
    if align == "right":
        x -= w
    elif align == "center":
        x -= w // 2
    box = (x, y, x + w, y + h)
    draw.rounded_rectangle(box, radius=h // 2, fill=fill)
    if ink is None:
        ink = ink_on(fill[:3])
    text(draw, (x + lead + (w - lead) / 2, y + h / 2), label, f, fill=ink, anchor="mm")
    return box


def bar(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], frac: float,
        colour: RGB, track: Any = (255, 255, 255, 28)) -> None:
    """A horizontal progress bar filled to frac (clamped to 0..1)."""
    x0, y0, x1, y1 = box
    r = (y1 - y0) // 2
    draw.rounded_rectangle(box, radius=r, fill=track)
    try:
        frac = min(1.0, max(0.0, float(frac)))
    except (TypeError, ValueError):
        frac = 0.0
    if not math.isfinite(frac):
        frac = 0.0
    if frac > 0:
        w = max(y1 - y0, round((x1 - x0) * frac))
        draw.rounded_rectangle((x0, y0, x0 + w, y1), radius=r, fill=colour)


def rounded_mask(size: tuple[int, int], radius: int,
                 corners: tuple[bool, bool, bool, bool] = (True, True, True, True)) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=radius,
                                           fill=255, corners=corners)
    return mask


def paste_rounded(img: Image.Image, tile: Image.Image, xy: tuple[int, int], radius: int,
                  corners: tuple[bool, bool, bool, bool] = (True, True, True, True),
                  frame: int = 0) -> None:
    """Paste tile with rounded corners. `frame`: the width of a rounded frame (outer radius
    radius + frame) drawn round it afterwards; when that frame covers the square corners
    anyway, the tile is pasted without a mask (faster)."""
    if radius <= 0 or frame >= 0.3 * (radius + frame):
        img.paste(tile, xy)
    else:
        img.paste(tile, xy, rounded_mask(tile.size, radius, corners))


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _png_rgb(img: Image.Image) -> bytes:
    """An 8-bit RGB PNG with every scanline 'Up'-filtered (each byte minus the byte above,
    computed by one ImageChops pass) and deflated at zlib level 1. About twice as fast as
    Pillow's PNG writer, whose adaptive per-line filter choice dominates its time at these
    sizes, for files of similar size."""
    w, h = img.size
    stride = 3 * w
    # offset() wraps the last row round to the top: row 0 is written unfiltered instead
    raw = memoryview(ImageChops.subtract_modulo(img, ImageChops.offset(img, 0, 1)).tobytes())
    parts: list[Any] = [b"\x00", img.crop((0, 0, w, 1)).tobytes()]
    for i in range(stride, len(raw), stride):
        parts += (b"\x02", raw[i:i + stride])
    lines = b"".join(parts)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)   # 8-bit truecolour, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", _deflate(lines)) + _png_chunk(b"IEND", b""))


PARALLEL_DEFLATE_MIN = 512 * 1024


def _deflate(data: bytes) -> bytes:
    """zlib.compress(data, 1), with big inputs deflated as two halves at once (zlib releases
    the GIL): the first half ends in a sync flush, so the raw streams concatenate into one
    valid stream (as pigz does), and the Adler-32 trailer is computed over the whole."""
    if len(data) < PARALLEL_DEFLATE_MIN:
        return zlib.compress(data, 1)
    view = memoryview(data)
    half = len(data) // 2
    parts: list[bytes | None] = [None, None]

    def deflate(i: int) -> None:
        c = zlib.compressobj(1, zlib.DEFLATED, -15)
        chunk = view[:half] if i == 0 else view[half:]
        parts[i] = c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH if i == 0 else zlib.Z_FINISH)

    helper = threading.Thread(target=deflate, args=(1,), daemon=True)
    helper.start()
    try:
        deflate(0)
    finally:
        helper.join()
    if parts[1] is None:             # the helper failed (out of memory?): do it here
        deflate(1)
    return b"\x78\x01" + parts[0] + parts[1] + struct.pack(">I", zlib.adler32(data))


def to_png(img: Image.Image) -> bytes:
    """The image as PNG bytes."""
    if img.mode == "RGB" and img.width > 0 and img.height > 1:
        return _png_rgb(img)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False, compress_level=1)
    return buf.getvalue()


# --- art -----------------------------------------------------------------------------------------
MAX_ART_PIXELS = 40_000_000      # refuse decompression bombs before decoding
ART_CENTERING = (0.5, 0.3)       # portraits: keep the upper part (faces) when cropping


def art_bytes(art: Any, url: Any) -> bytes | None:
    if url is None or art is None:
        return None
    try:
        data = art.get(url) if isinstance(art, Mapping) else art[url]
    except Exception:
        return None
    if isinstance(data, (bytes, bytearray, memoryview)) and len(data) > 0:
        return bytes(data)
    return None


def decode_art(data: bytes, size: tuple[int, int]) -> Image.Image:
    """Decode image bytes and cover-crop them to size (RGB). Raises on anything undecodable."""
    im = Image.open(io.BytesIO(data))
    w, h = im.size
    if w <= 0 or h <= 0 or w * h > MAX_ART_PIXELS:
        raise ValueError("unusable image size")
    if im.format == "JPEG":
        im.draft("RGB", size)        # decode at a reduced scale: much faster for big JPEGs
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        flat = Image.new("RGB", im.size, PANEL)
        flat.paste(im, mask=im.getchannel("A"))
        im = flat
    elif im.mode != "RGB":
        im = im.convert("RGB")
    box = cover_box(im.size, size)
    shrinking = box[2] - box[0] >= size[0] and box[3] - box[1] >= size[1]
    # shrinking: area averaging (BOX) is as good as bilinear here and a third faster
    resample = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
    return im.resize(size, resample, box=box)


def cover_box(src: tuple[int, int], dst: tuple[int, int],
              centering: tuple[float, float] = ART_CENTERING) -> tuple[float, float, float, float]:
    """The largest region of a src-sized image with dst's aspect ratio, placed by centering."""
    sw, sh = src
    dw, dh = dst
    if sw * dh > sh * dw:            # source wider: crop the sides
        cw, ch = sh * dw / dh, sh
    else:                            # source taller: crop top and bottom
        cw, ch = sw, sw * dh / dw
    x0 = (sw - cw) * centering[0]
    y0 = (sh - ch) * centering[1]
    return (x0, y0, x0 + cw, y0 + ch)


def _seed(name: str, rarity: str) -> bytes:
    return hashlib.sha256(f"{rarity}\x1f{name}".encode("utf-8", "replace")).digest()


def _hue_shift(c: RGB, degrees: float) -> RGB:
    import colorsys
    h, l, s = colorsys.rgb_to_hls(*(v / 255 for v in c))
    r, g, b = colorsys.hls_to_rgb((h + degrees / 360) % 1.0, l, s)
    return (round(r * 255), round(g * 255), round(b * 255))


def initials(name: str) -> str:
    """Up to two initials the fonts can draw ('Zoë Löwe' -> 'ZL'); one when the first is a
    wide (CJK) character, as two of those fill the art ('竈門 禰豆子' -> '竈'); '★' when none."""
    out = ""
    for word in name.split():
        for ch in word:
            if ch.isalnum() and has_glyph(ch.upper()):
                out += ch.upper()
                break
        if len(out) == 2 or (out and unicodedata.east_asian_width(out[0]) in ("W", "F")):
            break
    return out or "★"


def placeholder(name: Any, rarity: Any, size: tuple[int, int]) -> Image.Image:
    """Generated art for a character without a usable image: a gradient in the rarity colour
    (its hue nudged by a hash of the name), soft light shapes and the name's initials. The
    same (name, rarity, size) always gives the same pixels."""
    name_s = clean_text(name)
    rkey = rarity_key(rarity)
    base = rarity_colour(rkey)
    seed = _seed(name_s, rkey)
    w, h = size
    shift = (seed[0] / 255 - 0.5) * 50
    c1 = mix(_hue_shift(base, shift), WHITE, 0.12)
    c2 = mix(_hue_shift(base, -shift), BG, 0.55)
    c3 = mix(base, BG, 0.8)
    if seed[1] & 1:
        img = corner_gradient(size, c1, c2, c2, c3)
    else:
        img = corner_gradient(size, c2, c1, c3, c2)
    d = ImageDraw.Draw(img, "RGBA")
    # a few large soft circles and diagonal light rays, positioned by the hash
    for i in range(3):
        cx = seed[2 + i] / 255 * w
        cy = seed[5 + i] / 255 * h
        r = (0.25 + seed[8 + i] / 255 * 0.35) * max(w, h)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 14 + seed[11 + i] % 14))
    for i in range(2):
        x = seed[14 + i] / 255 * w
        k = w * 0.18
        d.polygon([(x, 0), (x + k, 0), (x + k - h * 0.6, h), (x - h * 0.6, h)],
                  fill=(255, 255, 255, 16))
    # sparkles: four-pointed stars
    for i in range(4):
        sx = seed[16 + i] / 255 * w
        sy = seed[20 + i] / 255 * h * 0.9
        r = min(w, h) * (0.03 + seed[24 + i] / 255 * 0.03)
        d.polygon(star_shape(sx, sy, r), fill=(255, 255, 255, 90 + seed[28 + i] % 90))
    # initials
    ini = initials(name_s)
    size_px = int(min(w * (0.5 if len(ini) > 1 else 0.6), h * 0.45))
    f = font(size_px, "bold")
    text(d, (w / 2, h * 0.45), ini, f, fill=(255, 255, 255, 230), anchor="mm",
         stroke=max(1, size_px // 70), stroke_fill=(0, 0, 0, 50))
    return img


def load_art(art: Any, url: Any, size: tuple[int, int], name: Any, rarity: Any) -> Image.Image:
    """The unit's image cover-cropped to size, or its placeholder when the URL is None,
    missing from `art` or its bytes do not decode."""
    size = (max(1, int(size[0])), max(1, int(size[1])))
    data = art_bytes(art, url)
    if data is not None:
        try:
            return decode_art(data, size)
        except Exception:
            pass
    return placeholder(name, rarity, size)


ArtJob = tuple[Any, tuple[int, int], Any, Any]     # (image_url, size, name, rarity)


def load_arts(art: Any, jobs: Sequence[ArtJob]) -> list[Image.Image]:
    """load_art for each (url, size, name, rarity). With several, every other one is loaded
    on a helper thread meanwhile: JPEG decoding and resizing release the GIL, so on two
    cores a 10-pull's art takes about half the time."""
    out: list[Image.Image | None] = [None] * len(jobs)

    def work(indexes: range) -> None:
        for i in indexes:
            url, size, name, rarity = jobs[i]
            out[i] = load_art(art, url, size, name, rarity)

    if len(jobs) >= 4:
        helper = threading.Thread(target=work, args=(range(1, len(jobs), 2),), daemon=True)
        helper.start()
        try:
            work(range(0, len(jobs), 2))
        finally:
            helper.join()
    for i, im in enumerate(out):      # anything the helper did not do (or a short list)
        if im is None:
            work(range(i, i + 1))
    return out  # type: ignore[return-value]


# --- composite pieces ----------------------------------------------------------------------------
def framed_art(img: Image.Image, draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int],
               unit: Any, art: Any, *, frame: int = 3, radius: int = 8,
               colour: RGB | None = None, pic: Image.Image | None = None
               ) -> tuple[int, int, int, int]:
    """The unit's art (or placeholder; or pic, already loaded at art_size(box, frame))
    filling box, framed in its rarity colour (or colour). Returns the inner art rectangle."""
    x0, y0, x1, y1 = box
    name = field(unit, "name")
    rarity = field(unit, "rarity")
    colour = colour or rarity_colour(rarity)
    inner = (x0 + frame, y0 + frame, x1 - frame, y1 - frame)
    if pic is None:
        pic = load_art(art, field(unit, "image_url"), art_size(box, frame), name, rarity)
    paste_rounded(img, pic, (inner[0], inner[1]), max(0, radius - frame), frame=frame)
    draw.rounded_rectangle((x0, y0, x1 - 1, y1 - 1), radius=radius, outline=colour, width=frame)
    return inner


def art_job(unit: Any, box: tuple[int, int, int, int], frame: int) -> ArtJob:
    """The load_arts job for the unit's art in a framed_art box."""
    return (field(unit, "image_url"), art_size(box, frame), field(unit, "name"),
            field(unit, "rarity"))


def art_size(box: tuple[int, int, int, int], frame: int) -> tuple[int, int]:
    """Size of the art inside a framed_art box."""
    return box[2] - box[0] - 2 * frame, box[3] - box[1] - 2 * frame


def padlock(draw: ImageDraw.ImageDraw, x: float, y: float, size: float, colour: Any) -> None:
    """A padlock icon whose top-left is (x, y), size px tall."""
    w = size * 0.8
    body_top = y + size * 0.42
    t = max(1, round(size / 8))
    draw.arc((x + w * 0.18, y, x + w * 0.82, y + size * 0.75), 180, 360, fill=colour, width=t)
    draw.line((x + w * 0.18 + t / 2, y + size * 0.37, x + w * 0.18 + t / 2, body_top),
              fill=colour, width=t)
    draw.line((x + w * 0.82 - t / 2, y + size * 0.37, x + w * 0.82 - t / 2, body_top),
              fill=colour, width=t)
    draw.rounded_rectangle((x, body_top, x + w, y + size), radius=max(1, round(size / 8)),
                           fill=colour)


def star_shape(cx: float, cy: float, r: float, inner: float = 0.28) -> list[tuple[float, float]]:
    """A four-pointed sparkle polygon."""
    k = r * inner
    return [(cx, cy - r), (cx + k, cy - k), (cx + r, cy), (cx + k, cy + k), (cx, cy + r),
            (cx - k, cy + k), (cx - r, cy), (cx - k, cy - k)]


# every memo of fonts and what they draw: tests that pretend a font is missing clear them
# before and after
FONT_CACHES = (_font_path, _fallback_path, font, _shaping_twin, _fallback_font, _emoji_font,
               _emoji_strike, _emoji_tile, _missing_mask, _probe, _covers, _pick, _runs,
               _advance, _run_mask)
