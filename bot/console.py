"""Play without Discord: the slash commands, typed at a prompt, run through the bot's own
handlers as a chosen user; text is printed and images are saved (their path is printed).

    stardust console [--user ID] [--out DIR]

    > /pull count:10              (on the running banner; banner:standard for the pool)
    > /inventory sort:power
    > /team set unit1:<id> unit2:<id>    (ids from /inventory)
    > /scrap mass rarity:R        (asks y/n before scrapping)
    > /forget-me                  (asks y/n before erasing the player)
    > /help
"""

from __future__ import annotations

import inspect
import itertools
import logging
import re
import shlex
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, TextIO

from bot.db import Database, GameError
from bot.handlers import ArtSource, Context, Reply, apology, error_reply
from bot.handlers import (admin, battle, collection, expedition, fairness, gacha, items,
                          privacy, profile, progress, raid, shop, team)
from bot.handlers import help as pages
from bot.handlers.progress import announce

log = logging.getLogger(__name__)

# command path -> handler; the options (names, types, limits, choices) are the Discord
# extension's, read from bot/exts/*.py by definitions()
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
    "help": pages.help_command, "skills": pages.skills, "skill": pages.skill,
}
# what a button press runs, by custom_id prefix (as the Discord extensions register them)
BUTTONS: dict[str, Callable[..., Awaitable[Reply]]] = {
    "ms:": collection.mass_scrap_button, "inv:": collection.inventory_page,
    "fm:": privacy.forget_me_button,
}
# commands whose reply waits for a Confirm: the console asks y/n instead
CONFIRMS = {"scrap mass": "Scrap them? [y/N] ",
            "forget-me": "Erase all your data? This cannot be undone. [y/N] "}


# Discord's own limits (https://discord.com/developers/docs/interactions/application-commands)
DISCORD_INT_MIN, DISCORD_INT_MAX = -(2 ** 53), 2 ** 53
DISCORD_STRING_MAX = 6000
SNOWFLAKE_MAX = 2 ** 63 - 1                 # user ids are bigints in the database


@dataclass(frozen=True)
class Option:
    """One option as the Discord extension registers it (required, type, limits, choices),
    and the default the extension passes when the option is left out."""
    name: str
    kind: str                               # "integer", "number", "string", "boolean", "user"
    required: bool
    min_value: float | None = None
    max_value: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    choices: tuple[tuple[str, Any], ...] = ()
    default: Any = inspect.Parameter.empty
    description: str = ""
    autocomplete: bool = False


def _option(opt, default) -> Option:
    from interactions import OptionType

    kinds = {OptionType.INTEGER: "integer", OptionType.NUMBER: "number",
             OptionType.STRING: "string", OptionType.BOOLEAN: "boolean",
             OptionType.USER: "user"}
    if opt.type not in kinds:                                    # pragma: no cover
        raise TypeError(f"the console cannot read {opt.type!r} options ({opt.name})")
    return Option(name=str(opt.name), kind=kinds[opt.type], required=bool(opt.required),
                  min_value=opt.min_value, max_value=opt.max_value,
                  min_length=opt.min_length, max_length=opt.max_length,
                  choices=tuple((str(c.name), c.value) for c in opt.choices or ()),
                  default=default, description=str(opt.description),
                  autocomplete=bool(opt.autocomplete))


_DEFINITIONS: dict[str, tuple[Option, ...]] | None = None
_SUMMARIES: dict[str, str] = {}


def definitions() -> dict[str, tuple[Option, ...]]:
    """command path -> its options, read from the SlashCommand objects of bot/exts/*.py:
    the console accepts exactly what Discord accepts."""
    global _DEFINITIONS
    if _DEFINITIONS is None:
        import importlib

        import interactions

        from bot.discord.client import extension_modules

        found: dict[str, tuple[Option, ...]] = {}
        for module_name in extension_modules():
            module = importlib.import_module(module_name)
            for cls in vars(module).values():
                if not (isinstance(cls, type) and issubclass(cls, interactions.Extension)):
                    continue
                for cmd in vars(cls).values():
                    if not isinstance(cmd, interactions.SlashCommand):
                        continue
                    path = " ".join(str(w) for w in (cmd.name, cmd.group_name,
                                                     cmd.sub_cmd_name) if w)
                    params = inspect.signature(cmd.callback).parameters
                    _SUMMARIES[path] = str(cmd.sub_cmd_description if cmd.sub_cmd_name
                                           else cmd.description)
                    found[path] = tuple(
                        _option(o, params[str(o.name)].default if str(o.name) in params
                                else inspect.Parameter.empty) for o in cmd.options or ())
        _DEFINITIONS = found
    return _DEFINITIONS


def summaries() -> dict[str, str]:
    """command path -> its one-line description, as the extension registers it."""
    definitions()
    return _SUMMARIES


def options_of(path: str) -> dict[str, Option]:
    return {o.name: o for o in definitions()[path]}


CONSOLE_GUILD = 1
# words an integer option also accepts: the named choices of Discord's autocomplete
WORDS = {"banner": {"standard": gacha.STANDARD_POOL, "standard pool": gacha.STANDARD_POOL}}


class UsageError(ValueError):
    pass


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def convert(option: Option, raw: str) -> Any:
    """One option's text -> its value, by Discord's rules for that option."""
    name = option.name
    if option.kind == "string":
        value = raw
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
            raise UsageError(f"{name} must not contain control characters")
        if option.min_length is not None and len(value) < option.min_length:
            raise UsageError(f"{name} must be at least {option.min_length} character"
                             + ("s" if option.min_length > 1 else "") + " long")
        longest = option.max_length if option.max_length is not None else DISCORD_STRING_MAX
        if len(value) > longest:
            raise UsageError(f"{name} can be at most {longest:,} characters long")
    elif option.kind == "integer":
        if not re.fullmatch(r"-?[0-9]{1,30}", raw, re.ASCII):     # as Discord's client takes it
            raise UsageError(f"{name} must be a whole number, not {raw[:40]!r}")
        value = int(raw)
        if not DISCORD_INT_MIN <= value <= DISCORD_INT_MAX:
            raise UsageError(f"{name} is too {'large' if value > 0 else 'small'}")
    elif option.kind == "number":
        try:
            value = float(raw)
        except ValueError:
            raise UsageError(f"{name} must be a number, not {raw[:40]!r}") from None
        if value != value or not DISCORD_INT_MIN <= value <= DISCORD_INT_MAX:
            raise UsageError(f"{name} must be a number")
    elif option.kind == "boolean":
        if raw.lower() not in ("true", "false", "yes", "no"):
            raise UsageError(f"{name} must be true or false")
        value = raw.lower() in ("true", "yes")
    else:                                                    # user: an id or a <@mention>
        match = re.fullmatch(r"<@!?([0-9]{1,20})>|([0-9]{1,20})", raw)
        value = int(match.group(1) or match.group(2)) if match else 0
        if not 1 <= value <= SNOWFLAKE_MAX:
            raise UsageError(f"{name} must be a user id (a positive whole number)")
    if option.choices:
        for label, choice in option.choices:
            if str(value).lower() in (str(choice).lower(), label.lower()):
                return choice
        raise UsageError(f"{name} must be one of "
                         + ", ".join(str(c) for _, c in option.choices))
    low = option.min_value
    high = option.max_value
    if option.kind in ("integer", "number") and (
            (low is not None and value < low) or (high is not None and value > high)):
        if low is not None and high is not None:
            raise UsageError(f"{name} must be between {_number(low)} and {_number(high)}")
        if low is not None:
            raise UsageError(f"{name} must be at least {_number(low)}")
        raise UsageError(f"{name} must be at most {_number(high)}")
    return value


def parse(line: str) -> tuple[str, dict[str, Any]]:
    """'/team set unit1:5 unit2:7' -> ('team set', {'unit1': 5, 'unit2': 7}), checked against
    the Discord definition of the command; options left out get the extension's default."""
    line = line.strip()
    if not line.startswith("/"):
        raise UsageError("commands start with /, e.g. /pull count:10 (try /help)")
    try:
        words = shlex.split(line[1:])
    except ValueError as exc:
        raise UsageError(f"{exc} (quote values that have spaces: reason:'a b')") from None
    path_words = list(itertools.takewhile(lambda w: ":" not in w, words))
    path = " ".join(path_words).lower()
    if path not in COMMANDS:
        close = [c for c in COMMANDS if c.startswith(path_words[0].lower())] if path_words else []
        raise UsageError(f"unknown command /{path[:40]}" + (f" (did you mean /{close[0]}?)"
                                                            if close else " (try /help)"))
    spec = options_of(path)
    values: dict[str, Any] = {}
    for word in words[len(path_words):]:
        name, _, raw = word.partition(":")
        name = name.lower()
        if name not in spec:
            raise UsageError(f"/{path} has no option {name[:40]!r}; options: "
                             + (", ".join(spec) or "none"))
        if name in values:
            raise UsageError(f"{name} is given twice")
        if raw.lower() in WORDS.get(name, {}):
            raw = str(WORDS[name][raw.lower()])       # banner:standard, as Discord's choice
        values[name] = convert(spec[name], raw)
    missing = [n for n, o in spec.items() if o.required and n not in values]
    if missing:
        raise UsageError(f"/{path} needs {', '.join(f'{m}:…' for m in missing)}")
    for name, o in spec.items():
        if name not in values and o.default is not inspect.Parameter.empty:
            values[name] = o.default
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
        except Exception:                   # one plain sentence; the details go to the log
            log.exception("console command failed (user %s)", self.user_id)
            return apology()

    async def run(self, line: str) -> Reply | None:
        """Run one command line; returns the reply shown (None for help/usage)."""
        line = line.strip()
        if not line or line.startswith("#"):
            return None
        if line in ("help", "?"):
            line = "/help"
        if line.startswith("/press"):
            return await self.press(line[len("/press"):].strip())
        try:
            path, values = parse(line)
        except UsageError as exc:
            self.say(f"! {exc}")
            return None
        reply = await self._call(COMMANDS[path], **values)
        self.show(reply)
        if path == "help" and not values.get("command"):
            self.say("Options are typed name:value. /press <label> presses a button of the "
                     "last reply; /quit leaves.")
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
                    if f"/{c}".startswith(text)] + [h for h in ("/press", "/quit")
                                                    if h.startswith(text)]
        words = line.lstrip()[1:].split()
        for path in sorted(COMMANDS, key=len, reverse=True):
            if " ".join(words[:len(path.split())]).lower() == path:
                return [f"{o}:" for o in options_of(path) if o.startswith(text)]
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
