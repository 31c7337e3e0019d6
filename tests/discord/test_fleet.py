"""A fleet of two real `stardust run` processes (SHARD_COUNT=2, SHARD_IDS=0 / 1) against one
database and the fake Discord, which routes each guild's events to its shard's sessions only
(issue 15): each interaction is answered once, by the right process; buttons work after the
process that drew them restarted; /metrics counts; a rolling restart under a steady stream of
players loses nothing and charges nothing twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.pgcluster import free_port
from tests.discord.fake_discord import (FakeDiscord, button, guild_in_shard, is_callback,
                                        is_edit, is_followup, slash)
from tests.helpers import assert_ledger_balanced, characters

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
GUILDS = {0: guild_in_shard(0, 2), 1: guild_in_shard(1, 2)}


class Process:
    """One `stardust run` of the fleet."""

    def __init__(self, fleet: "Fleet", shard: int):
        self.fleet, self.shard = fleet, shard
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    async def start(self) -> None:
        self.port = free_port()
        self.starts += 1
        log = open(self.fleet.logs / f"shard{self.shard}-{self.starts}.log", "w")
        env = {**os.environ, "DATABASE_URL": self.fleet.url, "DISCORD_TOKEN": "fake-token",
               "DISCORD_API_URL": self.fleet.fake.base, "SHARD_COUNT": "2",
               "SHARD_IDS": str(self.shard), "HEALTH_PORT": str(self.port),
               "HEALTH_HOST": "127.0.0.1", "STARDUST_ART_CACHE": str(self.fleet.logs / "art"),
               "ADMIN_IDS": "", "LOG_LEVEL": "INFO", "SHUTDOWN_TIMEOUT": "8"}
        self.proc = subprocess.Popen([str(BIN / "stardust"), "run"], env=env, cwd=REPO,
                                     stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 45
        while True:
            assert self.proc.poll() is None, f"shard {self.shard} exited: {self.log()}"
            assert time.monotonic() < deadline, f"shard {self.shard} not healthy: {self.log()}"
            try:
                status, body = await self.get("/healthz")
                if status == 200:
                    assert body["shards"] == {str(self.shard): body["shards"][str(self.shard)]}
                    return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)

    async def get(self, path: str):
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{self.port}{path}") as r:
                body = await (r.json() if path == "/healthz" else r.text())
                return r.status, body

    async def metrics(self) -> dict[tuple, float]:
        status, text = await self.get("/metrics")
        assert status == 200
        out = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return out

    async def stop(self) -> float:
        """SIGTERM; the exit code must be 0, within a bounded time. Returns the seconds."""
        began = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(self.proc.wait, 30)
        assert code == 0, self.log()
        return time.monotonic() - began

    def log(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in
                         sorted(self.fleet.logs.glob(f"shard{self.shard}-*.log")))


class Fleet:
    def __init__(self, url: str, fake: FakeDiscord, logs: Path):
        self.url, self.fake, self.logs = url, fake, logs
        self.procs = {0: Process(self, 0), 1: Process(self, 1)}


@pytest.fixture(scope="module")
async def fleet(make_db, tmp_path_factory):
    url = make_db("fleet")
    admin = await asyncpg.connect(url)
    await admin.execute("select stardust.upsert_characters($1::jsonb)",
                        json.dumps(characters(10, 40, 80)))
    fake = FakeDiscord(one_response=True)
    fake.recommended_shards = 2
    await fake.start()
    f = Fleet(url, fake, tmp_path_factory.mktemp("fleet"))
    f.admin = admin
    try:
        await asyncio.gather(*(p.start() for p in f.procs.values()))
        yield f
    finally:
        for p in f.procs.values():
            if p.proc is not None and p.proc.poll() is None:
                p.proc.kill()
                p.proc.wait()
        await fake.stop()
        await admin.close()


async def answered(fake: FakeDiscord, p: dict, timeout: float = 20.0) -> dict:
    """The message the player ends up seeing (after a deferral: the edited original)."""
    try:
        first = await fake.wait_for(is_callback(p), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"no answer to {p['id']}: "
                             f"{[(c.method, c.path) for c in fake.calls[-8:]]}") from None
    if first.payload.get("type") == 5:
        call = await fake.wait_for(lambda c: is_edit(p)(c) or is_followup(p)(c), timeout)
        return call.payload
    return first.payload.get("data", {})


def accepted_callbacks(fake: FakeDiscord, p: dict) -> int:
    return len([c for c in fake.calls if is_callback(p)(c)]) - fake.refused_callbacks.count(
        p["id"])


def commands(m: dict, command: str, outcome: str = "ok") -> float:
    return m.get(("stardust_commands_total", (("command", command), ("outcome", outcome))), 0)


async def counted(proc: Process, command: str, outcome: str = "ok", at_least: float = 1):
    deadline = time.monotonic() + 5
    while (n := commands(await proc.metrics(), command, outcome)) < at_least \
            and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return n


async def test_each_shard_answers_its_guilds_once(fleet):
    fake = fleet.fake
    before = {s: await p.metrics() for s, p in fleet.procs.items()}
    for shard, guild in GUILDS.items():
        user = 5100 + shard
        await fleet.admin.execute("select stardust.grant($1, 3000)", user)
        p = slash(fake, "pull", user, guild_id=guild, count=1)
        await fake.send_event("INTERACTION_CREATE", p)
        data = await answered(fake, p)
        assert "Traceback" not in json.dumps(data) and data["embeds"]
        assert fake.delivered[p["id"]] == shard
        assert accepted_callbacks(fake, p) == 1 and p["id"] not in fake.refused_callbacks
        assert await fleet.admin.fetchval(
            "select count(*) from stardust.pulls where request_id = $1", p["id"]) == 1
    for shard, proc in fleet.procs.items():     # /metrics: each counted its own pull only
        assert await counted(proc, "/pull", at_least=commands(before[shard], "/pull") + 1) \
            - commands(before[shard], "/pull") == 1
    after = {s: await p.metrics() for s, p in fleet.procs.items()}
    for shard in GUILDS:
        assert after[shard][("stardust_gateway_connected", (("shard", str(shard)),))] == 1
        count = after[shard][("stardust_command_seconds_count", (("command", "/pull"),))]
        assert count >= 1
        assert after[shard][("stardust_command_db_seconds_count", (("command", "/pull"),))] \
            == count
        assert ("stardust_db_pool_connections", (("state", "in_use"),)) in after[shard]


async def test_a_misrouted_interaction_is_dropped_and_counted(fleet):
    """Discord never sends a guild's interaction to another shard; if it did, the process
    that does not own the shard must not answer it (the owner would answer too)."""
    fake = fleet.fake
    p = slash(fake, "rates", 5110, guild_id=GUILDS[1])
    assert await fake.send_event("INTERACTION_CREATE", p, shard=0) == 1
    deadline = time.monotonic() + 10
    while True:
        m = await fleet.procs[0].metrics()
        if m.get(("stardust_interactions_dropped_total", (("reason", "foreign_shard"),))):
            break
        assert time.monotonic() < deadline, "process 0 did not drop the interaction"
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    assert not [c for c in fake.calls if is_callback(p)(c)]


# read in a child process: a client built here, in the tests' process, would take over the
# extensions' commands (interactions.py keeps them on the classes) with its own services, and
# the session's in-process test bot (tests/discord/conftest.py) would then answer every
# command with them (with random test order, dozens of its tests failed after this one)
_REGISTERED = """
from bot.discord import Services
from bot.discord.client import create_client


class NoDb:
    pool_stats = None


client = create_client(Services(db=NoDb()))
for name in sorted({p.pattern for p in client._regex_component_callbacks}
                   | set(client._component_callbacks)):
    print(name)
"""


def registered_components() -> set[str]:
    """Every component callback the bot registers: custom ids and custom-id patterns."""
    proc = subprocess.run([sys.executable, "-c", _REGISTERED], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split())


async def test_every_component_works_after_its_process_restarted(fleet):
    """Every button the bot draws carries its state (custom_id and the database): drawn by
    one process, clicked after that process restarted, each is answered by the new one."""
    registered = registered_components()

    fake, guild = fleet.fake, GUILDS[1]
    users = {"inventory": 5120, "scrap": 5121, "forget": 5122}
    for user, pulls in ((users["inventory"], 2), (users["scrap"], 1)):   # 2 pages; R units
        await fleet.admin.execute("select stardust.grant($1, 20000)", user)
        for _ in range(pulls):
            p = slash(fake, "pull", user, guild_id=guild, count=10)
            await fake.send_event("INTERACTION_CREATE", p)
            await answered(fake, p)
    drawn = []                                     # (user, message with buttons)
    for cmd, sub, user, options in [("inventory", None, users["inventory"], {}),
                                    ("scrap", "mass", users["scrap"], {"rarity": "R"}),
                                    ("forget-me", None, users["forget"], {})]:
        p = slash(fake, cmd, user, sub, guild_id=guild, **options)
        await fake.send_event("INTERACTION_CREATE", p)
        data = await answered(fake, p)
        assert data.get("components"), (cmd, data)
        drawn.append((user, fake.messages[p["token"]]))       # the message as Discord has it

    assert await fleet.procs[1].stop() < 15
    await fleet.procs[1].start()

    prefixes = set()
    for user, message in drawn:
        buttons = [b for row in message["components"] for b in row["components"]
                   if not b.get("disabled")]
        assert buttons, message["components"]
        custom_id = buttons[-1]["custom_id"] if "inv:" in buttons[0]["custom_id"] \
            else buttons[0]["custom_id"]          # Next ▶ / Confirm
        prefixes.add(custom_id.split(":")[0])
        p = button(fake, custom_id, user, message, guild_id=guild)
        await fake.send_event("INTERACTION_CREATE", p)
        data = await answered(fake, p)
        text = json.dumps(data)
        assert "Something went wrong" not in text and "expired" not in text, text
        assert accepted_callbacks(fake, p) == 1
    for prefix in prefixes:          # counted once the answer is sent
        assert await counted(fleet.procs[1], f"button {prefix}") == 1, prefix
    # the test covers every component the bot registers
    assert {f"^{prefix}:" for prefix in prefixes} >= registered, registered
    assert await fleet.admin.fetchval(
        "select count(*) from stardust.users where user_id = $1", users["forget"]) == 0
    assert await fleet.admin.fetchval(
        "select count(*) from stardust.inventory i join stardust.characters c"
        " using (anilist_id) where i.user_id = $1 and c.rarity = 'R'", users["scrap"]) == 0


async def test_sigterm_finishes_the_interaction_in_flight_then_exits_0(fleet):
    """SIGTERM while a /pull waits on the database: the process stops taking interactions
    (its health says so), answers the one in flight, and exits 0."""
    fake, proc, user = fleet.fake, fleet.procs[0], 5130
    await fleet.admin.execute("select stardust.grant($1, 3000)", user)
    blocker = await asyncpg.connect(fleet.url)
    tx = blocker.transaction()
    await tx.start()
    await blocker.execute("select 1 from stardust.users where user_id = $1 for update", user)
    p = slash(fake, "pull", user, guild_id=GUILDS[0], count=1)
    await fake.send_event("INTERACTION_CREATE", p)
    deadline = time.monotonic() + 10
    while (await proc.metrics()).get(("stardust_interactions_in_flight", ())) != 1:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    proc.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    while True:                                   # the gateway closes first
        status, body = await proc.get("/healthz")
        if status == 503 and body["draining"] and not fake.sessions.get(0):
            break
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.05)
    assert proc.proc.poll() is None               # still finishing the pull
    await tx.commit()                             # the database answers now
    await blocker.close()
    data = await answered(fake, p)
    assert data["embeds"] and "Something went wrong" not in json.dumps(data)
    assert await asyncio.to_thread(proc.proc.wait, 20) == 0
    assert await fleet.admin.fetchval(
        "select count(*) from stardust.pulls where request_id = $1", p["id"]) == 1
    await proc.start()


async def test_rolling_restart_under_load_answers_everything_once(fleet):
    """Players keep pulling in a guild of each shard while each process in turn gets SIGTERM
    and is started again. A player who sees no answer in Discord's 3 s retries with a new
    interaction (an interaction sent while its shard has no session is never delivered, as
    with Discord). Every player action is answered exactly once and charged exactly once:
    an interaction the bot had read is finished before the process exits."""
    fake = fleet.fake
    players = [5200 + i for i in range(6)]
    for user in players:
        await fleet.admin.execute("select stardust.grant($1, 60000)", user)
    actions: list[dict] = []                       # one per player action
    stop = asyncio.Event()

    async def act(user: int, guild: str) -> None:
        action = {"user": user, "tries": []}
        actions.append(action)
        for _ in range(10):
            p = slash(fake, "pull", user, guild_id=guild, count=1)
            action["tries"].append(p)
            await fake.send_event("INTERACTION_CREATE", p, hold=0)
            try:
                await fake.wait_for(is_callback(p), 3.0)        # Discord's 3-second window
            except asyncio.TimeoutError:
                continue                                        # the player tries again
            action["answer"] = await answered(fake, p)
            return

    async def stream() -> None:
        tasks, i = [], 0
        while not stop.is_set():
            user = players[i % len(players)]
            tasks.append(asyncio.create_task(act(user, GUILDS[i % 2])))
            i += 1
            await asyncio.sleep(0.25)
        await asyncio.gather(*tasks)

    load = asyncio.create_task(stream())
    await asyncio.sleep(0.5)
    for shard in (0, 1):
        seconds = await fleet.procs[shard].stop()
        assert seconds < 15
        await fleet.procs[shard].start()
        await asyncio.sleep(0.5)
    while len(actions) < 20:             # enough load whatever the machine's speed (no clock)
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(load, 60)

    for action in actions:
        assert "answer" in action, f"player {action['user']} never got an answer"
        assert action["answer"]["embeds"], action
        answered_ids = [p["id"] for p in action["tries"] if accepted_callbacks(fake, p)]
        assert len(answered_ids) == 1, action
    for p in [p for a in actions for p in a["tries"]]:
        assert accepted_callbacks(fake, p) <= 1
    # charged once per action: one pull per answered interaction, none for the others
    ids = [p["id"] for a in actions for p in a["tries"]]
    charged = dict(await fleet.admin.fetch(
        "select request_id, count(*) from stardust.pulls where request_id = any($1::text[])"
        " group by request_id", ids))
    answered_ids = {p["id"] for a in actions for p in a["tries"] if accepted_callbacks(fake, p)}
    assert set(charged) == answered_ids and set(charged.values()) == {1}
    for user in players:
        mine = [a for a in actions if a["user"] == user]
        pulls = await fleet.admin.fetchval(
            "select count(*) from stardust.pulls where user_id = $1", user)
        assert pulls == len(mine)
    await assert_ledger_balanced(fleet.admin)
