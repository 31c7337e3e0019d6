"""unit_card, inventory_page, team_card, banner, profile_card, bounty_board, battle_result."""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot import render
from bot.render._banner import featured_boxes

from .fixtures import (BG, NASTY, R, SR, SSR, UR, Row, assert_drawn, banner_row, battle_row,
                       bounty, bright, featured, member, open_png, owned, png, profile_row,
                       pulled, raid_row, share, shop_slot)

RED = (255, 0, 0)
ART = {"red": png(RED, (200, 300))}
RARITY = {"SSR": SSR, "SR": SR, "R": R, "UR": UR}


# --- unit_card -----------------------------------------------------------------------------------
UNIT = (760, 440)
UNIT_ART = (29, 29, 307, 411)          # inside the 5 px frame of box (24, 24, 312, 416)
_SKILLS_X = 340 + 392 - 170 - 14       # where the skills start in the power box


@pytest.mark.parametrize("rarity", ["SSR", "SR", "R"])
def test_unit_card_size_and_frame(rarity):
    im = open_png(render.unit_card(owned(0, rarity=rarity), {}))
    assert im.size == UNIT
    assert im.getpixel((26, 220)) == RARITY[rarity]
    assert im.getpixel((168, 414)) == RARITY[rarity]


def test_unit_card_uses_art_and_shows_its_fields():
    im = open_png(render.unit_card(owned(0, image_url="red"), ART))
    assert share(im, UNIT_ART, RED) > 0.95
    base = owned(0, is_locked=False, in_team=False, on_expedition=False)
    plain = render.unit_card(base, {})
    for change in ({"is_locked": True}, {"in_team": True}, {"on_expedition": True},
                   {"power": 999}, {"dupe_level": 7}, {"bond_level": 40}, {"series": "Other"},
                   {"name": "Other"}, {"inventory_id": 1}):
        assert render.unit_card({**base, **change}, {}) != plain, change


def test_unit_card_shows_the_units_skills():
    """/view shows a unit's skills on its image (issue 13, 4), on the right of the power box,
    and a long power is made smaller rather than drawn over them."""
    box = (_SKILLS_X, 200, 732, 268)
    skills = ["Zoltraak", "Queen of the Zodiacs"]
    without = open_png(render.unit_card(owned(0, power=12345), {}))
    short = open_png(render.unit_card(owned(0, power=12345, skills=skills), {}))
    long = open_png(render.unit_card(owned(0, power=1234567, skills=skills), {}))
    assert bright(without, box) == 0 < bright(short, box)
    # the skills' part is the same whatever the power: the power never reaches into it
    assert long.crop(box).tobytes() == short.crop(box).tobytes()
    assert bright(long, (356, 228, _SKILLS_X - 4, 268)) > 0


def test_unit_card_name_is_drawn():
    a = open_png(render.unit_card(owned(0, name="Ольга"), {}))
    b = open_png(render.unit_card(owned(0, name="李白"), {}))
    box = (340, 70, 732, 150)
    assert bright(a, box) > 100 and bright(b, box) > 100
    assert a.crop(box).tobytes() != b.crop(box).tobytes()


@pytest.mark.parametrize("value", NASTY)
def test_unit_card_nasty_text_and_values(value):
    assert_drawn(lambda v: render.unit_card(owned(
        0, name=v, series=v, power=v if not isinstance(v, str) else None, obtained_at=v,
        dupe_level=v, bond_level=v), {}), value, UNIT)


def test_unit_card_long_name_stays_on_the_card():
    im = open_png(render.unit_card(owned(0, name="W" * 300, series="S" * 300), {}))
    assert share(im, (740, 60, 760, 190), BG, tol=40) == 1.0   # right margin: no text


# --- inventory_page ------------------------------------------------------------------------------
def thumb_frame_px(i: int, per_col: int = 5) -> tuple[int, int]:
    col, row = divmod(i, per_col)
    return 24 + col * 484 + 4, 72 + row * 76 + 4 + 30


@pytest.mark.parametrize("n, size", [(0, (1000, 504)), (1, (1000, 504)), (10, (1000, 504)),
                                     (11, (1000, 504 + 76)), (25, (1000, 1112)),
                                     (40, (1000, 72 + 15 * 76 + 52))])
def test_inventory_sizes(n, size):
    rows = [owned(i) for i in range(n)]
    assert open_png(render.inventory_page(rows, {}, page=1, pages=3, total=47)).size == size


def test_inventory_thumbnails_and_rarity_colours():
    rarities = ["SSR", "SR", "R", "SSR", "R", "SR", "SR", "R"]
    rows = [owned(i, rarity=r, image_url="red" if i == 6 else None)
            for i, r in enumerate(rarities)]
    im = open_png(render.inventory_page(rows, ART, page=1, pages=1, total=8))
    for i, r in enumerate(rarities):
        assert im.getpixel(thumb_frame_px(i)) == RARITY[r], (i, r)
    x, y = thumb_frame_px(6)
    assert share(im, (x + 4, y - 24, x + 46, y + 24), RED) > 0.95


def test_inventory_footer_and_title_change_the_image():
    rows = [owned(i) for i in range(10)]
    a = open_png(render.inventory_page(rows, {}, page=1, pages=3, total=47))
    b = open_png(render.inventory_page(rows, {}, page=2, pages=3, total=47))
    footer = (0, 504 - 52, 1000, 504)
    assert bright(a, footer, 120) > 50
    assert a.crop(footer).tobytes() != b.crop(footer).tobytes()
    c = open_png(render.inventory_page(rows, {}, page=1, pages=3, total=47, title="Favourites"))
    assert a.crop((0, 0, 1000, 60)).tobytes() != c.crop((0, 0, 1000, 60)).tobytes()


@pytest.mark.parametrize("value", NASTY)
def test_inventory_nasty_text(value):
    assert_drawn(lambda v: render.inventory_page([owned(i, name=v) for i in range(12)], {},
                                                 page=v, pages=v, total=v, title=v),
                 value, (1000, 580))


# --- team_card -----------------------------------------------------------------------------------
TEAM = (872, 396)


def slot_frame_px(slot: int) -> tuple[int, int]:
    return 12 + (slot - 1) * 172 + 1, 84 + 150


def test_team_slots_left_to_right_with_empty_frames():
    rows = [member(4, rarity="SSR"), member(2, rarity="R", image_url="red")]
    im = open_png(render.team_card(rows, ART, total_power=123456))
    assert im.size == TEAM
    assert im.getpixel(slot_frame_px(2)) == R
    assert im.getpixel(slot_frame_px(4)) == SSR
    for empty in (1, 3, 5):
        assert im.getpixel(slot_frame_px(empty)) not in (SSR, SR, R)
    x = 12 + 172
    assert share(im, (x + 10, 84 + 40, x + 150, 84 + 170), RED) > 0.9


def test_team_total_power_and_skills_change_the_image():
    rows = [member(s) for s in range(1, 6)]
    a = render.team_card(rows, {}, total_power=100)
    assert render.team_card(rows, {}, total_power=200) != a
    rows2 = [member(s, skills=[] if s == 3 else ["Zoltraak", "Flight"]) for s in range(1, 6)]
    assert render.team_card(rows2, {}, total_power=100) != a


def test_team_odd_rows():
    rows = [member(0), member(6), member(2), member(2, rarity="SSR"), {"slot": None},
            member(3, skills=None), member(4, skills="not a list"), member(5, skills=[None, 3])]
    im = open_png(render.team_card(rows, {}, total_power=None))
    assert im.size == TEAM
    assert im.getpixel(slot_frame_px(2)) == SR        # the first row for slot 2 wins
    assert open_png(render.team_card([], {}, total_power=0)).size == TEAM


@pytest.mark.parametrize("value", NASTY)
def test_team_nasty_text(value):
    assert_drawn(lambda v: render.team_card([member(s, name=v, skills=[v, v]) for s in (1, 3)],
                                            {}, total_power=1), value, TEAM)


# --- banner --------------------------------------------------------------------------------------
BANNER = (1000, 400)


@pytest.mark.parametrize("n", [0, 1, 3, 5, 6, 12])
def test_banner_featured_counts(n):
    feats = [featured(i, rarity=["SSR", "SR"][i % 2]) for i in range(n)]
    im = open_png(render.banner(banner_row(), feats, {}))
    assert im.size == BANNER
    boxes = featured_boxes(min(n, 5))
    shown = feats[:5] if n <= 5 else feats[:4]
    for box, unit in zip(boxes, shown):
        assert im.getpixel((box[0] + 1, (box[1] + box[3]) // 2)) == RARITY[unit["rarity"]]


def test_banner_art_and_text_change_the_image():
    feats = [featured(0, image_url="red")]
    im = open_png(render.banner(banner_row(), feats, ART))
    (x0, y0, x1, y1), = featured_boxes(1)
    assert share(im, (x0 + 10, y0 + 40, x1 - 10, y1 - 60), RED) > 0.95
    base = render.banner(banner_row(), feats, ART)
    for change in ({"name": "Other"}, {"ends_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)},
                   {"spark_cost": 200}, {"rate_up_chance": 0.25}, {"is_active": False}):
        assert render.banner(banner_row(**change), feats, ART) != base, change


@pytest.mark.parametrize("value", NASTY)
def test_banner_nasty_values(value):
    assert_drawn(lambda v: render.banner(banner_row(name=v, rate_up_chance=v, spark_cost=v,
                                                    ends_at=v, starts_at=v, id=v),
                                         [featured(0, name=v)], {}), value, BANNER)


# --- profile_card --------------------------------------------------------------------------------
PROFILE = (900, 420)


def test_profile_with_and_without_favourite():
    fav = owned(0, rarity="SSR", image_url="red")
    im = open_png(render.profile_card(profile_row(favourite=fav), ART))
    assert im.size == PROFILE
    assert im.getpixel((26, 192)) == SSR
    assert share(im, (40, 40, 260, 340), RED) > 0.95
    none = open_png(render.profile_card(profile_row(), ART))
    assert none.size == PROFILE
    assert none.getpixel((26, 192)) not in (SSR, SR, R)
    assert share(none, (40, 40, 260, 340), RED, tol=40) == 0


def test_profile_fields_change_the_image():
    base = render.profile_card(profile_row(), {})
    for change in ({"gems": 1}, {"coins": 1}, {"pity_counter": 1}, {"banner_points": 1},
                   {"team_level": 1}, {"team_xp": 1}, {"bounty_keys": 9}, {"team_power": 1},
                   {"collection": {"SSR": 30}}, {"units": 1}, {"display_name": "Other"}):
        assert render.profile_card(profile_row(**change), {}) != base, change


def test_profile_collection_bar_uses_rarity_colours():
    im = open_png(render.profile_card(profile_row(collection={"SSR": 1, "SR": 1, "R": 1}), {}))
    bar_y = 126 + 2 * 80 + 10 + 24 + 8          # tiles, then the label, then the bar
    w = 900 - 304 - 24
    assert im.getpixel((304 + w // 6, bar_y)) == SSR
    assert im.getpixel((304 + w // 2, bar_y)) == SR
    assert im.getpixel((304 + 5 * w // 6, bar_y)) == R


@pytest.mark.parametrize("collection", [{"SSR": 0, "SR": 0, "R": 3}, {"SSR": 1, "SR": 0, "R": 5000},
                                        {"SSR": 0, "SR": 0, "R": 0}])
def test_profile_collection_bar_with_empty_or_tiny_rarities(collection):
    # what a real new player's profile looks like (found by the end-to-end tests)
    im = open_png(render.profile_card(profile_row(collection=collection), {}))
    assert im.size == PROFILE


@pytest.mark.parametrize("value", NASTY)
def test_profile_nasty_values(value):
    assert_drawn(lambda v: render.profile_card(profile_row(
        display_name=v, gems=v, coins=v, collection={v: v}, units=v,
        favourite=owned(0, name=v)), {}), value, PROFILE)
    assert_drawn(lambda v: render.profile_card(profile_row(
        collection=v, favourite=None, user_id=None, display_name=v), {}), value, PROFILE)


# --- bounty_board --------------------------------------------------------------------------------
BOUNTY = (900, 400)


def panel_frame_px(slot: int) -> tuple[int, int]:
    return 24 + (slot - 1) * 292 + 2, 84 + 146


def test_bounty_panels_coloured_by_tier():
    reset = dt.datetime(2025, 6, 8, tzinfo=dt.timezone.utc)
    rows = [bounty(3, "UR"), bounty(1, "R"), bounty(2, "SSR", cleared=True)]
    im = open_png(render.bounty_board(rows, guild_name="Guild", expires_at=reset))
    assert im.size == BOUNTY
    assert im.getpixel(panel_frame_px(1)) == R
    assert im.getpixel(panel_frame_px(2)) == SSR        # cleared keeps its frame
    assert im.getpixel(panel_frame_px(3)) == UR


def test_bounty_cleared_and_missing_slots():
    kw = dict(guild_name=None, expires_at=None)
    open_ = open_png(render.bounty_board([bounty(1, "SR")], **kw))
    done = open_png(render.bounty_board([bounty(1, "SR", cleared=True)], **kw))
    box = (24, 84, 24 + 268, 84 + 292)
    assert open_.crop(box).tobytes() != done.crop(box).tobytes()
    lum = lambda im: sum(im.crop(box).convert("L").tobytes())  # noqa: E731
    assert lum(done) < lum(open_)                        # dimmed under the stamp
    for slot in (2, 3):
        assert open_.getpixel(panel_frame_px(slot)) not in (SSR, SR, R, UR)
    assert open_png(render.bounty_board([], **kw)).size == BOUNTY


@pytest.mark.parametrize("value", NASTY)
def test_bounty_nasty_values(value):
    assert_drawn(lambda v: render.bounty_board(
        [bounty(1, v, enemy_power=v, expires_at=v, cleared=v), {**bounty(2, "R"), "slot": v}],
        guild_name=v, expires_at=v), value, BOUNTY)


# --- battle_result -------------------------------------------------------------------------------
BATTLE = (900, 520)


@pytest.mark.parametrize("outcome, colour", [("WIN", (255, 205, 80)), ("LOSS", (235, 75, 85)),
                                             ("DRAW", (170, 170, 190))])
def test_battle_outcomes(outcome, colour):
    im = open_png(render.battle_result(battle_row(outcome=outcome)))
    assert im.size == BATTLE
    assert share(im, (150, 20, 750, 110), colour) > 0.05      # the big word in its colour


def test_battle_bars_are_to_scale():
    im = open_png(render.battle_result(battle_row(team_power=100, enemy_power=400)))
    row_y = 150 + 33
    team = sum(1 for x in range(24, 876) if im.getpixel((x, row_y)) == (90, 170, 255))
    enemy = sum(1 for x in range(24, 876) if im.getpixel((x, row_y + 58)) == (235, 75, 85))
    assert enemy > 800 and 190 < team < 240                  # 852 px * 1/4 = 213


def test_battle_optional_parts_change_the_image():
    base = render.battle_result(battle_row())
    for change in ({"units": [{"name": "A", "rarity": "SSR", "power": 5}]},
                   {"skills": ["Zoltraak"]}, {"keys_left": None}, {"items": ["Ticket"]},
                   {"gems": 0}, {"coins": 0}):
        assert render.battle_result(battle_row(**change)) != base, change


@pytest.mark.parametrize("value", NASTY)
def test_battle_nasty_values(value):
    assert_drawn(lambda v: render.battle_result(battle_row(
        outcome=v, team_power=v, enemy_power=v, gems=v, coins=v, items={v: v}, keys_left=v,
        units=[{"name": v, "rarity": v, "power": v}] * 7, skills=[v] * 40)), value, BATTLE)
    for items in (value, [value, (value, 2), {"name": value, "qty": value}], None):
        assert open_png(render.battle_result(battle_row(items=items))).size == BATTLE


# --- all of them ---------------------------------------------------------------------------------
def _all_calls():
    return [
        (render.pull_result, ([pulled(i) for i in range(10)], {}), {}),
        (render.unit_card, (owned(0), {}), {}),
        (render.inventory_page, ([owned(i) for i in range(25)], {}),
         dict(page=1, pages=2, total=30)),
        (render.team_card, ([member(s) for s in range(1, 6)], {}), dict(total_power=5)),
        (render.banner, (banner_row(), [featured(i) for i in range(3)], {}), {}),
        (render.profile_card, (profile_row(favourite=owned(1)), {}), {}),
        (render.bounty_board, ([bounty(s, "SR") for s in (1, 2, 3)],),
         dict(guild_name="G", expires_at=None)),
        (render.battle_result, (battle_row(),), {}),
        (render.daily_shop, ([shop_slot(s) for s in range(1, 11)], {}), dict(title="t")),
        (render.raid_card, (raid_row(),), dict(now=None)),
    ]


def test_every_image_is_at_most_1400_wide_and_deterministic():
    for fn, args, kw in _all_calls():
        out = fn(*args, **kw)
        assert open_png(out).width <= 1400
        assert fn(*args, **kw) == out, fn.__name__


def test_record_like_rows():
    """Rows that are Mappings but not dicts (asyncpg Records) work everywhere."""
    assert render.pull_result([Row(pulled(0))], {}) == render.pull_result([pulled(0)], {})
    assert render.unit_card(Row(owned(0)), {}) == render.unit_card(owned(0), {})
    assert render.team_card([Row(member(1))], {}, total_power=1) == \
        render.team_card([member(1)], {}, total_power=1)
    assert render.profile_card(Row(profile_row(favourite=Row(owned(0)))), {}) == \
        render.profile_card(profile_row(favourite=owned(0)), {})


def test_threads_give_the_same_bytes():
    calls = _all_calls() * 3
    expected = [fn(*a, **kw) for fn, a, kw in calls]
    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(lambda c: c[0](*c[1], **c[2]), calls))
    assert got == expected


async def test_runs_in_asyncio_to_thread():
    units = [pulled(i) for i in range(10)]
    out = await asyncio.to_thread(render.pull_result, units, {})
    assert open_png(out).size == (872, 516)
