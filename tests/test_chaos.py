"""A bounded chaos test: many bot connections hammer the mutating API while connections are
killed, queries cancelled and the server crashes; afterwards the books must balance.

It runs its OWN throwaway cluster (the server is stopped with `pg_ctl stop -m immediate` and
started again in the middle), seeds a catalogue, players with units and teams, a guild, a
banner, a raid and a gift code, then 32 asyncio workers connected as the bot's role call
random mutating functions with random request ids; 10 % of the requests are sent again (also
while the original still runs), some calls are cancelled by the client (timeouts, task
cancel), a controller terminates random worker backends. Then it checks the invariants:
balances equal ledger sums and are not negative; no unit above the dupe cap; one effect per
request id; pulls x cost = gems charged for pulls; raid HP lost = damage recorded; gift-code
uses within the limit; items and units conserved (what was granted minus what was spent is
what is held); every error was a documented SQLSTATE (docs/API.md) or a connection error
(terminated, cancelled, server down). Deadlocks (40P01) and serialization failures (40001)
are not documented and fail the test.

Duration: STARDUST_CHAOS_SECONDS (default 20 s of chaos; about 35 s in all).
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import random
import re
import time
from pathlib import Path

import asyncpg
import pytest

from bot import migrate
from bot.pgcluster import throwaway
from tests.helpers import characters

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("STARDUST_CHAOS_SECONDS", "20"))
WORKERS = 32
PLAYERS = list(range(1, 13))          # share the same rows: contention on purpose
POOR = 12                             # starts with almost nothing: SDNSF paths
GUILD = 777
SEED = 20261130
RESEND = 0.10
DOCS = Path(__file__).resolve().parent.parent / "docs" / "API.md"


def documented_codes() -> set[str]:
    """The SQLSTATEs of docs/API.md's error table."""
    return set(re.findall(r"^\| (SD[A-Z0-9]{3}) \|", DOCS.read_text(), re.M))


# connection-level SQLSTATE classes: 08 connection exception, 57 operator intervention
# (57014 query_canceled by our own cancels, 57P01 terminated, 57P02 crash, 57P03 starting)
CONNECTION_CLASSES = ("08", "57")
CONNECTION_ERRORS = (OSError, ConnectionError, asyncio.TimeoutError,
                     asyncpg.exceptions.ConnectionDoesNotExistError,
                     asyncpg.exceptions.InternalClientError, asyncpg.InterfaceError)

# functions whose replay returns exactly the stored first result (others add live reads,
# e.g. a unit's power now)
EXACT_REPLAY = {"pull", "spark", "claim_starter", "shop_buy", "scrap", "mass_scrap",
                "buy_item", "redeem_code", "claim_all_tasks", "claim_task", "set_locked",
                "set_team", "save_preset", "load_preset"}


class Stats:
    def __init__(self) -> None:
        self.ok = collections.Counter()
        self.errors = collections.Counter()           # (fn, sqlstate or class name)
        self.unexpected: dict[tuple[str, str], str] = {}
        self.client_errors: dict[str, str] = {}       # connection-level: a sample of each
        self.replay_mismatch: list[str] = []
        self.kills = self.cancels = self.timeouts = self.resends = self.overlaps = 0
        self.reconnects = self.restarts = self.raids_started = 0

    def report(self) -> str:
        fns = sorted(set(self.ok) | {f for f, _ in self.errors})
        lines = [f"chaos: {sum(self.ok.values())} calls ok, {sum(self.errors.values())} "
                 f"errors; {self.resends} re-sent ({self.overlaps} while the first still ran), "
                 f"{self.cancels} cancelled by the client, {self.timeouts} sent with a "
                 f"short client timeout, {self.kills} backends "
                 f"terminated, {self.restarts} server crash/restart, {self.reconnects} "
                 f"reconnects, {self.raids_started} raids started"]
        for fn in fns:
            errs = ", ".join(f"{code} {n}" for (f, code), n in sorted(self.errors.items())
                             if f == fn)
            lines.append(f"  {fn:16} ok {self.ok[fn]:5}  {errs}")
        lines += [f"  client-side {name}: e.g. {sample!r}"
                  for name, sample in sorted(self.client_errors.items())]
        return "\n".join(lines)


class Chaos:
    def __init__(self, cluster, url: str) -> None:
        self.cluster = cluster
        self.url = url
        self.stats = Stats()
        self.codes = documented_codes()
        self.resend_q: collections.deque = collections.deque(maxlen=200)
        self.first_result: dict[tuple[int, str], list] = {}
        self.pids: dict[int, int] = {}
        self.in_flight: collections.Counter = collections.Counter()
        self.units: dict[int, list[asyncpg.Record]] = {}
        self.banner = self.spark_unit = None
        self.deadline = 0.0

    # -- connections ----------------------------------------------------------------------
    async def connect(self, as_bot: bool = True) -> asyncpg.Connection:
        settings = {"role": "stardust_bot"} if as_bot else {}
        while True:
            try:
                return await asyncpg.connect(self.url, server_settings=settings, timeout=5)
            except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
                if isinstance(exc, asyncpg.PostgresError) and \
                        not exc.sqlstate.startswith(CONNECTION_CLASSES):
                    raise
                if time.monotonic() > self.deadline + 60:
                    raise
                await asyncio.sleep(0.1)

    # -- the calls --------------------------------------------------------------------------
    async def refresh_units(self, conn, uid: int) -> None:
        self.units[uid] = await conn.fetch(
            "select inventory_id, rarity, is_locked, dupe_level"
            " from stardust.inventory($1, 'date', null, 100, 0)", uid)

    def pick_units(self, rng, uid: int, k: int, rarity: str | None = None) -> list[int]:
        pool = [u["inventory_id"] for u in self.units.get(uid, [])
                if rarity is None or u["rarity"] == rarity]
        ids = rng.sample(pool, min(k, len(pool))) if pool else []
        if rng.random() < 0.15:                   # somebody else's units: SDOWN
            other = self.units.get(rng.choice(PLAYERS), [])
            ids += [u["inventory_id"] for u in rng.sample(other, min(len(other),
                                                                     rng.randint(1, 3)))]
        return ids or [rng.randint(1, 10_000)]

    async def make_call(self, conn, rng, wid: int, n: int):
        uid = rng.choice(PLAYERS)
        rid = f"w{wid}-{n}-{rng.getrandbits(32):08x}"
        if rng.random() < 0.3 or uid not in self.units:
            await self.refresh_units(conn, uid)
        r = rng.random
        op = rng.choices(
            ["pull", "spark", "scrap", "mass_scrap", "set_locked", "set_team", "bounty_claim",
             "battle_npc", "battle_pvp", "checkin", "claim_task", "claim_all_tasks",
             "expedition_start", "expedition_claim", "expedition_stop", "shop_buy",
             "buy_item", "use_token", "gift_bond", "redeem_code", "raid_attack",
             "claim_starter", "save_preset", "load_preset", "new_player"],
            weights=[14, 3, 5, 2, 3, 4, 4, 6, 4, 2, 2, 2, 3, 2, 2, 2, 3, 3, 4, 2, 6, 2, 2, 2,
                     1])[0]
        if op == "pull":
            return op, "select * from stardust.pull($1, $2::int, $3::int, $4)", (
                uid, rng.choice([1, 1, 10]), self.banner if r() < 0.5 else None, rid)
        if op == "spark":
            return op, "select * from stardust.spark($1, $2::int, $3::int, $4)", (
                uid, self.banner, self.spark_unit, rid)
        if op == "scrap":
            return op, "select * from stardust.scrap($1, $2::bigint[], $3)", (
                uid, self.pick_units(rng, uid, rng.randint(1, 3)), rid)
        if op == "mass_scrap":
            return op, "select * from stardust.mass_scrap($1, $2, $3)", (
                uid, rng.choice(["R", "R", "SR"]), rid)
        if op == "set_locked":
            return op, "select stardust.set_locked($1, $2::bigint[], $3, $4)", (
                uid, self.pick_units(rng, uid, rng.randint(1, 3)), r() < 0.5, rid)
        if op == "set_team":
            return op, "select * from stardust.set_team($1, $2::bigint[], $3)", (
                uid, self.pick_units(rng, uid, rng.randint(1, 5), rarity="SSR"), rid)
        if op == "bounty_claim":
            return op, "select * from stardust.bounty_claim($1, $2, $3, $4)", (
                uid, GUILD, rng.randint(1, 3), rid)
        if op == "battle_npc":
            return op, "select * from stardust.battle_npc($1, $2, $3)", (
                uid, rng.choice(["easy", "normal", "hard", "expert", "nightmare", "hell"]), rid)
        if op == "battle_pvp":
            return op, "select * from stardust.battle_pvp($1, $2, $3)", (
                uid, rng.choice([p for p in PLAYERS if p != uid]), rid)
        if op == "checkin":
            return op, "select * from stardust.checkin($1, $2)", (uid, rid)
        if op == "claim_task":
            return op, "select * from stardust.claim_task($1, $2, $3)", (
                uid, rng.choice(["easy", "normal", "hard", "expert", "nightmare", "hell",
                                 "pvp"]), rid)
        if op == "claim_all_tasks":
            return op, "select * from stardust.claim_all_tasks($1, $2)", (uid, rid)
        if op == "expedition_start":
            return op, "select * from stardust.expedition_start($1, $2::bigint[], $3)", (
                uid, self.pick_units(rng, uid, rng.randint(1, 5)), rid)
        if op in ("expedition_claim", "expedition_stop", "claim_starter"):
            return op, f"select * from stardust.{op}($1, $2)", (uid, rid)
        if op == "shop_buy":
            return op, "select * from stardust.shop_buy($1, $2::int, $3)", (
                uid, rng.randint(1, 10), rid)
        if op == "buy_item":
            return op, "select * from stardust.buy_item($1, 'ssr_token', $2::int, $3)", (
                uid, rng.randint(1, 3), rid)
        if op == "use_token":
            return op, "select * from stardust.use_token($1, $2, $3)", (
                uid, self.pick_units(rng, uid, 1, rarity="SSR")[0], rid)
        if op == "gift_bond":
            return op, "select * from stardust.gift_bond($1, $2, $3, $4::int, $5)", (
                uid, self.pick_units(rng, uid, 1)[0],
                rng.choice(["bond_small", "bond_med", "bond_large"]), rng.randint(1, 4), rid)
        if op == "redeem_code":
            return op, "select * from stardust.redeem_code($1, $2, $3)", (
                uid, rng.choice(["CHAOS", "chaos", "LIMITED"]), rid)
        if op == "raid_attack":
            return op, "select * from stardust.raid_attack($1, $2, $3)", (uid, GUILD, rid)
        if op == "save_preset":
            return op, "select * from stardust.save_preset($1, $2, $3)", (
                uid, rng.choice(["A", "b", "pvp"]), rid)
        if op == "load_preset":
            return op, "select * from stardust.load_preset($1, $2, $3)", (
                uid, rng.choice(["a", "B", "PVP"]), rid)
        new_uid = 1000 + rng.randint(0, 50)
        return "get_user", "select * from stardust.get_user($1)", (new_uid,)

    async def run_call(self, conn, rng, call, resent: bool):
        fn, sql, args = call
        key = (fn, repr(args))
        if resent and self.in_flight[key]:
            self.stats.overlaps += 1
        self.in_flight[key] += 1
        try:
            await self._run_call(conn, rng, call)
        finally:
            self.in_flight[key] -= 1

    async def _run_call(self, conn, rng, call):
        fn, sql, args = call
        mode = rng.random()
        if mode < 0.04:
            self.stats.timeouts += 1
            rows = await conn.fetch(sql, *args, timeout=rng.uniform(0.001, 0.08))
        elif mode < 0.08:
            task = asyncio.ensure_future(conn.fetch(sql, *args))
            await asyncio.sleep(rng.uniform(0, 0.05))
            if not task.done():
                self.stats.cancels += 1
                task.cancel()
            try:
                rows = await task
            except asyncio.CancelledError:
                if asyncio.current_task().cancelling():
                    raise
                raise asyncio.TimeoutError("cancelled by the client") from None
        else:
            rows = await conn.fetch(sql, *args)
        self.stats.ok[fn] += 1
        if fn in EXACT_REPLAY and len(args) and isinstance(args[-1], str):
            key = (args[0], args[-1])
            got = [tuple(r) for r in rows]
            first = self.first_result.setdefault(key, got)
            if first != got:
                self.stats.replay_mismatch.append(f"{fn}{args}: {first} then {got}")
        if fn == "raid_attack" and rows and rows[0]["raid_over"]:
            # the bot ends a raid whose boss is down, as its /raid command does
            await conn.fetch("select * from stardust.end_raid($1, false)", rows[0]["raid_id"])
            self.stats.ok["end_raid"] += 1

    def classify(self, fn: str, exc: BaseException) -> bool:
        """Count an error; return True when the connection should be replaced."""
        if isinstance(exc, asyncpg.PostgresError) and exc.sqlstate:
            code = exc.sqlstate
            self.stats.errors[(fn, code)] += 1
            if code.startswith(CONNECTION_CLASSES):
                return code != "57014"
            if code not in self.codes:
                self.stats.unexpected.setdefault(
                    (fn, code), f"{type(exc).__name__}: {exc} {getattr(exc, 'detail', '')}")
            return False
        self.stats.errors[(fn, type(exc).__name__)] += 1
        self.stats.client_errors.setdefault(type(exc).__name__, str(exc)[:120])
        return True

    async def worker(self, wid: int) -> None:
        rng = random.Random(SEED * 100 + wid)
        conn = None
        n = 0
        while time.monotonic() < self.deadline:
            n += 1
            if conn is None or conn.is_closed():
                if conn is not None:
                    self.stats.reconnects += 1
                conn = await self.connect()
                self.pids[wid] = conn.get_server_pid()
            fn = "prepare"
            try:
                resent = bool(self.resend_q) and rng.random() < 0.5
                if resent:
                    call = self.resend_q.popleft()
                    self.stats.resends += 1
                else:
                    call = await self.make_call(conn, rng, wid, n)
                fn = call[0]
                again = not resent and rng.random() < RESEND
                if again and rng.random() < 0.5:
                    # another worker may pick it up while this one still runs it
                    self.resend_q.append(call)
                    again = False
                try:
                    await self.run_call(conn, rng, call, resent)
                finally:
                    if again:                     # sent again after the first answer
                        self.resend_q.append(call)
            except asyncio.CancelledError:
                raise
            except (asyncpg.PostgresError, *CONNECTION_ERRORS) as exc:
                if self.classify(fn, exc):
                    conn.terminate()
        if conn is not None:
            conn.terminate()

    # -- the controller ---------------------------------------------------------------------
    async def controller(self) -> None:
        rng = random.Random(SEED)
        admin = await self.connect(as_bot=False)
        crash_at = time.monotonic() + SECONDS / 2
        crashed = False
        while time.monotonic() < self.deadline:
            await asyncio.sleep(rng.uniform(0.2, 0.6))
            try:
                if not crashed and time.monotonic() >= crash_at:
                    crashed = True
                    admin.terminate()
                    await asyncio.to_thread(self.cluster.stop, "immediate")
                    await asyncio.sleep(0.5)
                    await asyncio.to_thread(self.cluster.start)
                    self.stats.restarts += 1
                    admin = await self.connect(as_bot=False)
                    continue
                pid = self.pids.get(rng.randrange(WORKERS))
                if pid and await admin.fetchval("select pg_terminate_backend($1)", pid):
                    self.stats.kills += 1
                # a defeated boss whose end the bot missed (its answer was cancelled) is
                # ended by an admin, and a new raid starts
                raid = await admin.fetchrow("select id, hp from stardust.raids"
                                            " where guild_id = $1 and ended_at is null", GUILD)
                if raid and raid["hp"] == 0:
                    await admin.fetch("select * from stardust.end_raid($1, false)", raid["id"])
                    self.stats.ok["end_raid"] += 1
                if not raid or raid["hp"] == 0:
                    await admin.execute("select stardust.start_raid($1, 'Chaos Titan',"
                                        " 2000000, stardust._now() + interval '1 day')", GUILD)
                    self.stats.raids_started += 1
            except (asyncpg.PostgresError, *CONNECTION_ERRORS) as exc:
                if self.classify("admin", exc):
                    admin.terminate()
                    admin = await self.connect(as_bot=False)
        admin.terminate()


# -- seeding and checks -----------------------------------------------------------------------
async def seed(conn: asyncpg.Connection, chaos: Chaos) -> dict:
    rng = random.Random(SEED)
    chars = characters(n_ssr=8, n_sr=15, n_r=40)
    await conn.execute("select stardust.upsert_characters($1::jsonb)", json.dumps(chars))
    await conn.execute("""
        update stardust.settings set value = v.value::jsonb
          from (values ('raid_tickets', '100000'), ('bounty_key_minutes', '1'),
                       ('expedition_min_claim_seconds', '1')) v(key, value)
         where settings.key = v.key""")
    ssr = [c["anilist_id"] for c in chars[:8]]
    chaos.banner = await conn.fetchval(
        "select id from stardust.create_banner('Chaos', $1::int[], stardust._now() + interval '1 day',"
        " p_spark_cost => 15)", ssr[:2])
    chaos.spark_unit = ssr[0]
    for uid in PLAYERS:
        await conn.fetchrow("select * from stardust.get_user($1)", uid)
        # balances seeded as an admin grant would: a ledger row and the balance, together
        gems, coins = (500, 0) if uid == POOR else (1_000_000, 50_000)
        await conn.execute("insert into stardust.ledger (user_id, gems_delta, coins_delta,"
                           " reason) values ($1, $2, $3, 'chaos_seed')", uid, gems, coins)
        await conn.execute("update stardust.users set gems = gems + $2, coins = coins + $3"
                           " where user_id = $1", uid, gems, coins)
        ids = [r[0] for r in await conn.fetch(
            "insert into stardust.inventory (user_id, anilist_id, dupe_level)"
            " select $1, c.anilist_id, ($2::int[])[row_number() over (order by c.anilist_id)]"
            "   from stardust.characters c where c.rarity = 'SSR'"
            " order by c.anilist_id limit 7 returning id", uid, [rng.randint(0, 9) for _ in range(7)])]
        await conn.execute("select stardust.set_team($1, $2::bigint[])", uid, ids[:5])
        for item, qty in (("bond_small", 20), ("bond_med", 5), ("ssr_token", 2)):
            await conn.execute("select stardust.grant_item($1, $2, $3)", uid, item, qty)
    await conn.fetch("select * from stardust.bounty_board($1)", GUILD)
    await conn.execute("select stardust.start_raid($1, 'Chaos Titan', 2000000,"
                       " stardust._now() + interval '1 day')", GUILD)
    await conn.execute("select stardust.create_gift_code('CHAOS', $1::jsonb, 5)",
                       json.dumps({"gems": 1000, "items": {"bond_small": 3}}))
    await conn.execute("select stardust.create_gift_code('LIMITED', $1::jsonb, 1)",
                       json.dumps({"coins": 10, "items": {"ssr_token": 1}}))
    return {
        "items": {(r[0], r[1]): r[2] for r in await conn.fetch(
            "select user_id, item, qty from stardust.user_items")},
        "units": {r[0] for r in await conn.fetch("select id from stardust.inventory")},
        "achievements": {(r[0], r[1]) for r in await conn.fetch(
            "select user_id, key from stardust.user_achievements")},
        "pulls": await conn.fetchval("select coalesce(max(id), 0) from stardust.pulls"),
        "scraps": await conn.fetchval("select coalesce(max(id), 0) from stardust.scrap_log"),
        "requests": await conn.fetchval("select count(*) from stardust.requests"),
    }


async def check_invariants(conn: asyncpg.Connection, base: dict) -> list[str]:
    problems: list[str] = []

    def expect(rows, what):
        if rows:
            problems.append(f"{what}: {[tuple(r) for r in rows[:10]]}")

    expect(await conn.fetch("""
        select u.user_id, u.gems, u.coins, coalesce(l.g, 0), coalesce(l.c, 0)
          from stardust.users u
          left join (select user_id, sum(gems_delta) g, sum(coins_delta) c
                       from stardust.ledger group by user_id) l using (user_id)
         where u.gems <> coalesce(l.g, 0) or u.coins <> coalesce(l.c, 0)
            or u.gems < 0 or u.coins < 0"""), "balance differs from the ledger or negative")
    expect(await conn.fetch("""
        select id, user_id, dupe_level from stardust.inventory
         where dupe_level > (select value::int from stardust.settings where key = 'dupe_cap')
            or dupe_level < 0"""), "units above the dupe cap")
    expect(await conn.fetch("""
        select user_id, anilist_id, count(*) from stardust.inventory
         group by 1, 2 having count(*) > 1"""), "one character held twice")
    # one effect per request id
    for table, who, extra in (("pulls", "user_id", ""), ("battles", "attacker_id", ""),
                              ("scrap_log", "user_id", ", reason"),
                              ("ledger", "user_id", ", reason")):
        expect(await conn.fetch(f"""
            select {who}, request_id{extra}, count(*) from stardust.{table}
             where request_id is not null group by {who}, request_id{extra}
            having count(*) > 1"""), f"{table}: several rows for one request")
        expect(await conn.fetch(f"""
            select t.{who}, t.request_id from stardust.{table} t
             where t.request_id is not null and t.request_id like 'w%'
               and not exists (select 1 from stardust.requests r
                                where r.user_id = t.{who} and r.request_id = t.request_id)
             limit 10"""), f"{table}: an effect with no request record (a retry repeats it)")
    # pull history x cost = gems charged for pulls
    expect(await conn.fetch("""
        select p.user_id, p.n * (select value::bigint from stardust.settings
                                  where key = 'pull_cost') as history, coalesce(l.charged, 0)
          from (select user_id, sum(cardinality(units)) n from stardust.pulls
                 where source = 'pull' group by 1) p
          left join (select user_id, -sum(gems_delta) charged from stardust.ledger
                      where reason = 'pull' group by 1) l using (user_id)
         where p.n * (select value::bigint from stardust.settings where key = 'pull_cost')
               <> coalesce(l.charged, 0)"""), "pull history x cost <> gems charged")
    expect(await conn.fetch("""
        select l.user_id, l.request_id from stardust.ledger l
         where l.reason = 'pull' and not exists (
               select 1 from stardust.pulls p where p.user_id = l.user_id
                  and p.request_id is not distinct from l.request_id and p.source = 'pull')
         limit 10"""), "gems charged for a pull with no pull recorded")
    # raids: HP lost = damage recorded; one killing blow at most, iff HP is 0
    expect(await conn.fetch("""
        select r.id, r.boss_hp - r.hp, coalesce(sum(a.damage), 0),
               count(*) filter (where a.killing), r.hp, r.killed_by
          from stardust.raids r left join stardust.raid_attacks a on a.raid_id = r.id
         group by r.id
        having r.boss_hp - r.hp <> coalesce(sum(a.damage), 0)
            or count(*) filter (where a.killing) <> (r.hp = 0)::int
            or (r.hp = 0) <> (r.killed_by is not null)"""), "raid HP lost <> damage recorded")
    expect(await conn.fetch("""
        select r.id, r.ended_at from stardust.raids r
         where r.ended_at is not null and r.hp > 0 and r.ends_at > stardust._now()"""),
           "raid ended while alive and running")
    expect(await conn.fetch("""
        select raid_id, count(*) from stardust.raid_rewards group by 1
        having count(*) <> (select count(distinct a.user_id) from stardust.raid_attacks a
                             where a.raid_id = raid_rewards.raid_id)"""),
           "raid rewards: not one per attacker")
    # gift codes
    expect(await conn.fetch("""
        select g.code, g.used, g.usage_limit, count(r.*)
          from stardust.gift_codes g left join stardust.code_redemptions r using (code)
         group by g.code having g.used > g.usage_limit or g.used <> count(r.*)"""),
           "gift code used past its limit or miscounted")
    # items: held = seeded + granted - spent, per (user, item)
    flows: collections.Counter = collections.Counter(base["items"])
    for user_id, item, qty in await conn.fetch("""
            select c.user_id, (select value ->> s.tier from stardust.settings
                                where key = 'bounty_rewards'), 1
              from stardust.bounty_clears c
              join stardust.bounty_slots s using (board_id, slot)
            union all
            select r.user_id, i.key, i.value::int
              from stardust.code_redemptions r join stardust.gift_codes g using (code),
                   jsonb_each_text(coalesce(g.rewards -> 'items', '{}')) i
            union all
            select q.user_id, q.args ->> 'item', (q.result ->> 'qty')::int
              from stardust.requests q where q.fn = 'buy_item'
            union all
            select q.user_id, q.args ->> 'item', -(q.result ->> 'items_used')::int
              from stardust.requests q where q.fn = 'gift_bond'
            union all
            select q.user_id, 'ssr_token', -1 from stardust.requests q where q.fn = 'use_token'
            """):
        flows[(user_id, item)] += qty
    for (user_id, key), reward in {
            (r[0], r[1]): r[2] for r in await conn.fetch(
                "select ua.user_id, ua.key, a.reward from stardust.user_achievements ua"
                " join stardust.achievements a using (key)")}.items():
        if (user_id, key) not in base["achievements"]:
            for item, qty in json.loads(reward).get("items", {}).items():
                flows[(user_id, item)] += qty
    held = {(r[0], r[1]): r[2] for r in await conn.fetch(
        "select user_id, item, qty from stardust.user_items")}
    diff = {k: (flows.get(k, 0), held.get(k, 0)) for k in set(flows) | set(held)
            if flows.get(k, 0) != held.get(k, 0)}
    if diff:
        problems.append(f"items not conserved ((user, item): (expected, held)): {diff}")
    # units: seeded + obtained - scrapped = held
    obtained = [r[0] for r in await conn.fetch("""
        select (u).inventory_id from stardust.pulls p, unnest(p.units) u
         where p.id > $1 and (u).outcome = 'new'""", base["pulls"])]
    scrapped = [r[0] for r in await conn.fetch("""
        select unnest(inventory_ids) from stardust.scrap_log
         where id > $1 and inventory_ids is not null""", base["scraps"])]
    now_held = {r[0] for r in await conn.fetch("select id from stardust.inventory")}
    if len(set(obtained)) != len(obtained) or set(obtained) & base["units"]:
        problems.append("a unit obtained twice")
    if len(set(scrapped)) != len(scrapped):
        problems.append("a unit scrapped twice")
    expected = (base["units"] | set(obtained)) - set(scrapped)
    if expected != now_held:
        problems.append(f"units not conserved: missing {sorted(expected - now_held)[:10]}, "
                        f"unexplained {sorted(now_held - expected)[:10]}")
    return problems


@pytest.fixture
def chaos_cluster():
    """A cluster of our own: this test crashes it on purpose."""
    with throwaway("stardust-chaos-") as cluster:
        cluster.ensure_database("chaos")
        yield cluster


async def test_chaos(chaos_cluster, capsys):
    url = chaos_cluster.url("chaos")
    await asyncio.to_thread(migrate.migrate, url)
    chaos = Chaos(chaos_cluster, url)
    owner = await asyncpg.connect(url)
    try:
        base = await seed(owner, chaos)
    finally:
        await owner.close()
    chaos.deadline = time.monotonic() + SECONDS
    workers = [asyncio.ensure_future(chaos.worker(i)) for i in range(WORKERS)]
    await asyncio.gather(chaos.controller(), *workers)

    owner = await asyncpg.connect(url)
    try:
        problems = await check_invariants(owner, base)
        requests = await owner.fetchval("select count(*) from stardust.requests") - base[
            "requests"]
    finally:
        await owner.close()
    with capsys.disabled():              # shown in every run: it was not idle
        print("\n" + chaos.stats.report() + f"\n  {requests} request records written")
    for (fn, code), sample in sorted(chaos.stats.unexpected.items()):
        problems.append(f"undocumented error {code} from {fn} "
                        f"({chaos.stats.errors[(fn, code)]}x): {sample}")
    problems += [f"replay differs: {m}" for m in chaos.stats.replay_mismatch[:5]]
    # it was not idle
    stats = chaos.stats
    if sum(stats.ok.values()) < 200 or stats.restarts != 1 or stats.kills < 1:
        problems.append("too little happened to mean anything")
    for fn in ("pull", "scrap", "raid_attack", "battle_npc", "gift_bond"):
        if not stats.ok[fn]:
            problems.append(f"no successful {fn}")
    assert not problems, "\n".join(problems)
