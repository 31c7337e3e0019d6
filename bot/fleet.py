"""Running the bot as a fleet: which Discord shards this process owns.

Discord routes a guild's events to shard `(guild_id >> 22) % shard_count` and direct
messages to shard 0. Every process of a fleet runs with the same SHARD_COUNT and its own
SHARD_IDS; together they must cover every shard once (docs/SCALING.md).
"""

from __future__ import annotations

from bot.config import ConfigError


class ShardError(ConfigError):
    """A bad SHARD_COUNT / SHARD_IDS: the message says what to fix."""


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard Discord delivers a guild's events on; direct messages go to shard 0."""
    if not guild_id:
        return 0
    return (int(guild_id) >> 22) % shard_count


def parse_shard_count(value: str | None) -> int | None:
    """SHARD_COUNT: a positive integer, or None (empty: Discord's recommendation)."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ShardError(f"SHARD_COUNT must be a whole number of shards, 1 or more "
                         f"(got {value!r})")
    return int(value)


def parse_shard_ids(value: str | None, shard_count: int | None) -> list[int] | None:
    """SHARD_IDS: ids and ranges such as `0-3,8`, each below SHARD_COUNT; None (empty) means
    every shard. Setting it requires SHARD_COUNT: every process of a fleet must agree on the
    total, which Discord's recommendation does not guarantee from one start to the next."""
    value = (value or "").strip()
    if not value:
        return None
    if shard_count is None:
        raise ShardError("SHARD_IDS needs SHARD_COUNT: set the same SHARD_COUNT on every "
                         "process of the fleet")
    ids: set[int] = set()
    for part in value.replace(" ", "").split(","):
        if not part:
            continue
        lo, dash, hi = part.partition("-")
        if not lo.isdigit() or (dash and not hi.isdigit()):
            raise ShardError(f"SHARD_IDS: {part!r} is not a shard id or a range such as 0-3 "
                             "(example: SHARD_IDS=0-3,8)")
        first, last = int(lo), int(hi) if dash else int(lo)
        if last < first:
            raise ShardError(f"SHARD_IDS: the range {part!r} runs backwards (write "
                             f"{last}-{first})")
        if last >= shard_count:
            raise ShardError(f"SHARD_IDS: shard {last} does not exist with SHARD_COUNT="
                             f"{shard_count} (shard ids run from 0 to {shard_count - 1})")
        ids.update(range(first, last + 1))
    if not ids:
        raise ShardError("SHARD_IDS lists no shard (example: SHARD_IDS=0-3,8)")
    return sorted(ids)


def start_waves(shard_ids: list[int], max_concurrency: int) -> list[list[int]]:
    """The order Discord lets shards identify in: shards with the same `id %
    max_concurrency` (rate-limit key) one at a time, 5 s apart; different keys together."""
    keys: dict[int, list[int]] = {}
    for sid in sorted(shard_ids):
        keys.setdefault(sid % max(1, max_concurrency), []).append(sid)
    waves: list[list[int]] = []
    for queue in keys.values():
        for i, sid in enumerate(queue):
            if len(waves) <= i:
                waves.append([])
            waves[i].append(sid)
    return waves
