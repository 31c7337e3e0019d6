"""pull_result: sizes, order, rarity frames, badges, names, art and placeholders."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot import render

from .fixtures import (BG, NASTY, R, SR, SSR, Row, assert_drawn, bright, mean, open_png, png,
                       pulled, share)

GRID = (872, 516)
SINGLE = (360, 520)
EMPTY = (480, 160)


def origin(i: int) -> tuple[int, int]:
    """Top-left of grid card i: 160 x 240 cards, 12 px apart and from the edges."""
    return 12 + (i % 5) * 172, 12 + (i // 5) * 252


def frame_px(i: int) -> tuple[int, int]:
    x, y = origin(i)
    return x + 1, y + 120                    # the left edge of the frame, half way down


def art_box(i: int) -> tuple[int, int, int, int]:
    x, y = origin(i)
    return x + 3, y + 3, x + 157, y + 173    # 154 x 170 inside the 3 px frame


def name_box(i: int) -> tuple[int, int, int, int]:
    x, y = origin(i)
    return x + 6, y + 176, x + 154, y + 202


SINGLE_ART = (26, 26, 334, 366)              # a 2x card at (20, 20): 6 px frame, 308 x 340 art


@pytest.mark.parametrize("n", range(1, 11))
def test_one_to_ten_units(n):
    im = open_png(render.pull_result([pulled(i) for i in range(n)], {}))
    assert im.size == (SINGLE if n == 1 else GRID)


def test_no_units_is_a_small_image_not_an_error():
    assert open_png(render.pull_result([], {})).size == EMPTY
    assert open_png(render.pull_result(None, {})).size == EMPTY


def test_more_than_ten_draws_the_first_ten_by_position():
    units = [pulled(i, rarity="R") for i in range(12)]
    units[11]["position"] = 0                 # sorts first
    units[11]["rarity"] = "SSR"
    im = open_png(render.pull_result(units, {}))
    assert im.size == GRID
    assert im.getpixel(frame_px(0)) == SSR


def test_rarity_frames():
    rarities = ["SSR", "SR", "R", "R", "SR", "SSR", "R", "SR", "SSR", "R"]
    im = open_png(render.pull_result([pulled(i, rarity=r) for i, r in enumerate(rarities)], {}))
    colours = {"SSR": SSR, "SR": SR, "R": R}
    for i, r in enumerate(rarities):
        assert im.getpixel(frame_px(i)) == colours[r], (i, r)
        x, y = origin(i)
        assert im.getpixel((x + 80, y + 239)) == colours[r]     # bottom edge
        assert im.getpixel((x + 159, y + 60)) == colours[r]     # right edge


def test_cards_follow_position_not_list_order():
    units = [pulled(i, rarity="R") for i in range(5)]
    units[3]["rarity"] = "SSR"
    units[3]["position"] = 1
    units[0]["position"] = 4
    im = open_png(render.pull_result(list(reversed(units)), {}))
    assert im.getpixel(frame_px(0)) == SSR
    assert [im.getpixel(frame_px(i)) for i in range(1, 5)] == [R] * 4


def test_unfilled_cells_are_not_cards():
    im = open_png(render.pull_result([pulled(0, rarity="SSR"), pulled(1, rarity="SSR")], {}))
    assert im.getpixel(frame_px(1)) == SSR
    for i in range(2, 10):
        assert im.getpixel(frame_px(i)) not in (SSR, SR, R)


def test_single_card_frame_and_size():
    im = open_png(render.pull_result([pulled(0, rarity="SR")], {}))
    assert im.size == SINGLE
    assert im.getpixel((22, 260)) == SR
    assert im.getpixel((5, 5)) == BG


def test_real_art_is_drawn_in_the_art_box():
    art = {"https://x/red.png": png((255, 0, 0), (200, 300))}
    units = [pulled(i, image_url="https://x/red.png" if i == 2 else None) for i in range(10)]
    im = open_png(render.pull_result(units, art))
    assert share(im, art_box(2), (255, 0, 0)) > 0.75       # badges cover a little of it
    assert share(im, art_box(1), (255, 0, 0), tol=40) < 0.01
    single = open_png(render.pull_result([pulled(0, image_url="https://x/red.png")], art))
    assert share(single, SINGLE_ART, (255, 0, 0)) > 0.75


@pytest.mark.parametrize("data", [
    png((0, 200, 0), (640, 480), fmt="JPEG"),               # landscape JPEG, cropped
    png((0, 200, 0, 255), (100, 100), mode="RGBA"),         # smaller than the box: enlarged
    png(120, (300, 300), mode="L"),                         # greyscale
    png(3, (50, 80), mode="P", fmt="GIF"),                  # palette
])
def test_art_in_other_formats_and_shapes_fills_the_box(data):
    im = open_png(render.pull_result([pulled(0, image_url="u")], {"u": data}))
    expected = Image.open(io.BytesIO(data)).convert("RGB").getpixel((0, 0))
    assert share(im, SINGLE_ART, expected, tol=6) > 0.75


def _art_crop(units, art, i=0):
    return open_png(render.pull_result(units, art)).crop(art_box(i)).tobytes()


def test_missing_none_and_undecodable_art_give_the_same_placeholder():
    base = dict(name="Frieren", rarity="SSR")
    art = {"bad": b"not an image", "empty": b"", "trunc": png()[:60], "none": None}
    crops = {url: _art_crop([pulled(0, image_url=url, **base), pulled(1)], art)
             for url in (None, "missing", "bad", "empty", "trunc", "none")}
    assert len(set(crops.values())) == 1, "every unusable image gives the same placeholder"


def test_decompression_bomb_header_gives_the_placeholder():
    import struct
    import zlib

    def chunk(tag, data):
        crc = struct.pack(">I", zlib.crc32(tag + data))
        return struct.pack(">I", len(data)) + tag + data + crc
    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)     # 3.6 gigapixels
    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))
    a = _art_crop([pulled(0, image_url="bomb"), pulled(1)], {"bomb": bomb})
    b = _art_crop([pulled(0, image_url=None), pulled(1)], {})
    assert a == b


def test_placeholder_is_deterministic_and_differs_by_rarity_and_name():
    one = lambda **kw: render.pull_result([pulled(0, **kw)], {})  # noqa: E731
    assert one(name="Frieren", rarity="SSR") == one(name="Frieren", rarity="SSR")
    ssr = open_png(one(name="Frieren", rarity="SSR")).crop(SINGLE_ART)
    r = open_png(one(name="Frieren", rarity="R")).crop(SINGLE_ART)
    other = open_png(one(name="Himmel", rarity="SSR")).crop(SINGLE_ART)
    assert ssr.tobytes() != r.tobytes()
    assert ssr.tobytes() != other.tobytes()
    # tinted by rarity: gold is red-and-green heavy, blue is blue heavy
    rs, gs, bs = mean(ssr)
    assert rs > bs + 40 and gs > bs + 20
    rr, gr, br = mean(r)
    assert br > rr + 40


def test_placeholder_is_the_same_in_another_process():
    """No use of hash() (randomised per process): a fresh interpreter draws the same."""
    import hashlib
    import subprocess
    import sys
    from pathlib import Path
    code = ("import hashlib, sys; sys.path.insert(0, sys.argv[1]); from bot import render; "
            "print(hashlib.sha256(render.pull_result([dict(position=1, name='Frieren', "
            "rarity='SSR', outcome='new', image_url=None)], {})).hexdigest())")
    root = str(Path(__file__).resolve().parents[2])
    out = {subprocess.run([sys.executable, "-c", code, root], capture_output=True, text=True,
                          env={"PYTHONHASHSEED": seed}, check=True).stdout.strip()
           for seed in ("1", "2")}
    here = hashlib.sha256(render.pull_result(
        [dict(position=1, name="Frieren", rarity="SSR", outcome="new", image_url=None)],
        {})).hexdigest()
    assert out == {here}


def test_name_is_drawn_and_differs_between_names():
    crops = {}
    for name in ["Ольга", "Zoë Löwe", "مرحبا", "フリーレン", "李白"]:
        im = open_png(render.pull_result([pulled(0, name=name), pulled(1)], {}))
        assert bright(im, name_box(0)) > 25, name
        crops[name] = im.crop(name_box(0)).tobytes()
    assert len(set(crops.values())) == len(crops)


def test_long_name_stays_inside_its_card():
    im = open_png(render.pull_result([pulled(i, name="W" * 300) for i in range(10)], {}))
    for i in (0, 1, 2, 3):              # the gaps right of cards 0..3 stay background
        x, y = origin(i)
        assert share(im, (x + 160, y, x + 172, y + 240), BG) == 1.0


@pytest.mark.parametrize("name", NASTY)
def test_nasty_names_and_series_never_raise(name):
    assert_drawn(lambda v: render.pull_result([pulled(i, name=v, series=v) for i in range(3)],
                                              {}), name, GRID)
    assert_drawn(lambda v: render.pull_result([pulled(0, name=v, series=v)], {}), name, SINGLE)


def test_badges_and_markers_change_the_card():
    def crop(**kw):
        return open_png(render.pull_result([pulled(0, name="X", **kw)], {})).crop(SINGLE_ART)
    new, dupe, scrapped = crop(outcome="new"), crop(outcome="dupe", dupe_level=3), \
        crop(outcome="scrapped", gems_refund=50)
    assert len({new.tobytes(), dupe.tobytes(), scrapped.tobytes()}) == 3
    assert crop(outcome="dupe", dupe_level=3).tobytes() != crop(outcome="dupe",
                                                                dupe_level=4).tobytes()
    # scrapped art is dimmed
    lum = lambda im: sum(im.convert("L").tobytes()) / (im.width * im.height)  # noqa: E731
    assert lum(scrapped) < lum(new) - 20
    plain = crop()
    assert crop(is_rate_up=True).tobytes() != plain.tobytes()
    assert crop(is_pity=True).tobytes() != plain.tobytes()
    assert crop(outcome="scrapped", gems_refund=50).tobytes() != crop(
        outcome="scrapped", gems_refund=50, coins_refund=10).tobytes()


def test_mapping_rows_and_missing_or_odd_values():
    units = [Row(pulled(0)), {"name": "Only a name"}, pulled(2, rarity="XYZ", dupe_level=None,
                                                         gems_refund="lots", position="x",
                                                         outcome=None, is_pity=None)]
    assert open_png(render.pull_result(units, {})).size == GRID
    art = {"u": b"\x89PNG broken"}
    assert open_png(render.pull_result([pulled(0, image_url="u")], art)).size == SINGLE
