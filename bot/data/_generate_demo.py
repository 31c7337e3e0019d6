"""Generate bot/data/demo_characters.json, the offline demo catalogue.

    .venv/bin/python -m bot.data._generate_demo

Deterministic (fixed seeds). Invented characters and series (some names and titles in
Japanese, Korean or Chinese script, some with an emoji), plus the six real characters whose
AniList ids SKILLS.md's synergies name, so the demo can show those skills. Ranks are
chosen so the catalogue spans SSR (rank 1-250), SR (251-1500) and R (1501+); favourites
fall with rank like AniList's. This is demo data: the real catalogue comes from
`stardust import-characters`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).with_name("demo_characters.json")

GIVEN = ["Aiko", "Akira", "Ayame", "Chihiro", "Daichi", "Emi", "Haru", "Hikari", "Hinata",
         "Hotaru", "Isamu", "Itsuki", "Kaede", "Kaito", "Kanon", "Kazuki", "Kei", "Kiyomi",
         "Kohaku", "Kotone", "Mai", "Makoto", "Mio", "Misaki", "Nagisa", "Nanami", "Natsuki",
         "Ren", "Riku", "Rin", "Ryo", "Sakura", "Satsuki", "Sora", "Suzu", "Takeru", "Tsubasa",
         "Yui", "Yuki", "Yuma", "Yuzu", "Zen", "Asahi", "Shion", "Minato", "Kurumi", "Noa",
         "Elena", "Lucius", "Mira", "Orion", "Selene", "Tristan", "Vega", "Lyra", "Cassian"]
FAMILY = ["Amane", "Aoyama", "Fujimoto", "Hanazawa", "Hoshino", "Ichinose", "Kagami",
          "Kamiya", "Kirishima", "Kurosawa", "Minazuki", "Mizuno", "Morikawa", "Nanase",
          "Natsume", "Ootori", "Saotome", "Shirogane", "Sumeragi", "Takanashi", "Tachibana",
          "Tsukishiro", "Yagami", "Yukimura", "Asakura", "Hayase", "Kanzaki", "Shinomiya",
          "Valen", "Astoria", "Nightingale", "Everhart"]
SERIES = ["Starlit Academy", "Chronicles of the Azure Blade", "月光カフェ日記",
          "Sky Pirates of Aerith", "The Last Shrine Maiden", "Gear Heart Revolution",
          "Tea Club After Dark", "Idol Constellation", "Witch of the Clockwork Tower",
          "忍者宅配便", "Ocean Song Requiem", "Crimson Phantom Detective",
          "Spirit Hunters Guild", "Cherry Blossom Relay 🌸", "Galaxy Express Girls ✨",
          "Sword Art of the Lost Garden", "My Neighbour is a Dragon", "Frostbound Knights",
          "Ramen Road Trip 🍜", "Ghost Tutor", "Magical Accountant Mirai", "天鹅绒歌剧",
          "강철의 소녀들", "Lantern Festival Boys", "The Alchemist's Apprentice"]
# about a third of the invented characters carry their name in Japanese script (family name
# first; katakana given and family names joined by a middle dot), as AniList shows natives
JAPANESE = {
    "Aiko": "愛子", "Akira": "明", "Ayame": "あやめ", "Chihiro": "千尋", "Daichi": "大地",
    "Emi": "恵美", "Haru": "春", "Hikari": "ひかり", "Hinata": "日向", "Hotaru": "蛍",
    "Isamu": "勇", "Itsuki": "樹", "Kaede": "楓", "Kaito": "海斗", "Kanon": "花音",
    "Kazuki": "和樹", "Kei": "圭", "Kiyomi": "清美", "Kohaku": "琥珀", "Kotone": "琴音",
    "Mai": "舞", "Makoto": "誠", "Mio": "澪", "Misaki": "美咲", "Nagisa": "渚", "Nanami": "七海",
    "Natsuki": "夏希", "Ren": "蓮", "Riku": "陸", "Rin": "凛", "Ryo": "涼", "Sakura": "さくら",
    "Satsuki": "皐月", "Sora": "空", "Suzu": "鈴", "Takeru": "健", "Tsubasa": "翼",
    "Yui": "結衣", "Yuki": "雪", "Yuma": "悠真", "Yuzu": "ゆず", "Zen": "善", "Asahi": "朝日",
    "Shion": "紫苑", "Minato": "湊", "Kurumi": "くるみ", "Noa": "ノア", "Elena": "エレナ",
    "Lucius": "ルシウス", "Mira": "ミラ", "Orion": "オリオン", "Selene": "セレーネ",
    "Tristan": "トリスタン", "Vega": "ベガ", "Lyra": "ライラ", "Cassian": "カシアン",
    "Amane": "天音", "Aoyama": "青山", "Fujimoto": "藤本", "Hanazawa": "花沢",
    "Hoshino": "星野", "Ichinose": "一ノ瀬", "Kagami": "鏡", "Kamiya": "神谷",
    "Kirishima": "霧島", "Kurosawa": "黒沢", "Minazuki": "水無月", "Mizuno": "水野",
    "Morikawa": "森川", "Nanase": "七瀬", "Natsume": "夏目", "Ootori": "鳳",
    "Saotome": "早乙女", "Shirogane": "白銀", "Sumeragi": "皇", "Takanashi": "小鳥遊",
    "Tachibana": "橘", "Tsukishiro": "月城", "Yagami": "八神", "Yukimura": "雪村",
    "Asakura": "朝倉", "Hayase": "早瀬", "Kanzaki": "神崎", "Shinomiya": "四宮",
    "Valen": "ヴァレン", "Astoria": "アストリア", "Nightingale": "ナイチンゲール",
    "Everhart": "エバーハート",
}
WESTERN_FAMILY = {"Valen", "Astoria", "Nightingale", "Everhart"}
JAPANESE_SHARE = 0.3


def in_japanese(name: str) -> str:
    given, family = name.split(" ")
    if family in WESTERN_FAMILY:
        return f"{JAPANESE[given]}・{JAPANESE[family]}"
    return f"{JAPANESE[family]} {JAPANESE[given]}"


SKILLS = ["Surge", "Guard", "Berserk", "Golden Egg", "Lucky 7", "The Joker", "Kamikaze",
          "Revive", "Anchor", "Royalty", "Hardworker", "Master of Coin", "The Long Road"]

# (anilist id, name, series, rank, favourites, skills) - real characters whose ids SKILLS.md
# uses for synergies; their numbers here are illustrative, not AniList's live figures
REAL = [
    # each carries the skill whose partner is the other: Frieren's Eternity is with Himmel...
    (176754, "Frieren", "Sousou no Frieren", 9, 95000, ["Eternity"]),
    (184311, "Himmel", "Sousou no Frieren", 70, 38000, ["Ephemerality"]),
    (207, "Tohru Honda", "Fruits Basket", 320, 9000, ["Entwined Souls"]),
    (209, "Kyo Sohma", "Fruits Basket", 140, 21000, ["Feline Fealty"]),
    (129840, "Coco", "Tongari Boushi no Atelier", 600, 5200, ["The Amber Sun"]),
    (129842, "Agott", "Tongari Boushi no Atelier", 900, 3400, ["The Onyx Moon"]),
]

COUNTS = {"SSR": 40, "SR": 130, "R": 260}
RANK_RANGE = {"SSR": (1, 250), "SR": (251, 1500), "R": (1501, 6000)}


def favourites(rank: int) -> int:
    return max(20, int(260000 / rank ** 0.92))


def generate() -> list[dict]:
    rng = random.Random(20261121)
    used_names: set[str] = {r[1] for r in REAL}
    used_ranks: set[int] = {r[3] for r in REAL}
    chars = [{"anilist_id": aid, "name": name, "series": series, "image_url": None,
              "favorites": favs, "rank": rank, "ability_tags": skills}
             for aid, name, series, rank, favs, skills in REAL]
    next_id = 9_000_001                      # demo ids, far from the real ones above
    for rarity, n in COUNTS.items():
        lo, hi = RANK_RANGE[rarity]
        ranks = sorted(rng.sample([r for r in range(lo, hi + 1) if r not in used_ranks], n))
        used_ranks.update(ranks)
        for rank in ranks:
            while True:
                name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
                if name not in used_names:
                    used_names.add(name)
                    break
            skill_chance = {"SSR": 0.35, "SR": 0.12, "R": 0.04}[rarity]
            tags = [rng.choice(SKILLS)] if rng.random() < skill_chance else []
            chars.append({"anilist_id": next_id, "name": name, "series": rng.choice(SERIES),
                          "image_url": None, "favorites": favourites(rank), "rank": rank,
                          "ability_tags": tags})
            next_id += 1
    # a separate generator, so the romaji draws above stay as they were
    script_rng = random.Random(20261130)
    for c in chars[len(REAL):]:
        if script_rng.random() < JAPANESE_SHARE:
            c["name"] = in_japanese(c["name"])
    chars.sort(key=lambda c: c["rank"])
    # the Queen of the Zodiacs rules the strongest demo character
    next(c for c in chars if c["anilist_id"] >= 9_000_001)["ability_tags"] = ["Queen of the Zodiacs"]
    return chars


def main() -> None:
    chars = generate()
    doc = {
        "_comment": ("DEMO DATA, generated by bot/data/_generate_demo.py: invented characters "
                     "and series (ids 9000001+) plus six real characters whose AniList ids "
                     "the skill synergies name (numbers illustrative). It stands in for the "
                     "real catalogue so the game works offline; import the real one with "
                     "`stardust import-characters`."),
        "characters": chars,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(chars)} characters")


if __name__ == "__main__":
    main()
