"""The battle engine (SKILLS.md), skill by skill, on the pure function stardust._battle.

Every result is checked for internal consistency (final = floor((base x mult + flat) x
variance) before post-phase effects; outcome from the totals); each skill's effect is
asserted exactly; chance-based skills are tested with a seed where they fire and one where
they do not (found by searching seeds, deterministically)."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest

ZODIAC = "Queen of the Zodiacs"


@pytest.fixture
async def eng(tx):
    skills = await tx.fetchval("select jsonb_object_agg(name, to_jsonb(s) - 'name' - 'description')"
                               " from stardust.skills s")

    class Engine:
        async def run(self, seed, attacker, defender, skills_override=None):
            result = await tx.fetchval(
                "select stardust._battle($1, $2::jsonb, $3::jsonb, $4::jsonb,"
                " '{\"variance\": [0.9, 1.1]}')", seed, json.dumps(attacker),
                json.dumps(defender), skills_override or skills)
            result = json.loads(result)
            check_consistent(result)
            return result

        async def find(self, attacker, defender, predicate, limit=3000):
            for seed in range(1, limit):
                r = await self.run(seed, attacker, defender)
                if predicate(r):
                    return r
            raise AssertionError("no seed found")

    return Engine()


def unit(name, power=10000, skills=(), aid=None):
    return {"key": name, "name": name, "anilist_id": aid, "rarity": "SR", "power": power,
            "skills": list(skills)}


def pre_final(x) -> int:
    """A unit's final power before the post phase (Sheep, Monkey, Dog)."""
    return math.floor((Decimal(str(x["base"])) * Decimal(str(x["mult"]))
                       + Decimal(str(x["flat"]))) * Decimal(str(x["variance"])))


def check_consistent(r):
    units = r["units"]
    post = any(e["phase"] == "post" for e in r["events"])
    for u in units:
        assert Decimal("0.9") <= Decimal(str(u["variance"])) <= Decimal("1.2")
        if not post:                       # post-phase effects are checked by their tests
            assert Decimal(str(u["final"])) == pre_final(u), u
    a = sum(Decimal(str(u["final"])) for u in units if u["side"] == "A")
    d = sum(Decimal(str(u["final"])) for u in units if u["side"] == "D")
    assert Decimal(str(r["attacker_power"])) == a and Decimal(str(r["defender_power"])) == d
    plain = "WIN" if a > d else "LOSS"
    if r["outcome"] != plain:
        assert r["outcome"] == "DRAW" and any(e["phase"] == "end" for e in r["events"])


def u(r, name):
    return next(x for x in r["units"] if x["name"] == name)


def mult(r, name):
    return Decimal(str(u(r, name)["mult"]))


def fired(r, skill):
    return [e for e in r["events"] if e.get("skill") == skill]


async def test_deterministic_and_seed_dependent(eng):
    a, d = [unit("A1"), unit("A2", 8000)], [unit("D1", 17000)]
    first = await eng.run(7, a, d)
    assert await eng.run(7, a, d) == first
    assert await eng.run(8, a, d) != first
    assert all(mult(first, n) == 1 for n in ("A1", "A2", "D1"))
    assert len({u["variance"] for u in first["units"]}) == 3


async def test_variance_is_uniform_in_range(eng):
    vs = []
    for seed in range(200):
        r = await eng.run(seed, [unit("A")], [unit("D")])
        vs += [Decimal(str(x["variance"])) for x in r["units"]]
    assert min(vs) >= Decimal("0.9") and max(vs) < Decimal("1.1")
    assert sum(vs) / len(vs) == pytest.approx(Decimal(1), abs=Decimal("0.01"))


async def test_win_only_if_strictly_greater(eng):
    r = await eng.run(1, [unit("A", 0)], [unit("D", 0)])
    assert r["attacker_power"] == r["defender_power"] == 0 and r["outcome"] == "LOSS"


async def test_surge(eng):
    r = await eng.run(1, [unit("A", skills=["Surge"]), unit("B")], [unit("D")])
    assert (mult(r, "A"), mult(r, "B"), mult(r, "D")) == (Decimal("1.25"), 1, 1)


async def test_guard_and_its_single_count_per_side(eng):
    r = await eng.run(1, [unit("A", skills=["Guard"]), unit("B", skills=["Guard"])],
                      [unit("D1"), unit("D2", skills=["Guard"])])
    assert mult(r, "D1") == mult(r, "D2") == Decimal("0.90")          # one Guard counts
    assert mult(r, "A") == mult(r, "B") == Decimal("0.90")
    assert [e["effect"] for e in fired(r, "Guard") if e["side"] == "A"] == [
        "enemy team x0.90", "does not stack"]


@pytest.mark.parametrize("skill,chance,m", [("Berserk", 0.25, "1.5"), ("Golden Egg", 0.01, "3")])
async def test_chance_multipliers(eng, skill, chance, m):
    team = [unit("A", skills=[skill])]
    hit = await eng.find(team, [unit("D")], lambda r: fired(r, skill)[0]["roll"] < chance)
    assert mult(hit, "A") == Decimal(m) and fired(hit, skill)[0]["effect"] == f"x{m}"
    miss = await eng.find(team, [unit("D")], lambda r: fired(r, skill)[0]["roll"] >= chance)
    assert mult(miss, "A") == 1 and fired(miss, skill)[0]["effect"] == "no effect"


async def test_lucky_7_three_ways(eng):
    team = [unit("A", 1000, skills=["Lucky 7"])]
    big = await eng.find(team, [unit("D")], lambda r: fired(r, "Lucky 7")[0]["effect"] == "x8.77")
    assert mult(big, "A") == Decimal("8.77") and u(big, "A")["flat"] == 0
    flat = await eng.find(team, [unit("D")], lambda r: fired(r, "Lucky 7")[0]["effect"] == "+7,777")
    assert mult(flat, "A") == 1 and u(flat, "A")["flat"] == 7777
    none = await eng.find(team, [unit("D")],
                          lambda r: fired(r, "Lucky 7")[0]["effect"] == "no effect")
    assert mult(none, "A") == 1 and u(none, "A")["flat"] == 0


async def test_the_joker_both_ways(eng):
    team = [unit("A", skills=["The Joker"])]
    up = await eng.find(team, [unit("D")], lambda r: fired(r, "The Joker")[0]["roll"] < 0.5)
    down = await eng.find(team, [unit("D")], lambda r: fired(r, "The Joker")[0]["roll"] >= 0.5)
    assert mult(up, "A") == Decimal("1.75") and mult(down, "A") == Decimal("0.25")


async def test_kamikaze_and_anchor(eng):
    r = await eng.run(3, [unit("K", skills=["Kamikaze"]), unit("B")], [unit("D1"), unit("D2")])
    zeroed = [n for n in ("D1", "D2") if mult(r, n) == 0]
    assert len(zeroed) == 1 and mult(r, "K") == 0 and mult(r, "B") == 1
    assert u(r, zeroed[0])["final"] == 0
    # an Anchor holds against it; the Kamikaze unit still falls
    r = await eng.run(3, [unit("K", skills=["Kamikaze"])], [unit("D", skills=["Anchor"])])
    assert mult(r, "D") == 1 and mult(r, "K") == 0


async def test_anchor_ignores_debuffs_only(eng):
    r = await eng.run(1, [unit("A", skills=["Guard"])],
                      [unit("D1", skills=["Anchor", "Surge"]), unit("D2")])
    assert mult(r, "D1") == Decimal("1.25")            # own buff kept, Guard ignored
    assert mult(r, "D2") == Decimal("0.90")
    assert any(e["skill"] == "Anchor" and "ignores" in e["effect"] for e in r["events"])


async def test_revive_turns_a_loss_into_a_draw_for_the_attacker_only(eng):
    weak, strong = [unit("A", 1000, skills=["Revive"])], [unit("D", 50000)]
    draw = await eng.find(weak, strong, lambda r: r["outcome"] == "DRAW")
    assert fired(draw, "Revive")[0]["roll"] < 0.25
    loss = await eng.find(weak, strong, lambda r: fired(r, "Revive")[0]["roll"] >= 0.25)
    assert loss["outcome"] == "LOSS"
    # on the defending side it does nothing
    r = await eng.run(1, [unit("A", 50000)], [unit("D", 1000, skills=["Revive"])])
    assert r["outcome"] == "WIN" and not fired(r, "Revive")


async def test_royalty(eng):
    r = await eng.run(1, [unit("R", skills=["Royalty"]), unit("B"), unit("C")], [unit("D")])
    assert (mult(r, "R"), mult(r, "B"), mult(r, "C"), mult(r, "D")) == (
        1, Decimal("1.05"), Decimal("1.05"), 1)


async def test_synergies_need_their_partner(eng):
    kyo = unit("Kyo", skills=["Feline Fealty"], aid=209)
    tohru = unit("Tohru", aid=207)
    r = await eng.run(1, [kyo, tohru], [unit("D")])
    assert (mult(r, "Kyo"), mult(r, "Tohru"), mult(r, "D")) == (
        Decimal("1.10"), Decimal("1.10"), Decimal("0.975"))
    alone = await eng.run(1, [kyo], [unit("D")])
    assert mult(alone, "Kyo") == 1 and mult(alone, "D") == 1
    assert fired(alone, "Feline Fealty")[0]["effect"] == "no partner in the team"

    r = await eng.run(1, [unit("Frieren", skills=["Eternity"], aid=176754),
                          unit("Himmel", skills=["Ephemerality"], aid=184311)], [unit("D")])
    assert mult(r, "Frieren") == Decimal("1.18") * Decimal("1.035")
    assert mult(r, "Himmel") == Decimal("1.035")
    r = await eng.run(1, [unit("Coco", skills=["The Amber Sun"], aid=129840),
                          unit("Agott", aid=129842), unit("X")], [unit("D")])
    assert (mult(r, "Coco"), mult(r, "Agott"), mult(r, "X")) == (
        Decimal("1.15"), Decimal("1.15"), 1)


async def test_onyx_moon_suppresses_and_with_coco_weakens(eng):
    agott = unit("Agott", skills=["The Onyx Moon"], aid=129842)
    r = await eng.run(1, [agott], [unit("D", skills=["Surge"])])
    assert mult(r, "D") == 1 and u(r, "D")["suppressed"] == ["Surge"]
    assert not fired(r, "Surge")
    with_coco = await eng.run(1, [agott, unit("Coco", aid=129840)], [unit("D", skills=["Surge"])])
    assert mult(with_coco, "D") == Decimal("0.75")
    # an Anchor keeps its power, not its skill
    anchored = await eng.run(1, [agott, unit("Coco", aid=129840)],
                             [unit("D", skills=["Anchor", "Surge"])])
    assert mult(anchored, "D") in (Decimal("1.25"), 1)
    # it never targets another priority-10 skill
    r = await eng.run(1, [agott], [unit("Z", skills=[ZODIAC])])
    assert fired(r, "The Onyx Moon")[0]["effect"] == "no enemy skill to disable"


def sign_of(r):
    return next(e["effect"] for e in r["events"] if e.get("skill") == ZODIAC and
                e["phase"] == "start").split()[1]


async def zodiac(eng, sign, attacker, defender):
    return await eng.find(attacker, defender, lambda r: sign_of(r) == sign)


async def test_zodiac_signs(eng):
    team = [unit("Q", skills=[ZODIAC]), unit("B", 9000)]
    foes = [unit("D1", 12000, skills=["Surge"]), unit("D2", 7000)]
    r = await zodiac(eng, "Rat", team, foes)
    assert mult(r, "Q") == Decimal("1.20")
    r = await zodiac(eng, "Ox", team, foes)
    assert sorted([mult(r, "D1") / Decimal("1.25"), mult(r, "D2")]) == [Decimal("0.80"), 1]
    r = await zodiac(eng, "Tiger", team, foes)
    assert mult(r, "Q") == mult(r, "B") == Decimal("1.05")
    r = await zodiac(eng, "Rabbit", team, foes)
    assert mult(r, "D2") == Decimal("0.93") and mult(r, "D1") == Decimal("0.93") * Decimal("1.25")
    r = await zodiac(eng, "Dragon", team, foes)
    assert Decimal(str(u(r, "Q")["variance"])) == Decimal("1.2")
    r = await zodiac(eng, "Horse", team, foes)
    assert mult(r, "Q") == Decimal("0.90") and mult(r, "B") == Decimal("1.30")
    r = await zodiac(eng, "Rooster", team, foes)
    assert mult(r, "Q") == Decimal("1.03") * Decimal("1.06") and mult(r, "B") == Decimal("1.03")
    r = await zodiac(eng, "Sheep", team, foes)
    assert u(r, "Q")["final"] == max(pre_final(u(r, "D1")), pre_final(u(r, "D2")))
    assert all(u(r, n)["final"] == pre_final(u(r, n)) for n in ("B", "D1", "D2"))
    r = await zodiac(eng, "Dog", team, foes)
    assert u(r, "Q")["final"] == max(pre_final(u(r, "Q")), pre_final(u(r, "B")))  # holder included
    assert u(r, "B")["final"] == pre_final(u(r, "B"))
    r = await zodiac(eng, "Pig", team, foes)
    assert u(r, "D1")["suppressed"] == ["Surge"] and mult(r, "D1") == 1
    r = await zodiac(eng, "Monkey", team, foes)
    pre = {x["name"]: pre_final(x) for x in r["units"]}
    target = next(n for n in ("D1", "D2") if u(r, "Q")["final"] == pre[n])
    assert u(r, target)["final"] == pre["Q"] != pre[target]           # the two swapped
    other = "D2" if target == "D1" else "D1"
    assert u(r, other)["final"] == pre[other] and u(r, "B")["final"] == pre["B"]
    # the Snake: a loss becomes a draw
    weak = [unit("Q", 100, skills=[ZODIAC])]
    r = await zodiac(eng, "Snake", weak, [unit("D", 90000)])
    assert r["outcome"] == "DRAW"


async def test_entwined_souls_at_1_2_strength_with_kyo(eng):
    tohru = unit("Tohru", skills=["Entwined Souls"], aid=207)
    kyo = unit("Kyo", aid=209)
    r = await eng.find([tohru, kyo], [unit("D")],
                       lambda r: "Tiger" in fired(r, "Entwined Souls")[0]["effect"])
    assert mult(r, "Tohru") == mult(r, "Kyo") == Decimal("1.06")        # 5 % x 1.2
    r = await eng.find([tohru, kyo], [unit("D")],
                       lambda r: "Rabbit" in fired(r, "Entwined Souls")[0]["effect"])
    assert mult(r, "D") == Decimal("0.916")                                  # 7 % x 1.2
    alone = await eng.run(1, [tohru], [unit("D")])
    assert fired(alone, "Entwined Souls")[0]["effect"] == "no partner in the team"


async def test_suppressed_skills_do_nothing(eng):
    # Pig disables Berserk: no roll is made for it at all
    team = [unit("Q", skills=[ZODIAC])]
    r = await zodiac(eng, "Pig", team, [unit("D", skills=["Berserk"])])
    assert not fired(r, "Berserk") and mult(r, "D") == 1


async def test_replay_uses_the_stored_skill_definitions(eng, tx):
    r1 = await eng.run(5, [unit("A", skills=["Surge"])], [unit("D")])
    changed = await tx.fetchval(
        "select jsonb_set(jsonb_object_agg(name, to_jsonb(s) - 'name' - 'description'),"
        " '{Surge,params,mult}', '2') from stardust.skills s")
    r2 = await eng.run(5, [unit("A", skills=["Surge"])], [unit("D")], changed)
    assert mult(r2, "A") == 2 and mult(r1, "A") == Decimal("1.25")


# ---- issue 13, 3: the skills as SKILLS.md (and the original) say --------------------------

async def test_dog_copies_the_team_maximum_holder_included(eng):
    # seed 4: the Dog; a 20,000-power holder is the strongest of its team. It used to copy
    # the best *other* ally (about 10,000) and turn a win into a loss.
    team = [unit("Q", 20000, skills=[ZODIAC]), unit("B", 10000)]
    r = await eng.run(4, team, [unit("D", 25000)])
    assert sign_of(r) == "Dog"
    assert u(r, "Q")["final"] == pre_final(u(r, "Q")) > 20000 * 0.9
    assert r["outcome"] == "WIN"
    assert "copies itself" in [e for e in r["events"] if e["phase"] == "post"][0]["effect"]
    # a weaker holder copies the strongest ally
    r = await eng.run(4, [unit("Q", 1000, skills=[ZODIAC]), unit("B", 10000)], [unit("D")])
    assert u(r, "Q")["final"] == u(r, "B")["final"] == pre_final(u(r, "B"))


async def test_kamikaze_picks_only_living_targets(eng):
    # two Kamikazes against two enemies: the second never picks the one the first zeroed;
    # an enemy of 0 power is never picked
    for seed in range(1, 40):
        r = await eng.run(seed, [unit("K1", skills=["Kamikaze"]), unit("K2", skills=["Kamikaze"])],
                          [unit("D1"), unit("D2")])
        assert mult(r, "D1") == mult(r, "D2") == 0, seed
        r = await eng.run(seed, [unit("K", skills=["Kamikaze"])], [unit("Z", 0), unit("D")])
        assert mult(r, "D") == 0 and mult(r, "Z") == 1, seed
    # nobody left standing: the Kamikaze unit still falls, and says why
    r = await eng.run(1, [unit("K1", skills=["Kamikaze"]), unit("K2", skills=["Kamikaze"])],
                      [unit("D")])
    assert mult(r, "K1") == mult(r, "K2") == 0 and mult(r, "D") == 0
    assert fired(r, "Kamikaze")[1]["effect"] == "no enemy left standing; K2 x0"


async def test_monkey_swaps_only_with_a_living_enemy(eng):
    team = [unit("Q", 5000, skills=[ZODIAC])]
    foes = [unit("Z1", 0), unit("D", 20000), unit("Z2", 0)]
    seeds = [s for s in range(1, 400) if sign_of(await eng.run(s, team, foes)) == "Monkey"]
    assert len(seeds) >= 5
    for s in seeds:
        r = await eng.run(s, team, foes)
        pre = {x["name"]: pre_final(x) for x in r["units"]}
        assert u(r, "Q")["final"] == pre["D"] and u(r, "D")["final"] == pre["Q"], s
        assert u(r, "Z1")["final"] == u(r, "Z2")["final"] == 0
    r = await eng.run(seeds[0], team, [unit("Z", 0)])
    assert u(r, "Q")["final"] == pre_final(u(r, "Q"))
    assert "no enemy left standing" in [e for e in r["events"] if e["phase"] == "post"][0]["effect"]
