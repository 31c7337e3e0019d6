"""The shared pieces: safe text, fitting, the PNG writer, art loading."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.render import _common as c

from .fixtures import NASTY, png

WIDTHS = st.integers(min_value=0, max_value=400)


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_clean_text_is_one_safe_line(s):
    out = c.clean_text(s)
    assert len(out) <= c.MAX_TEXT
    assert "\n" not in out and "\x00" not in out
    assert out == out.strip()
    out.encode("utf-8")                          # no lone surrogates left


@pytest.mark.parametrize("value", NASTY + [b"bytes", 3.5, object(), float("nan")])
def test_clean_text_accepts_anything(value):
    c.clean_text(value).encode("utf-8")


@given(st.text(max_size=300), WIDTHS, st.sampled_from(["regular", "bold", "cond"]))
@settings(max_examples=300, deadline=None)
def test_fit_text_fits_or_is_empty(s, width, style):
    text, f = c.fit_text(s, width, (18, 14, 12), style)
    assert c.text_width(text, f) <= width or text == ""
    if text != c.clean_text(s):
        assert text.endswith(c.ELLIPSIS) or text == ""


@given(st.text(max_size=300), st.integers(min_value=20, max_value=400),
       st.integers(min_value=1, max_value=4))
@settings(max_examples=200, deadline=None)
def test_fit_lines_fit(s, width, max_lines):
    lines, f = c.fit_lines(s, width, (24, 18, 14), max_lines)
    assert len(lines) <= max_lines
    assert all(c.text_width(line, f) <= width for line in lines)


def test_fit_text_shrinks_then_ellipsizes():
    text, f = c.fit_text("Frieren", 300, (18, 14), "bold")
    assert (text, f.size) == ("Frieren", 18)
    long = "Lelouch vi Britannia the Emperor of the Holy Empire"
    text, f = c.fit_text(long, 200, (18, 14), "bold")
    assert f.size == 14 and text.endswith("…") and long.startswith(text[:-1])


def test_rtl_and_combining_text_is_measured_with_shaping():
    f = c.font(20, "bold")
    assert c.font_for("Frieren", f) is f
    assert c.font_for("مرحبا", f) is not f
    assert c.font_for("e\u0301", f) is not f
    assert c.text_width("مرحبا", f) > 0


def test_initials():
    assert c.initials("Zoë Löwe") == "ZL"
    assert c.initials("Ольга Ковалёва") == "ОК"
    assert c.initials("フリーレン") == "フ"          # drawn by the CJK font
    assert c.initials("竈門 禰豆子") == "竈"           # one wide initial: two fill the art
    assert c.initials("김 민지") == "김"
    assert c.initials("Li 白") == "L白"
    assert c.initials("\U00010c80\U00010c81") == "★"  # Old Hungarian: no font has it, no box
    assert c.initials("") == "★"
    assert c.initials("frieren") == "F"


@pytest.mark.parametrize("size", [(1, 1), (1, 2), (7, 1), (97, 53), (872, 516), (1400, 900)])
def test_png_writer_round_trips(size):
    im = Image.effect_noise(size, 64).convert("RGB")
    im.paste((10, 200, 30), (0, 0, size[0] // 2, size[1] // 2))
    out = c.to_png(im)
    back = Image.open(io.BytesIO(out))
    back.load()
    assert back.mode == "RGB" and back.size == size
    assert back.tobytes() == im.tobytes()


def test_png_writer_other_modes():
    for mode in ("RGBA", "L", "P"):
        im = Image.new(mode, (20, 10))
        assert Image.open(io.BytesIO(c.to_png(im))).size == (20, 10)


def test_parallel_deflate_is_one_valid_stream():
    import zlib
    data = bytes(range(256)) * 8192              # 2 MiB: the two-thread path
    assert len(data) >= c.PARALLEL_DEFLATE_MIN
    assert zlib.decompress(c._deflate(data)) == data
    assert zlib.decompress(c._deflate(b"small")) == b"small"


def test_load_art_crops_to_cover_keeping_the_top():
    # top half red, bottom half blue, much taller than the box: the top is kept
    im = Image.new("RGB", (100, 400), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 100, 200))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    out = c.load_art({"u": buf.getvalue()}, "u", (100, 100), "X", "R")
    assert out.size == (100, 100)
    assert out.getpixel((50, 5)) == (255, 0, 0)


@pytest.mark.parametrize("art, url", [({}, None), ({}, "x"), ({"x": b"junk"}, "x"),
                                      ({"x": 5}, "x"), (None, "x"), ({"x": png()[:40]}, "x"),
                                      ([], "x")])
def test_load_art_falls_back_to_the_placeholder(art, url):
    out = c.load_art(art, url, (50, 60), "Frieren", "SSR")
    assert out.tobytes() == c.placeholder("Frieren", "SSR", (50, 60)).tobytes()


def test_load_arts_matches_load_art():
    art = {f"u{i}": png((i * 20, 0, 0)) for i in range(6)}
    jobs = [(f"u{i}" if i % 3 else None, (40, 50), f"N{i}", "SR") for i in range(9)]
    got = c.load_arts(art, jobs)
    assert [g.tobytes() for g in got] == [c.load_art(art, *j).tobytes() for j in jobs]


def test_formatting():
    from decimal import Decimal
    assert c.fmt_int(1234567) == "1,234,567"
    assert c.fmt_int(None) == "—" and c.fmt_int("x") == "—"
    assert c.fmt_percent(Decimal("0.5")) == "50%"
    assert c.fmt_percent(0.125) == "12.5%"
    assert c.fmt_percent("junk") == "—"
    import datetime as dt
    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert c.fmt_datetime(dt.datetime(2025, 7, 1, 3, 0, tzinfo=tokyo)) == "2025-06-30 18:00 UTC"
    assert c.fmt_datetime(dt.date(2025, 7, 1)) == "2025-07-01"
    assert c.fmt_datetime(None) == "—"


def test_everything_renders_with_the_builtin_font_when_dejavu_is_missing(monkeypatch):
    from bot import render
    from .fixtures import owned, pulled
    caches = c.FONT_CACHES
    for fn in caches:
        fn.cache_clear()
    monkeypatch.setattr(c, "_font_path", lambda style: None)
    try:
        units = [pulled(i, name=n) for i, n in enumerate(NASTY[:10])]
        assert Image.open(io.BytesIO(render.pull_result(units, {}))).size == (872, 516)
        assert Image.open(io.BytesIO(render.unit_card(owned(0, name="مرحبا"), {}))).size \
            == (760, 440)
        assert "DejaVu" not in str(getattr(c.font(20), "path", ""))
    finally:
        monkeypatch.undo()
        for fn in caches:
            fn.cache_clear()
