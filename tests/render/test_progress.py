"""daily_shop, raid_card, and the profile card's progression parts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import render
from bot.render._raid import HP_BAR, HP_COLOUR, raid_state, time_left
from bot.render._shop import card_origin

from .fixtures import (BG, NASTY, R, SR, SSR, UR, Row, assert_drawn, bright, open_png, png,
                       profile_row, raid_row, shop_slot, share)

RED = (255, 0, 0)
ART = {"red": png(RED, (200, 300))}
RARITY = {"SSR": SSR, "SR": SR, "R": R}
UTC = dt.timezone.utc
NOW = dt.datetime(2025, 6, 8, 12, tzinfo=UTC)


# --- daily_shop ----------------------------------------------------------------------------------
SHOP = (872, 644)


def shop(**kw) -> list[dict]:
    return [shop_slot(s, **kw) for s in range(1, 11)]


def frame_px(slot: int) -> tuple[int, int]:
    x, y = card_origin(slot)
    return x + 1, y + 120                      # the left edge of the card's frame


def art_box(slot: int) -> tuple[int, int, int, int]:
    x, y = card_origin(slot)
    return x + 3, y + 3, x + 157, y + 173      # 154 x 170 inside the 3 px frame


def price_band(slot: int) -> tuple[int, int, int, int]:
    x, y = card_origin(slot)
    return x + 4, y + 272 - 42, x + 156, y + 272 - 4


def test_shop_size_mode_and_rarity_frames():
    im = open_png(render.daily_shop(shop(), {}, title="prices for Himmel"))
    assert im.size == SHOP
    for slot in range(1, 11):
        assert im.getpixel(frame_px(slot)) == RARITY[shop_slot(slot)["rarity"]], slot


def test_shop_uses_art_and_falls_back_to_placeholders():
    rows = shop()
    rows[3]["image_url"] = "red"
    rows[4]["image_url"] = "missing"              # not in art: a placeholder, no crash
    im = open_png(render.daily_shop(rows, ART))
    assert share(im, (art_box(4)[0] + 40, art_box(4)[1] + 30, art_box(4)[2] - 10,
                      art_box(4)[3] - 30), RED) > 0.95
    assert share(im, art_box(5), RED, tol=40) == 0


def test_shop_bought_and_max_are_stamped_and_dimmed():
    plain = open_png(render.daily_shop(shop(), {}))
    rows = shop()
    rows[0]["bought"] = True
    rows[6].update(maxed=True, owned_dupe_level=10)
    im = open_png(render.daily_shop(rows, {}))
    lum = lambda img, box: sum(img.crop(box).convert("L").tobytes())  # noqa: E731
    for slot in (1, 7):
        box = art_box(slot)
        assert lum(im, box) < lum(plain, box), slot
        assert im.getpixel(frame_px(slot)) == RARITY[rows[slot - 1]["rarity"]]   # frame kept
    # the stamps: green BOUGHT on slot 1, orange MAX on slot 7, neither elsewhere
    green, orange = (70, 210, 120), (255, 150, 50)
    assert share(im, art_box(1), green, tol=10) > 0.01
    assert share(im, art_box(7), orange, tol=10) > 0.01
    assert share(im, art_box(7), green, tol=10) == 0
    assert share(im, art_box(2), green, tol=10) == 0
    assert im.crop(art_box(2)).tobytes() == plain.crop(art_box(2)).tobytes()


def test_shop_discounted_price_is_green_and_the_full_price_shown():
    full = open_png(render.daily_shop(shop(), {}))
    cut = open_png(render.daily_shop([shop_slot(s, price=shop_slot(s)["full_price"] * 3 // 4)
                                      for s in range(1, 11)], {}))
    green, cyan = (70, 210, 120), (80, 205, 255)
    band = price_band(1)
    assert share(full, band, cyan, tol=10) > 0.02 and share(full, band, green, tol=10) == 0
    assert share(cut, band, green, tol=10) > 0.02 and share(cut, band, cyan, tol=10) == 0
    # the struck-through full price: more text on the right of the band
    right = (band[0] + 90, band[1], band[2], band[3])
    assert bright(cut, right, 120) > bright(full, right, 120)
    # and the header says how much off
    assert share(cut, (500, 0, 872, 70), green, tol=10) > 0.01
    assert share(full, (500, 0, 872, 70), green, tol=10) == 0


def test_shop_owned_badge_and_fields_change_the_image():
    base = render.daily_shop(shop(), {})
    for change in ({"owned_dupe_level": 0}, {"price": 1}, {"name": "Other"},
                   {"series": "Other"}, {"bought": True}, {"maxed": True}):
        rows = shop()
        rows[5].update(change)
        assert render.daily_shop(rows, {}) != base, change
    assert render.daily_shop(shop(), {}, title="prices for Fern") != base


def test_shop_missing_and_odd_slots():
    rows = [shop_slot(3), shop_slot(3, rarity="SSR"), {"slot": None}, shop_slot(11),
            shop_slot(0), {**shop_slot(9), "slot": "9"}]
    im = open_png(render.daily_shop(rows, {}))
    assert im.size == SHOP
    assert im.getpixel(frame_px(3)) == SR                # the first row for a slot wins
    assert im.getpixel(frame_px(9)) == R
    for empty in (1, 2, 4, 5, 6, 7, 8, 10):
        assert im.getpixel(frame_px(empty)) not in (SSR, SR, R), empty
    assert open_png(render.daily_shop([], {})).size == SHOP
    assert open_png(render.daily_shop(None, {})).size == SHOP


def test_shop_long_names_stay_on_their_card():
    im = open_png(render.daily_shop(shop(name="W" * 300, series="S" * 300), {},
                                    title="T" * 300))
    for slot in (1, 2, 3, 4):                       # the gaps between cards stay empty
        x, y = card_origin(slot)
        assert share(im, (x + 160, y + 180, x + 172, y + 230), BG, tol=10) == 1.0


@pytest.mark.parametrize("value", NASTY)
def test_shop_nasty_values(value):
    assert_drawn(lambda v: render.daily_shop(
        [shop_slot(s, name=v, series=v, rarity=v if s % 2 else "SR", price=v, full_price=v,
                   bought=v, owned_dupe_level=v, maxed=v) for s in range(1, 11)], {}, title=v),
        value, SHOP)


# --- raid_card -----------------------------------------------------------------------------------
RAID = (900, 360)


def hp_pixels(im) -> int:
    x0, y0, x1, y1 = HP_BAR
    y = y1 - 4                                       # below the 'HP' label inside the bar
    return sum(1 for x in range(x0, x1) if im.getpixel((x, y)) == HP_COLOUR)


def test_raid_size_frame_and_hp_bar_to_scale():
    im = open_png(render.raid_card(raid_row(hp=1_250_000, boss_hp=5_000_000), now=NOW))
    assert im.size == RAID
    assert im.getpixel((25, 180)) == UR             # the boss's frame
    width = HP_BAR[2] - HP_BAR[0]
    assert abs(hp_pixels(im) - width / 4) < 16       # a quarter of the HP left
    full = open_png(render.raid_card(raid_row(hp=5_000_000), now=NOW))
    assert hp_pixels(full) > width - 16
    dead = open_png(render.raid_card(raid_row(hp=0, ended_at=NOW, killed_by=1), now=NOW))
    assert hp_pixels(dead) == 0


@pytest.mark.parametrize("row, state", [
    (raid_row(), "ACTIVE"),
    (raid_row(hp=0, end_due=True), "DEFEATED"),
    (raid_row(hp=0, ended_at=NOW, killed_by=42), "DEFEATED"),
    (raid_row(hp=10, end_due=True), "TIME UP"),
    (raid_row(hp=10, ended_at=NOW), "ENDED"),
])
def test_raid_states(row, state):
    assert raid_state(row) == state
    im = open_png(render.raid_card(row, now=NOW))
    portrait = (40, 120, 236, 240)
    green, orange = (70, 210, 120), (255, 150, 50)
    stamped = share(im, portrait, green, tol=10) + share(im, portrait, orange, tol=10)
    if state in ("DEFEATED", "TIME UP"):
        assert stamped > 0.01
    elif state == "ACTIVE":
        assert stamped == 0


def test_raid_time_left_and_fields_change_the_image():
    assert time_left(NOW + dt.timedelta(days=2, hours=3, minutes=5), NOW) == "2d 03h"
    assert time_left(NOW + dt.timedelta(hours=5, minutes=7), NOW) == "5h 07m"
    assert time_left(NOW + dt.timedelta(minutes=12, seconds=30), NOW) == "12m"
    assert time_left(NOW + dt.timedelta(seconds=20), NOW) == "under a minute"
    assert time_left(NOW - dt.timedelta(seconds=1), NOW) is None
    assert time_left(NOW, None) is None and time_left("soon", NOW) is None
    base = render.raid_card(raid_row(), now=NOW)
    assert render.raid_card(raid_row(), now=None) != base
    assert render.raid_card(raid_row(), now=NOW + dt.timedelta(hours=1)) != base
    for change in ({"name": "Other"}, {"hp": 1}, {"boss_hp": 9_000_000}, {"attackers": 1},
                   {"attacks": 1}, {"your_damage": 1}, {"tickets_left": 0},
                   {"tickets_left": None}):
        assert render.raid_card(raid_row(**change), now=NOW) != base, change


def test_raid_long_name_stays_inside():
    im = open_png(render.raid_card(raid_row(name="W" * 100), now=NOW))
    assert im.size == RAID
    right_margin = (880, 50, 900, 110)
    assert bright(im, right_margin, 150) == 0
    two = open_png(render.raid_card(raid_row(name="Aura the Guillotine, Sage of Obedience"
                                             " and Seven Sages of Destruction"), now=NOW))
    assert bright(two, right_margin, 150) == 0


@pytest.mark.parametrize("value", NASTY)
def test_raid_nasty_values(value):
    assert_drawn(lambda v: render.raid_card(raid_row(
        name=v, boss_hp=v, hp=v, starts_at=v, ends_at=v, ended_at=v, attackers=v, attacks=v,
        end_due=v, your_damage=v, tickets_left=v), now=NOW), value, RAID)
    assert_drawn(lambda v: render.raid_card(Row(raid_row(name=v)), now=NOW), value, RAID)


def test_raid_odd_numbers():
    for row in (raid_row(hp=7, boss_hp=0), raid_row(hp=-5), raid_row(hp=10**15, boss_hp=10),
                raid_row(hp=1, boss_hp=10**12), {}):
        assert open_png(render.raid_card(row, now=NOW)).size == RAID


# --- profile_card: level, XP, streak, achievements -----------------------------------------------
def test_profile_progression_fields_change_the_image():
    base = render.profile_card(profile_row(), {})
    for change in ({"next_level_xp": 1}, {"checkin_streak": 0}, {"checkin_streak": 40},
                   {"achievements": 15}, {"achievements_total": 16}):
        assert render.profile_card(profile_row(**change), {}) != base, change


def test_profile_without_progression_fields_still_renders():
    row = profile_row()
    for key in ("next_level_xp", "checkin_streak", "achievements", "achievements_total"):
        del row[key]
    assert open_png(render.profile_card(row, {})).size == (900, 420)
    huge = profile_row(team_xp=10**15, next_level_xp=10**16, checkin_streak=10**9,
                       achievements=10**9, achievements_total=10**9)
    assert open_png(render.profile_card(huge, {})).size == (900, 420)
