"""Every name drawn: Japanese, Chinese, Korean and emoji come out as glyphs, never as boxes.

Each renderer is run with names in each script while every ImageDraw.text call and every
emoji pasted is recorded; every character drawn must be one its font really has (its mask
differs from the font's missing-glyph box), every emoji one the emoji font draws as a single
glyph. The fallback fonts are installed by run.sh (fonts-noto-cjk, fonts-noto-color-emoji).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont, features

from bot import render
from bot.render import _common as c

from .fixtures import (banner_row, battle_row, featured, member, open_png, owned, profile_row,
                       pulled, raid_row, shop_slot)

UTC = dt.timezone.utc
JAPANESE = ["竈門 禰豆子", "ヴァイオレット・エヴァーガーデン", "フリーレン"]
CHINESE = ["李白", "魏无羡", "蓝忘机 (含光君)"]
KOREAN = ["김민지", "성진우"]
EMOJI = ["🌸✨🔥", "👩‍🚀", "🇯🇵", "Astro 👩‍🚀 Girl", "Kurumi 🔥"]
MIXED = ["Nezuko 竈門 🌸", "Violet ヴァイオレット", "Jinwoo 성진우 ✨", "李白 Li Bai 🇯🇵"]
NAMES = JAPANESE + CHINESE + KOREAN + EMOJI + MIXED
SERIES = ["鬼滅の刃", "魔道祖师", "나 혼자만 레벨업", "Sousou no Frieren ✨"]
MISSING = "\U0010fffd"                 # in no font: every font's missing-glyph box

REQUIRED = ("cjk-regular", "cjk-bold", "emoji")


@pytest.fixture(autouse=True, scope="module")
def fallback_fonts() -> None:
    missing = [k for k in REQUIRED if c._fallback_path(k) is None]
    assert not missing, (f"fallback fonts not installed ({', '.join(missing)}): "
                         "`bash run.sh setup` installs fonts-noto-cjk and fonts-noto-color-emoji")


def _blank(ch: str) -> bool:
    """Spaces and zero-width characters: nothing to see, nothing to check."""
    return unicodedata.category(ch) in ("Zs", "Cf", "Mn", "Me", "Cc")


def _box(f: Any) -> tuple[tuple[int, int], bytes]:
    m = f.getmask(MISSING)
    return m.size, bytes(m)


def _is_box(f: Any, ch: str) -> bool:
    m = f.getmask(ch)
    return (m.size, bytes(m)) == _box(f)


def _one_emoji_glyph(cluster: str) -> bool:
    """The emoji font draws the cluster, as one glyph (a ZWJ sequence or flag as a ligature)."""
    ef = c._emoji_font()
    im = Image.new("RGBA", (4 * ef.size, 2 * ef.size))
    ImageDraw.Draw(im).text((0, 0), cluster, font=ef, embedded_color=True)
    if im.getbbox() is None:
        return False
    return not features.check("raqm") or ef.getlength(cluster) <= ef.getlength("🔥") + 1


class Recorder:
    """Every string drawn (with its font) and every emoji pasted, while active."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, Any]] = []
        self.emoji: list[str] = []
        self.order: list[str] = []          # both, in drawing order

    def sequence(self) -> str:
        return "".join(self.order)

    def check(self) -> None:
        assert self.texts
        for s, f in self.texts:
            for ch in s:
                if not _blank(ch):
                    assert not _is_box(f, ch), f"{ch!r} of {s!r} drawn as a box by {f.getname()}"
        for cluster in self.emoji:
            assert _one_emoji_glyph(cluster), f"emoji {cluster!r} not drawn as one glyph"


@pytest.fixture
def rec(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    r = Recorder()
    real_text = ImageDraw.ImageDraw.text
    real_emoji = c._draw_emoji
    real_mask = c._run_mask
    inside_mask = []

    def text(self: Any, xy: Any, s: Any, fill: Any = None, font: Any = None, *a: Any,
             **kw: Any) -> Any:
        if isinstance(s, str) and isinstance(font, ImageFont.FreeTypeFont) and not inside_mask:
            r.texts.append((s, font))
            r.order.append(s)
        return real_text(self, xy, s, fill, font, *a, **kw)

    def mask(s: str, font: Any) -> Any:        # a fallback run, drawn from a cached mask
        r.texts.append((s, font))
        r.order.append(s)
        inside_mask.append(1)
        try:
            return real_mask(s, font)
        finally:
            inside_mask.pop()

    def emoji(image: Any, x: float, y: float, cluster: str, *a: Any) -> None:
        r.emoji.append(cluster)
        r.order.append(cluster)
        real_emoji(image, x, y, cluster, *a)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    monkeypatch.setattr(c, "_draw_emoji", emoji)
    monkeypatch.setattr(c, "_run_mask", mask)
    yield r


def _renders() -> dict[str, Callable[[list[str]], bytes]]:
    """Each renderer with the given names in every place a name, series or title goes."""
    def s(i: int) -> str:
        return SERIES[i % len(SERIES)]

    return {
        "pull 10": lambda ns: render.pull_result(
            [pulled(i, name=n, series=s(i)) for i, n in enumerate(ns[:10])], {}),
        "pull 1": lambda ns: render.pull_result([pulled(0, name=ns[0], series=s(0))], {}),
        "unit card": lambda ns: render.unit_card(owned(0, name=ns[0], series=s(1)), {}),
        "collection": lambda ns: render.inventory_page(
            [owned(i, name=n, series=s(i)) for i, n in enumerate(ns)], {}, page=1, pages=1,
            total=len(ns), title=f"{ns[-1]}'s collection"),
        "profile": lambda ns: render.profile_card(
            profile_row(display_name=ns[0], favourite=owned(1, name=ns[-1])), {}),
        "team": lambda ns: render.team_card(
            [member(i + 1, name=n, skills=[s(i), ns[-1]]) for i, n in enumerate(ns[:5])], {},
            total_power=123456),
        "battle": lambda ns: render.battle_result(battle_row(
            units=[dict(name=n, rarity="SR", power=1000 * i) for i, n in enumerate(ns[:5])],
            skills=ns[:3], items={ns[-1]: 1})),
        "banner": lambda ns: render.banner(
            banner_row(name=ns[0]), [featured(i, name=n) for i, n in enumerate(ns[:6])], {}),
        "shop": lambda ns: render.daily_shop(
            [shop_slot(i + 1, name=n, series=s(i)) for i, n in enumerate(ns[:10])], {},
            title=f"prices for {ns[-1]}"),
        "raid": lambda ns: render.raid_card(raid_row(name=ns[0]),
                                             now=dt.datetime(2025, 6, 7, 21, tzinfo=UTC)),
        "bounty": lambda ns: render.bounty_board([], guild_name=ns[0], expires_at=None),
    }


RENDERS = _renders()
SCRIPTS = {"japanese": JAPANESE, "chinese": CHINESE, "korean": KOREAN, "emoji": EMOJI,
           "mixed": MIXED}


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("renderer", RENDERS)
def test_every_character_drawn_is_a_real_glyph(rec, renderer, script):
    names = SCRIPTS[script]
    open_png(RENDERS[renderer](names))
    rec.check()
    # the first name really went through (whole, or at least its first two clusters)
    head = "".join(c.clusters(names[0])[:2])
    assert head in rec.sequence()


@pytest.mark.parametrize("name", NAMES)
def test_names_fit_whole_where_there_is_room(rec, name):
    """A unit card's name has two lines of room: every one of these names is drawn whole."""
    open_png(render.unit_card(owned(0, name=name, series="鬼滅の刃"), {}))
    rec.check()
    assert name.replace(" ", "") in rec.sequence().replace(" ", "")
    for cluster in c.clusters(name):
        if c._is_emoji(cluster):
            assert cluster in rec.emoji


@pytest.mark.parametrize("ch", ["竈", "禰", "ヴ", "李", "김", "지"])
def test_a_cjk_character_is_not_drawn_as_the_missing_glyph_box(ch):
    f = c.font(40, "bold")

    def draw(s: str) -> Image.Image:
        im = Image.new("L", (80, 70))
        c.text(ImageDraw.Draw(im), (10, 10), s, f, fill=255)
        return im

    glyph, box = draw(ch), draw(MISSING)
    assert box.getbbox() is not None            # the main font does draw a box for MISSING
    assert glyph.getbbox() is not None
    assert glyph.tobytes() != box.tobytes()


def test_a_cjk_name_on_a_card_differs_from_boxes():
    """The same card with the name's ideographs replaced by characters no font has: with
    boxes both would be identical."""
    art = {"a": _png()}
    name = "竈門 禰豆子"
    boxes = "".join(ch if ch == " " else MISSING for ch in name)
    real = open_png(render.unit_card(owned(0, name=name, image_url="a"), art))
    fake = open_png(render.unit_card(owned(0, name=boxes, image_url="a"), art))
    assert real.tobytes() != fake.tobytes()


def _png() -> bytes:
    import io
    buf = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("emoji", ["🔥", "🌸", "👩‍🚀", "🇯🇵"])
def test_emoji_are_drawn_in_colour(emoji):
    im, draw = c.new_canvas((80, 60), (0, 0, 0))
    c.text(draw, (10, 10), emoji, c.font(32, "bold"), fill=(255, 255, 255))
    pixels = im.get_flattened_data() if hasattr(im, "get_flattened_data") else im.getdata()
    colours = {px for px in pixels if max(px) - min(px) > 60}
    assert len(colours) > 20                    # not a white (or any one-colour) box


def test_emoji_scale_with_the_text():
    for size in (12, 24, 48):
        f = c.font(size, "bold")
        w = c.text_width("🔥", f)
        assert 0.9 * size < w < 1.5 * size
        im, draw = c.new_canvas((4 * size, 3 * size), (0, 0, 0))
        c.text(draw, (size, size // 2), "🔥", f)
        x0, y0, x1, y1 = im.getbbox()
        # inside the line: from the ascent down to the descent of the main font
        ascent, descent = f.getmetrics()
        assert y0 >= size // 2 - 1 and y1 <= size // 2 + ascent + descent + 1


@pytest.mark.parametrize("anchor", ["la", "lm", "ls", "ld", "ma", "mm", "rm", "ra"])
def test_runs_share_the_main_fonts_baseline(anchor):
    """'H' drawn alone and 'H' leading a mixed line land on the same pixels, for every anchor
    (a centred or right-aligned line is placed as a whole)."""
    f = c.font(30, "bold")

    def h_box(s: str) -> tuple[int, int, int, int]:
        im, draw = c.new_canvas((500, 120), (0, 0, 0))
        c.text(draw, (250, 60), s, f, fill=(255, 255, 255), anchor=anchor)
        if len(s) > 1:                          # the emoji is there, in colour
            assert len({px for px in im.crop((250 - 150, 0, 250 + 150, 120)).getcolors(99999)
                        if max(px[1]) - min(px[1]) > 60}) > 20
        w = c.text_width("H", f)
        x = 250 - {"m": c.text_width(s, f) / 2, "r": c.text_width(s, f)}.get(anchor[0], 0)
        return im.crop((int(x), 0, int(x + w), 120)).getbbox()

    alone, mixed = h_box("H"), h_box("H竈🔥김")
    assert (alone[1], alone[3]) == (mixed[1], mixed[3])          # same rows: same baseline
    assert abs(alone[0] - mixed[0]) <= 1                         # centring rounds differently


@pytest.mark.parametrize("value", ["竈門 禰豆子", "김민지", "ヴァイオレット"])
def test_cached_cjk_runs_draw_what_pillow_draws(value):
    f = c.font(22, "bold")
    cjk = c.run_font(c.CJK, f)
    mine, theirs = Image.new("L", (300, 60)), Image.new("L", (300, 60))
    c.text(ImageDraw.Draw(mine), (10, 10), value, f, fill=255)
    x, base = 10.0, c.baseline(f, 10, "la")
    for kind, run in c.runs(value, f):
        ImageDraw.Draw(theirs).text((x, base), run, font=c.run_font(kind, f), fill=255,
                                    anchor="ls")
        x += (cjk if kind == c.CJK else f).getlength(run)
    assert mine.tobytes() == theirs.tobytes()


def test_widths_add_up_per_run():
    f = c.font(20, "bold")
    for s in NAMES:
        rs = c.runs(s, f)
        assert "".join(v for _, v in rs) == s
        assert c.text_width(s, f) == pytest.approx(sum(c._run_width(k, v, f) for k, v in rs))
        assert c.text_width(s, f) > 0
        for kind, value in rs:                  # CJK runs: the sum of cached advances
            if kind == c.CJK:
                assert c._run_width(kind, value, f) == c.run_font(kind, f).getlength(value)
    assert [k for k, _ in c.runs("Nezuko 竈門 🌸", f)] == [c.MAIN, c.CJK, c.MAIN, c.EMOJI]
    assert c.runs("Frieren", f) == ((c.MAIN, "Frieren"),)
    assert c.runs("Zoë Löwe", f) == ((c.MAIN, "Zoë Löwe"),)      # all in DejaVu: one run
    assert c.clusters("a👩‍🚀🇯🇵1️⃣e\u0301") == ["a", "👩‍🚀", "🇯🇵", "1️⃣", "e\u0301"]


@pytest.mark.parametrize("value", ["👩‍🚀" * 30, "🇯🇵🇰🇷🇨🇳" * 10, "竈門禰豆子" * 10,
                                   "1️⃣2️⃣3️⃣" * 10, "Astro 👩‍🚀 " * 10])
@pytest.mark.parametrize("width", [30, 75, 160])
def test_fitting_never_cuts_a_cluster(value, width):
    text, f = c.fit_text(value, width, (16, 12), "bold")
    assert c.text_width(text, f) <= width
    body = text.removesuffix(c.ELLIPSIS)
    assert value.startswith(body)
    assert c.clusters(body) == c.clusters(value)[:len(c.clusters(body))]
    lines, f = c.fit_lines(value, width, (16, 12), 2)
    for line in lines:
        assert c.text_width(line, f) <= width
        for cl in c.clusters(line.removesuffix(c.ELLIPSIS)):
            assert cl == " " or cl in c.clusters(value)


def test_missing_fallback_fonts_degrade_to_boxes(monkeypatch):
    """Without the CJK and emoji fonts every renderer still draws (boxes), never raises."""
    for fn in c.FONT_CACHES:
        fn.cache_clear()
    monkeypatch.setattr(c, "_fallback_path", lambda kind: None)
    try:
        f = c.font(20, "bold")
        assert {k for k, _ in c.runs("竈門 禰豆子 🌸👩‍🚀", f)} == {c.MAIN}
        assert c.text_width("竈門🌸", f) > 0
        assert not c.has_glyph("竈")
        for render_ in RENDERS.values():
            open_png(render_(NAMES))
    finally:
        monkeypatch.undo()
        for fn in c.FONT_CACHES:
            fn.cache_clear()


def test_every_name_and_series_of_the_demo_catalogue_is_drawable():
    from bot.demo import DEMO_PLAYER, demo_characters
    chars = demo_characters()
    texts = {DEMO_PLAYER} | {ch["name"] for ch in chars} | {ch["series"] for ch in chars}
    assert any(not t.isascii() for t in texts)
    missing = {cl for t in texts for cl in c.clusters(t) if not _blank(cl[0])
               and not c.has_glyph(cl)}
    assert not missing
