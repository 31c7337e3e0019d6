"""The bot's clock seam: every time rule in bot/ (confirmation TTLs, "claimable now",
the raid card's time left, relative times) reads the time here and nowhere else, so a test
can pin it (`with clock.pinned(when):`). The game's own rules read the database's clock,
stardust._now(); this clock only decides what the bot shows and how long its buttons live.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import time as _time
from collections.abc import Iterator

_pinned: list[float] = []          # a stack: the innermost pinned() wins


def time() -> float:
    """Seconds since the epoch (UTC), like time.time()."""
    return _pinned[-1] if _pinned else _time.time()


def now() -> _dt.datetime:
    """The current time as an aware UTC datetime."""
    return _dt.datetime.fromtimestamp(time(), _dt.timezone.utc)


@contextlib.contextmanager
def pinned(when: _dt.datetime | float) -> Iterator[None]:
    """Tests: the clock stands still at `when` (an aware datetime or epoch seconds)."""
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None:
            raise ValueError("pin the clock to an aware datetime")
        when = when.timestamp()
    _pinned.append(float(when))
    try:
        yield
    finally:
        _pinned.pop()
