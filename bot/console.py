"""Play without Discord: the slash commands, typed at a prompt, run through the bot's own
handlers as a chosen user; text is printed and images are saved (their path is printed).

    stardust console [--user ID] [--out DIR]

    > /pull count:10              (on the running banner; banner:standard for the pool)
    > /team set unit1:12 unit2:15
    > /scrap mass rarity:R        (asks y/n before scrapping)
    > /forget-me                  (asks y/n before erasing the player)
    > /help
"""

from __future__ import annotations

import inspect
import itertools
import re
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, TextIO

from bot.db import Database, GameError
from bot.handlers import ArtSource, Context, Reply, apology, error_reply
from bot.handlers import (admin, battle, collection, expedition, fairness, gacha, items,
                          privacy, profile, progress, raid, shop, team)
from bot.handlers.progress import announce

# command path -> handler; options come from the handler's signature
COMMANDS: dict[str, Callable[..., Awaitable[Reply]]] = {
    "pull": gacha.pull, "spark": gacha.spark, "starter": gacha.starter,
    "banner": gacha.banners, "rates": gacha.rates, "history": gacha.history,
    "fairness": fairness.fairness,
    "inventory": collection.inventory, "view": collection.view, "lock": collection.lock,
    "unlock": collection.unlock, "scrap unit": collection.scrap,
    "scrap mass": collection.mass_scrap, "team view": team.team_view,
    "team set": team.team_set, "profile": profile.profile, "admin grant": admin.grant,
    "preset save": team.preset_save, "preset load": team.preset_load,
    "preset list": team.preset_list, "preset delete": team.preset_delete,
    "battle npc": battle.npc, "battle pvp": battle.pvp, "battle log": battle.log,
    "bounty board": battle.bounty_board, "bounty fight": battle.bounty_fight,
    "items": items.items, "gift": items.gift,
    "checkin": progress.checkin, "tasks view": progress.tasks_view,
    "tasks claim": progress.tasks_claim, "achievements": progress.achievements,
    "leaderboard": progress.leaderboard,
    "expedition start": expedition.expedition_start,
    "expedition status": expedition.expedition_status,
    "expedition claim": expedition.expedition_claim,
    "expedition stop": expedition.expedition_stop,
    "shop daily": shop.daily, "shop buy": shop.buy, "shop items": shop.item_shop,
    "shop item": shop.buy_item, "token": shop.token, "redeem": shop.redeem,
    "raid status": raid.raid_status, "raid attack": raid.raid_attack,
    "raid leaderboard": raid.raid_leaderboard,
    "forget-me": privacy.forget_me,
}
# what a button press runs, by custom_id prefix (as the Discord extensions register them)
BUTTONS: dict[str, Callable[..., Awaitable[Reply]]] = {
    "ms:": collection.mass_scrap_button, "inv:": collection.inventory_page,
    "fm:": privacy.forget_me_button,
}
# commands whose reply waits for a Confirm: the console asks y/n instead
CONFIRMS = {"scrap mass": "Scrap them? [y/N] ",
            "forget-me": "Erase all your data? This cannot be undone. [y/N] "}
HELP = {
    "pull": "pull characters (count:1-10; banner:<id>, or banner:standard for the standard "
            "pool; default: the running banner)",
    "spark": "trade spark points for a rate-up unit (banner:<id> character:<anilist id>)",
    "starter": "claim the starter pack (10 free pulls, one SSR)",
    "banner": "the limited banners", "rates": "disclosed probabilities (banner:<id>)",
    "history": "your pulls (before:<pull id>)",
    "fairness": "provably fair pulls: the seed commitment, your client seed and nonce "
                "(seed:<text> sets your client seed)",
    "inventory": "your collection (rarity:SSR|SR|R sort:date|power|rarity|name|dupes page:N)",
    "view": "one unit (unit:<id>)", "lock": "protect a unit (unit:<id>)",
    "unlock": "unprotect a unit (unit:<id>)", "scrap unit": "scrap a unit (unit:<id>)",
    "scrap mass": "scrap every R or SR unit (rarity:R|SR), after a y/n confirm",
    "team view": "your team", "team set": "choose your team (unit1:<id> … unit5:<id>)",
    "preset save": "save your team (name:…)", "preset load": "load a preset (name:…)",
    "preset list": "your presets", "preset delete": "delete a preset (name:…)",
    "battle npc": "fight an NPC team (difficulty:easy|normal|hard|expert|nightmare|hell)",
    "battle pvp": "fight another player's team (opponent:<user id>)",
    "battle log": "why a battle ended as it did (battle:<id>)",
    "bounty board": "this hour's bounties", "bounty fight": "fight a bounty (slot:1-3)",
    "items": "your items", "gift": "gift bond items (unit:<id> item:bond_small|… qty:N)",
    "profile": "balances, team power, collection", "admin grant":
    "give gems/coins (user:<id> gems:N coins:N reason:text)",
    "checkin": "the daily check-in (gems, streak)",
    "tasks view": "today's battle tasks", "tasks claim":
    "claim a done task (task:easy|normal|hard|expert|nightmare|hell|pvp; none: all done ones)",
    "achievements": "your achievements and progress",
    "leaderboard": "the top players (kind:team_power|collection)",
    "expedition start": "send 1-5 units not in the team (unit1:<id> … unit5:<id>)",
    "expedition status": "what the expedition has earned",
    "expedition claim": "collect the expedition's gems and team XP",
    "expedition stop": "collect and bring the units home",
    "shop daily": "today's daily shop", "shop buy": "buy a daily shop slot (slot:1-10)",
    "shop items": "the item shop (coins)", "shop item": "buy items (item:ssr_token qty:1-100)",
    "token": "use an SSR Token on an SSR (unit:<id>)", "redeem": "redeem a gift code (code:…)",
    "raid status": "the server's raid boss", "raid attack": "attack the raid boss (a ticket)",
    "raid leaderboard": "the raid's attackers by damage",
    "forget-me": "erase all your data (after a y/n confirm; cannot be undone)",
}


def options_of(handler: Callable) -> dict[str, tuple[type, bool]]:
    """name -> (type, required) from `async def h(ctx, name: int | None = None, ...)`."""
    out = {}
    for name, p in list(inspect.signature(handler).parameters.items())[1:]:
        annotation = str(p.annotation)
        kind = int if re.search(r"\bint\b", annotation) else str
        out[name] = (kind, p.default is inspect.Parameter.empty)
    return out


CONSOLE_GUILD = 1
# words an integer option also accepts: the named choices of Discord's autocomplete
WORDS = {"banner": {"standard": gacha.STANDARD_POOL, "standard pool": gacha.STANDARD_POOL}}


class UsageError(ValueError):
    pass


def parse(line: str) -> tuple[str, dict[str, Any]]:
    """'/team set unit1:5 unit2:7' -> ('team set', {'unit1': 5, 'unit2': 7})."""
    line = line.strip()
    if not line.startswith("/"):
        raise UsageError("commands start with /, e.g. /pull count:10 (try /help)")
    try:
        words = shlex.split(line[1:])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    path_words = list(itertools.takewhile(lambda w: ":" not in w, words))
    path = " ".join(path_words).lower()
    if path not in COMMANDS:
        close = [c for c in COMMANDS if c.startswith(path_words[0].lower())] if path_words else []
        raise UsageError(f"unknown command /{path}" + (f" (did you mean /{close[0]}?)"
                                                       if close else " (try /help)"))
    spec = options_of(COMMANDS[path])
    values: dict[str, Any] = {}
    for word in words[len(path_words):]:
        name, _, raw = word.partition(":")
        name = name.lower()
        if name not in spec:
            raise UsageError(f"/{path} has no option {name!r}; options: "
                             + (", ".join(spec) or "none"))
        kind = spec[name][0]
        if kind is int and raw.lower() in WORDS.get(name, {}):
            raw = str(WORDS[name][raw.lower()])       # banner:standard, as Discord's choice
        try:
            values[name] = kind(raw) if kind is int else raw
        except ValueError:
            raise UsageError(f"{name} must be a whole number, not {raw!r}") from None
    missing = [n for n, (_, required) in spec.items() if required and n not in values]
    if missing:
        raise UsageError(f"/{path} needs {', '.join(f'{m}:…' for m in missing)}")
    return path, values


@dataclass
class Console:
    db: Database
    user_id: int
    out_dir: Path
    art: ArtSource
    display_name: str = "player"
    stream: TextIO = sys.stdout
    confirm: Callable[[str], bool] = lambda prompt: input(prompt).strip().lower() in ("y", "yes")
    is_admin: bool = True                  # the local operator is the admin of their console

    def __post_init__(self) -> None:
        self._ids = itertools.count(int(time.time() * 1000) << 22)
        self._images = itertools.count(1)
        self.last_buttons: list = []

    def context(self) -> Context:
        # the console is a server of its own (guild 1) for the bounty board and raids
        return Context(db=self.db, user_id=self.user_id, display_name=self.display_name,
                       request_id=f"console-{next(self._ids)}", art=self.art,
                       is_admin=self.is_admin, guild_id=CONSOLE_GUILD,
                       guild_name="Console")

    def say(self, text: str = "") -> None:
        print(text, file=self.stream, flush=True)

    def show(self, reply: Reply) -> None:
        self.say(reply.plain())
        if reply.image is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            path = self.out_dir / f"{next(self._images):03d}-{reply.image_name}"
            path.write_bytes(reply.image)
            self.say(f"[image: {path}]")
        self.last_buttons = [b for b in reply.buttons if not b.disabled]

    async def _call(self, handler, *args, **kwargs) -> Reply:
        """Run a handler; a successful reply also says what it unlocked (as on Discord)."""
        context = self.context()
        try:
            return await announce(context, await handler(context, *args, **kwargs))
        except GameError as exc:
            return error_reply(exc)
        except Exception as exc:                            # shown, never a traceback
            self.say(f"(error: {type(exc).__name__}: {exc})")
            return apology()

    async def run(self, line: str) -> Reply | None:
        """Run one command line; returns the reply shown (None for help/usage)."""
        line = line.strip()
        if not line or line.startswith("#"):
            return None
        if line in ("/help", "help", "?"):
            self.say("Commands (options are name:value):")
            for name in COMMANDS:
                self.say(f"  /{name:<18} {HELP.get(name, '')}")
            self.say("  /press <label>  press a button of the last reply;  /quit")
            return None
        if line.startswith("/press"):
            return await self.press(line[len("/press"):].strip())
        try:
            path, values = parse(line)
        except UsageError as exc:
            self.say(f"! {exc}")
            return None
        reply = await self._call(COMMANDS[path], **values)
        self.show(reply)
        if path in CONFIRMS and self.last_buttons:
            ok = next(b for b in self.last_buttons if b.label == "Confirm")
            if self.confirm(CONFIRMS[path]):
                return await self.press(ok.label)
            return await self.press("Cancel")
        return reply

    async def press(self, label: str) -> Reply | None:
        button = next((b for b in self.last_buttons if b.label.lower().strip("◀▶ ")
                       .startswith(label.lower().strip("◀▶ "))), None) if label else None
        if button is None:
            self.say("! no such button; buttons: "
                     + (", ".join(b.label for b in self.last_buttons) or "none"))
            return None
        handler = next(h for prefix, h in BUTTONS.items() if button.custom_id.startswith(prefix))
        reply = await self._call(handler, button.custom_id)
        self.show(reply)
        return reply

    def completions(self, text: str, line: str) -> list[str]:
        """Tab completion: command names, then the command's option names."""
        if " " not in line.lstrip():
            return [f"/{c.split()[0]}" for c in dict.fromkeys(c.split()[0] for c in COMMANDS)
                    if f"/{c}".startswith(text)] + [h for h in ("/help", "/press", "/quit")
                                                    if h.startswith(text)]
        words = line.lstrip()[1:].split()
        for path in sorted(COMMANDS, key=len, reverse=True):
            if " ".join(words[:len(path.split())]).lower() == path:
                return [f"{o}:" for o in options_of(COMMANDS[path]) if o.startswith(text)]
        first = words[0].lower()
        return [p.split()[1] for p in COMMANDS if p.startswith(first + " ")
                and p.split()[1].startswith(text)]


async def interact(console: Console, stdin: TextIO = sys.stdin) -> int:
    """The interactive loop (readline with tab completion when attached to a terminal)."""
    interactive = stdin.isatty()
    if interactive:
        try:
            import readline

            def complete(text, state):
                options = console.completions(text, readline.get_line_buffer())
                return options[state] if state < len(options) else None

            readline.set_completer_delims(" ")
            readline.set_completer(complete)
            readline.parse_and_bind("tab: complete")
        except ImportError:                                     # pragma: no cover
            pass
    console.say(f"Stardust console — playing as user {console.user_id}. /help for commands, "
                "/quit to leave.")
    if not interactive:
        console.confirm = lambda prompt: _read_answer(console, stdin, prompt)
    while True:
        try:
            line = input("> ") if interactive else stdin.readline()
        except EOFError:
            break
        if not interactive and line == "":
            break
        if line.strip() in ("/quit", "/exit", "quit", "exit"):
            break
        if not interactive and line.strip():
            console.say(f"> {line.strip()}")
        await console.run(line)
    return 0


def _read_answer(console: Console, stdin: TextIO, prompt: str) -> bool:
    answer = stdin.readline().strip()
    console.say(f"{prompt}{answer}")
    return answer.lower() in ("y", "yes")
