"""Where one interaction's time goes (database, rendering), for bot.metrics. Kept free of
prometheus_client so the console and the demo do not need it."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class Timing:
    db: float = 0.0
    render: float = 0.0


_timing: contextvars.ContextVar[Timing | None] = contextvars.ContextVar("stardust_timing",
                                                                        default=None)


def add_db_time(seconds: float) -> None:
    if (t := _timing.get()) is not None:
        t.db += seconds


def add_render_time(seconds: float) -> None:
    if (t := _timing.get()) is not None:
        t.render += seconds


@contextlib.contextmanager
def timing() -> Iterator[Timing]:
    t = Timing()
    token = _timing.set(t)
    try:
        yield t
    finally:
        _timing.reset(token)
