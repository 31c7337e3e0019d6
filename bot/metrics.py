"""Prometheus metrics of one bot process, served at GET /metrics on the health port.

Each client has its own `CollectorRegistry` (never prometheus_client's global one), so two
bots in one Python process (the tests) do not collide. Names and what to alert on: README,
"Metrics".
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any, Callable

from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge,
                               Histogram, generate_latest)
from prometheus_client.core import GaugeMetricFamily

from bot.timing import Timing, timing

# latency buckets (seconds): Discord allows 3 s for the first answer
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class _Live:
    """Values read at scrape time: pool sizes, gateway latency per shard."""

    def __init__(self, metrics: "Metrics"):
        self.metrics = metrics

    def describe(self):
        return []

    def collect(self):
        pool = self.metrics.pool_source() if self.metrics.pool_source else None
        conns = GaugeMetricFamily("stardust_db_pool_connections",
                                  "Database pool connections by state (in_use, idle, waiting: "
                                  "callers waiting for a connection; max: the pool's size).",
                                  labels=["state"])
        if pool is not None:
            for state, value in pool.items():
                conns.add_metric([state], value)
        yield conns
        latency = GaugeMetricFamily("stardust_gateway_latency_seconds",
                                    "Last heartbeat round trip per shard (absent while the "
                                    "shard has none).", labels=["shard"])
        up = GaugeMetricFamily("stardust_gateway_connected",
                               "1 while the shard's gateway session is ready.",
                               labels=["shard"])
        shards = self.metrics.shard_source() if self.metrics.shard_source else {}
        for sid, info in sorted(shards.items()):
            up.add_metric([str(sid)], 1.0 if info["connected"] else 0.0)
            if info.get("latency") is not None:
                latency.add_metric([str(sid)], info["latency"])
        yield up
        yield latency


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.commands = Counter(
            "stardust_commands", "Interactions handled, by command and outcome (ok, a "
            "SQLSTATE such as SDNSF, or internal_error).", ["command", "outcome"], registry=r)
        self.seconds = Histogram(
            "stardust_command_seconds", "Total time of an interaction, from its arrival to "
            "the answer sent.", ["command"], buckets=BUCKETS, registry=r)
        self.db_seconds = Histogram(
            "stardust_command_db_seconds", "Database time of an interaction (waiting for a "
            "connection included).", ["command"], buckets=BUCKETS, registry=r)
        self.render_seconds = Histogram(
            "stardust_command_render_seconds", "Image rendering time of an interaction.",
            ["command"], buckets=BUCKETS, registry=r)
        self.in_flight = Gauge("stardust_interactions_in_flight",
                               "Interactions being handled now.", registry=r)
        self.dropped = Counter(
            "stardust_interactions_dropped", "Interactions not handled, by reason: "
            "foreign_shard (the guild's shard belongs to another process), not_ready (before "
            "the client started).",
            ["reason"], registry=r)
        self.answered_elsewhere = Counter(
            "stardust_interactions_answered_elsewhere", "Interactions Discord had already seen "
            "answered (another session of the same shard answered first).", registry=r)
        self.gateway_reconnects = Counter(
            "stardust_gateway_reconnects", "Gateway reconnections per shard (resume: whether "
            "the session was resumed).", ["shard", "resume"], registry=r)
        self.gateway_sessions = Counter(
            "stardust_gateway_sessions", "Gateway sessions started (READY) per shard.",
            ["shard"], registry=r)
        self.ratelimit_seconds = Histogram(
            "stardust_discord_ratelimit_wait_seconds", "Time Discord REST calls waited for "
            "interactions.py's rate-limit locks (bucket, global, after a 429).", ["lock"],
            buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0), registry=r)
        self.pool_source: Callable[[], dict[str, int]] | None = None
        self.shard_source: Callable[[], dict[int, dict[str, Any]]] | None = None
        r.register(_Live(self))

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    @contextlib.contextmanager
    def command(self, name: str) -> Iterator[Timing]:
        """Count and time one interaction: outcome ok unless `outcome()` said otherwise."""
        start = time.perf_counter()
        self.in_flight.inc()
        with timing() as t:
            try:
                yield t
            finally:
                self.in_flight.dec()
                self.seconds.labels(name).observe(time.perf_counter() - start)
                self.db_seconds.labels(name).observe(t.db)
                self.render_seconds.labels(name).observe(t.render)

    def outcome(self, name: str, outcome: str) -> None:
        self.commands.labels(name, outcome).inc()


def outcome_of(error: BaseException | None) -> str:
    """ok, the SQLSTATE of a database refusal or error, or internal_error."""
    if error is None:
        return "ok"
    code = getattr(error, "code", None)
    if isinstance(code, str) and len(code) == 5:
        return code
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str) and state:
        return state
    cause = error.__cause__
    if cause is not None and getattr(cause, "sqlstate", None):
        return cause.sqlstate
    return "internal_error"


def wait_timer(histogram: Histogram, lock: str, fn: Callable) -> Callable:
    """Wrap an async rate-limit wait so its time is observed."""
    async def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            histogram.labels(lock).observe(time.perf_counter() - start)
    return timed
