"""`stardust verify --user ID`: recompute a player's pulls from the revealed server seeds.

Written from the rules in docs/FAIRNESS.md (DESIGN.md, "Provably fair pulls"), independently
of the SQL: it never calls the draw; it reads only what any player may read - the revealed
seeds (`revealed_seeds`), the player's history with each unit's seed id, nonce, client seed
and pool size/index (`pull_history`), the draw's parameters (`fairness`), the banners'
rate-up units and chance (`list_banners`) and the catalogue's pools (`catalogue_pool`) - and
recomputes every unit: rarity, pity flag, rate-up choice, pool index and character.

Units drawn with a seed not revealed yet are counted as pending, not failed. A unit whose
pool has changed size since (a catalogue import) has its rarity and index checked, but its
character cannot be, and is counted apart.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

U48 = 2 ** 48
DRAWN = ("pull", "starter")        # sources whose units are drawn (spark, shop are chosen)


def randomness(seed: bytes, client_seed: str, nonce: int) -> tuple[float, float, float]:
    """u1, u2, u3 of one unit: HMAC-SHA256(seed, "client_seed:nonce"), bytes 0-5, 6-11 and
    12-17 as big-endian integers over 2^48."""
    h = hmac.new(seed, f"{client_seed}:{nonce}".encode(), hashlib.sha256).digest()
    return tuple(int.from_bytes(h[i:i + 6], "big") / U48 for i in (0, 6, 12))  # type: ignore


@dataclass(frozen=True)
class Rules:
    rate_ssr: float
    rate_sr: float
    pity_hard: int
    ten_pull_guarantee: bool


@dataclass(frozen=True)
class Banner:
    chance: float
    rate_up: Mapping[str, list[int]]          # rarity -> rate-up anilist ids, ascending


@dataclass
class Report:
    matched: Counter = field(default_factory=Counter)        # seed id -> units
    pending: Counter = field(default_factory=Counter)        # seed id -> units, not revealed
    unchecked: Counter = field(default_factory=Counter)      # seed id -> character unknowable
    failed: Counter = field(default_factory=Counter)         # seed id -> units
    problems: list[str] = field(default_factory=list)
    seeds: dict[int, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = []
        for sid in sorted(set(self.matched) | set(self.pending) | set(self.failed)):
            if sid in self.pending:
                out.append(f"seed #{sid}: not revealed yet - {self.pending[sid]} units to "
                           "check after the next rotation")
                continue
            total = self.matched[sid] + self.failed[sid]
            when = self.seeds.get(sid, {}).get("revealed_at")
            verdict = ("OK, every unit matches" if not self.failed[sid]
                       else f"MISMATCH in {self.failed[sid]} units")
            out.append(f"seed #{sid} (revealed {when}): {total} units - {verdict}"
                       + (f" ({self.unchecked[sid]} whose pool has changed since: rarity and"
                          " index checked, not the character)" if self.unchecked[sid] else ""))
        out += [f"  {p}" for p in self.problems]
        if not out:
            out.append("no drawn units to check")
        out.append("verdict: " + ("every revealed pull matches" if self.ok
                                  else f"{len(self.problems)} problems found"))
        return out


def verify(history: Iterable[Mapping[str, Any]], seeds: Mapping[int, Mapping[str, Any]],
           rules: Rules, banners: Mapping[int, Banner],
           pools: Mapping[str, list[int]]) -> Report:
    """Check a player's whole history (any order; pull_history rows) against the revealed
    seeds ({id: {"seed": hex, "commitment": hex, ...}})."""
    report = Report(seeds=dict(seeds))
    for sid, s in seeds.items():
        if hashlib.sha256(bytes.fromhex(s["seed"])).hexdigest() != s["commitment"]:
            report.problems.append(f"seed #{sid}: sha256(seed) is not its commitment")
    calls: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in history:
        calls[row["pull_id"]].append(row)
    pity, next_nonce = 0, 0
    for pull_id in sorted(calls):
        units = sorted(calls[pull_id], key=lambda r: r["position"])
        source = units[0]["source"]
        if source not in DRAWN or units[0]["seed_id"] is None:
            if source == "pull":                       # drawn before fair pulls existed
                for u in units:
                    pity = 0 if u["rarity"] == "SSR" else pity + 1
            continue
        sid = units[0]["seed_id"]
        broken = {}                     # position -> why its nonce or seed is out of line
        for u in units:
            if u["nonce"] != next_nonce or u["seed_id"] != sid:
                broken[u["position"]] = (f"nonce {u['nonce']} on seed #{u['seed_id']}, expected"
                                         f" {next_nonce} on seed #{sid} (nonces run 0, 1, 2,"
                                         " ... unbroken, one seed per call)")
            next_nonce = (u["nonce"] if u["nonce"] is not None else next_nonce) + 1
        if sid not in seeds:
            report.pending[sid] += len(units)
            report.problems += [f"pull {pull_id} #{pos}: {why}" for pos, why in broken.items()]
            if source == "pull":
                for u in units:
                    pity = 0 if u["rarity"] == "SSR" else pity + 1
            continue
        seed = bytes.fromhex(seeds[sid]["seed"])
        # rarity of every unit, in order: pity, base rates, the 10-pull guarantee
        local = pity if source == "pull" else 0
        high, want = False, []
        for i, u in enumerate(units, 1):
            u1, u2, u3 = randomness(seed, u["client_seed"], u["nonce"])
            forced = local + 1 >= rules.pity_hard
            if forced:
                rarity = "SSR"
            else:
                rarity = ("SSR" if u1 < rules.rate_ssr
                          else "SR" if u1 < rules.rate_ssr + rules.rate_sr else "R")
                if (rules.ten_pull_guarantee and len(units) == 10 and i == 10 and not high
                        and rarity == "R"):
                    rarity = "SR"
            local = 0 if rarity == "SSR" else local + 1
            high = high or rarity != "R"
            want.append([rarity, forced, u2, u3])
        if source == "starter" and not any(w[0] == "SSR" for w in want):
            want[-1][0], want[-1][1] = "SSR", True     # the starter's guaranteed SSR
        if source == "pull":
            pity = local
        banner = banners.get(units[0]["banner_id"]) if source == "pull" else None
        for u, (rarity, forced, u2, u3) in zip(units, want):
            where = f"pull {pull_id} #{u['position']} (nonce {u['nonce']})"
            bad = [broken[u["position"]]] if u["position"] in broken else []
            if u["rarity"] != rarity:
                bad.append(f"rarity {u['rarity']}, the seed gives {rarity}")
            if bool(u["is_pity"]) != forced:
                bad.append(f"is_pity {u['is_pity']}, expected {forced}")
            listed = banner.rate_up.get(rarity, []) if banner else []
            pick = bool(listed) and u2 < (banner.chance if banner else 0.0)
            if bool(u["rate_up_pick"]) != pick:
                bad.append(f"rate-up pick {u['rate_up_pick']}, the seed gives {pick}")
            size = u["pool_size"]
            if not size or size < 1:
                bad.append(f"no pool size recorded ({size})")
            else:
                idx = math.floor(u3 * size)
                if u["pool_idx"] != idx:
                    bad.append(f"pool index {u['pool_idx']}, the seed gives {idx} of {size}")
                pool = listed if pick else pools.get(rarity, [])
                if len(pool) != size:
                    report.unchecked[sid] += 1
                elif pool[idx] != u["anilist_id"]:
                    bad.append(f"character {u['anilist_id']}, index {idx} of the "
                               f"{'rate-up list' if pick else rarity + ' pool'} is {pool[idx]}")
            if bad:
                report.failed[sid] += 1
                report.problems.append(f"{where}: " + "; ".join(bad))
            else:
                report.matched[sid] += 1
    return report


async def fetch_and_verify(db: Any, user_id: int) -> Report:
    """Read what `verify` needs through the game's read functions (bot/db.py)."""
    fair = await db.fairness(user_id)
    rules = Rules(float(fair["rate_ssr"]), float(fair["rate_sr"]), int(fair["pity_hard"]),
                  bool(fair["ten_pull_guarantee"]))
    history: list[Mapping[str, Any]] = []
    before = None
    while True:
        page = await db.pull_history(user_id, 500, before)
        if not page:
            break
        history += page
        before = min(r["pull_id"] for r in page)
    needed = {r["seed_id"] for r in history if r["seed_id"] is not None}
    seeds: dict[int, Mapping[str, Any]] = {}
    before = None
    while needed - set(seeds):
        page = await db.revealed_seeds(1000, before)
        if not page:
            break
        seeds.update({r["id"]: dict(r) for r in page})
        before = min(r["id"] for r in page)
    seeds = {k: v for k, v in seeds.items() if k in needed}
    banners = {}
    for b in await db.list_banners(include_ended=True):
        rate_up: dict[str, list[int]] = defaultdict(list)
        for f in b["featured"] or []:
            rate_up[f["rarity"]].append(int(f["anilist_id"]))
        banners[b["id"]] = Banner(float(b["rate_up_chance"]),
                                  {k: sorted(v) for k, v in rate_up.items()})
    pools = {}
    for rarity in ("SSR", "SR", "R"):
        rows = await db.catalogue_pool(rarity)
        pools[rarity] = [r["anilist_id"] for r in sorted(rows, key=lambda r: r["pool_idx"])]
    return verify(history, seeds, rules, banners, pools)


def main(user_id: int, url: str) -> int:
    import asyncio

    from bot.db import Database

    async def run() -> int:
        db = await Database.connect(url, max_size=1, min_size=1)
        try:
            report = await fetch_and_verify(db, user_id)
        finally:
            await db.close()
        print(f"player {user_id}:")
        for line in report.lines():
            print(line)
        return 0 if report.ok else 1

    return asyncio.run(run())
