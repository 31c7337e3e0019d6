"""Command handlers, independent of Discord.

A handler is `async def name(ctx: Context, **options) -> Reply`: it calls one SQL function
through `ctx.db`, renders an image off the event loop if there is one, and describes the
answer as a `Reply`. The Discord extensions (bot/exts/) and the offline console drive the
same handlers; only they know how to draw a Reply. No game rule lives here.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from bot import clock
from bot.db import Database, GameError
from bot.timing import add_render_time

RARITY_COLOUR = {"SSR": 0xFFC400, "SR": 0xAA5AFF, "R": 0x4696FF, "UR": 0xFF466E}
OK_COLOUR = 0x57F287
ERROR_COLOUR = 0xED4245
INFO_COLOUR = 0x5865F2


@dataclass(frozen=True)
class Button:
    custom_id: str
    label: str
    style: str = "secondary"          # primary | secondary | success | danger
    disabled: bool = False


@dataclass(frozen=True)
class Choice:
    name: str
    value: Any


@dataclass
class Reply:
    title: str | None = None
    text: str | None = None
    fields: list[tuple[str, str, bool]] = field(default_factory=list)   # name, value, inline
    colour: int = INFO_COLOUR
    image: bytes | None = None
    image_name: str = "stardust.png"
    footer: str | None = None
    buttons: list[Button] = field(default_factory=list)
    ephemeral: bool = False

    def plain(self) -> str:
        """The reply as text (console, logs, tests); Discord's timestamp and mention markup
        spelled out."""
        lines = [f"== {self.title} ==" if self.title else ""]
        if self.text:
            lines.append(self.text)
        for name, value, _ in self.fields:
            lines.append(f"{name}: {value}")
        if self.footer:
            lines.append(f"({self.footer})")
        if self.buttons:
            lines.append("  ".join(f"[{b.label}]" for b in self.buttons if not b.disabled))
        return plain_markup("\n".join(x for x in lines if x))


def _relative(seconds: float) -> str:
    # the two largest units: 2 d 23 h left is "in 2 days 23 hours", not "in 2 days"
    ahead, s = seconds >= 0, int(abs(seconds))
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        n, s = divmod(s, size)
        if n or parts:
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}" if n else "")
        if len(parts) == 2:
            break
    amount = " ".join(p for p in parts if p)
    if not amount:
        return "now"
    return f"in {amount}" if ahead else f"{amount} ago"


def plain_markup(text: str) -> str:
    """<t:1700000000:R> -> 'in 3 days', <t:…:d> -> '2026-11-21', <@42> -> '@42'."""
    def stamp(m: re.Match) -> str:
        when = int(m.group(1))
        if m.group(2) == "R":
            return _relative(when - clock.time())
        dt = datetime.fromtimestamp(when, timezone.utc)
        return dt.strftime("%Y-%m-%d" if m.group(2) in ("d", "D") else "%Y-%m-%d %H:%M UTC")
    text = re.sub(r"<t:(-?\d+)(?::([tTdDfFR]))?>", stamp, text)
    return re.sub(r"<@!?(\d+)>", r"@\1", text)


class ArtSource:
    """What handlers need to get character art: image URL -> bytes (see bot.art)."""

    async def fetch(self, urls: list[str | None]) -> dict[str, bytes]:  # pragma: no cover
        return {}


@dataclass
class Context:
    """Who is asking, and the services a handler may use."""

    db: Database
    user_id: int
    display_name: str = "player"
    request_id: str | None = None      # the Discord interaction id: idempotency key
    art: ArtSource = field(default_factory=ArtSource)
    is_admin: bool = False
    guild_id: int | None = None
    guild_name: str | None = None

    async def render(self, fn: Callable[..., bytes], *args: Any, **kwargs: Any) -> bytes:
        """Run a renderer (pure, CPU-bound) off the event loop."""
        start = time.perf_counter()
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        finally:
            add_render_time(time.perf_counter() - start)


# --- items ---------------------------------------------------------------------------------
# the names of the items the migrations create (stardust.items); a key an admin adds later is
# shown as words
ITEM_NAMES = {"bond_small": "Small bond gift", "bond_med": "Bond gift",
              "bond_large": "Large bond gift", "bond_ur": "Radiant bond gift",
              "ssr_token": "SSR Token"}


def item_name(item: str) -> str:
    return ITEM_NAMES.get(item) or item.replace("_", " ").capitalize()


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 unit', '2 units', '1,000 units'."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def hours_text(hours) -> str:
    """0.049 -> '3 minutes', 2.5 -> '2 h 30 min', 24 -> '24 hours'."""
    minutes = round(float(hours) * 60)
    if minutes < 60:
        return plural(minutes, "minute")
    h, m = divmod(minutes, 60)
    return f"{h} h {m} min" if m else plural(h, "hour")


# --- errors --------------------------------------------------------------------------------
TITLES = {
    "SDARG": "That didn't work",
    "SDNSF": "Not enough",
    "SDBNR": "Banner unavailable",
    "SDOWN": "Not your unit",
    "SDLCK": "That unit is protected",
    "SDKEY": "No bounty keys left",
    "SDDON": "Already done",
    "SDSPK": "Not enough spark points",
    "SDIDM": "Already handled",
    "SDTEM": "Your team is empty",
    "SDCAT": "The catalogue is empty",
}


# Hints written for the SQL editor (parameter names, queries) are not for players: the bot
# says these instead, by SQLSTATE (or nothing, when the message says enough).
_SQLISH = re.compile(r"\bp_\w+|\bselect\b|\bstardust\.|=>|::", re.IGNORECASE)
PLAYER_HINTS = {
    "SDNSF": "Gems come from /daily, /checkin, expeditions and bounties; coins from scrapping.",
    "SDOWN": "/collection lists your units and their ids.",
    "SDTEM": "Set one with /team set.",
}


def player_text(text: str | None, code: str) -> str | None:
    """A message or hint as a player may read it: never SQL or a parameter name."""
    if text and _SQLISH.search(text):
        return PLAYER_HINTS.get(code)
    return text


def _wait(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60)} minutes"


def error_reply(exc: GameError) -> Reply:
    """The friendly, private answer to an expected refusal, by SQLSTATE."""
    text = player_text(exc.message, exc.code) or "That request was not valid."
    hint = player_text(exc.hint, exc.code)
    title = TITLES.get(exc.code, "That didn't work")
    if exc.code == "SDDON" and (wait := exc.detail_value("wait_seconds")) is not None:
        # an expedition claimed (or sent) moments ago: nothing is "already done"
        title = "Too soon to claim"
        text = ("Your expedition only just set out: nothing has been earned yet."
                if exc.detail_value("started") else "You claimed this expedition moments ago.")
        hint = f"You can claim again in {_wait(max(wait, 1))}."
    if exc.code == "SDTEM" and exc.detail_value("opponent") is not None:
        title = "No team to fight"
        hint = "Challenge a player who has set a team."
    if exc.code == "SDARG" and (gems := exc.detail_value("left_gems")) is not None:
        # a grant past the daily cap of grants through the bot (docs/SECURITY.md)
        coins = exc.detail_value("left_coins") or 0
        return Reply(title="Daily grant limit reached",
                     text=f"Grants through the bot are limited per day, and this one would go "
                          f"past today's limit. You can still grant **{gems:,}** gems and "
                          f"**{coins:,}** coins today; the limit resets at midnight UTC. The "
                          f"database owner can grant more from the SQL editor.",
                     colour=ERROR_COLOUR, ephemeral=True)
    if exc.code == "SDNSF":
        if (gems := exc.detail_value("missing_gems")) is not None:
            text = f"You need **{gems:,}** more gems."
        elif (coins := exc.detail_value("missing_coins")) is not None:
            text = f"You need **{coins:,}** more coins."
    elif exc.code == "SDIDM":
        text = "This interaction was already used for another action."
    if hint:
        text = f"{text}\n*{hint}*"
    return Reply(title=title, text=text, colour=ERROR_COLOUR, ephemeral=True)


def apology() -> Reply:
    return Reply(title="Something went wrong",
                 text="Sorry, that failed on our side. It has been logged; please try again.",
                 colour=ERROR_COLOUR, ephemeral=True)


async def whose(ctx: Context, user: int | None, user_name: str | None
                ) -> tuple[int, str, Reply | None]:
    """The player a read command looks at: the caller, or another player (`user`, with the
    name Discord shows). Looking at another player creates nothing: someone who never played
    gets a sentence (the third item) instead."""
    if user is None or user == ctx.user_id:
        return ctx.user_id, ctx.display_name, None
    name = user_name or f"Player {user}"
    if not await ctx.db.has_played(user):
        return user, name, Reply(title="Not a player yet",
                                 text=f"{name} has not played yet.", ephemeral=True)
    return user, name, None
