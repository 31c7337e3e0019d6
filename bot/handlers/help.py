"""/help, /skills and /skill: pages generated from the command definitions the Discord
extensions register (read by bot.console.definitions) and from the skills table."""

from __future__ import annotations

from bot.db import InvalidArgument
from bot.handlers import Choice, Context, Reply

KINDS = {"integer": "a whole number", "number": "a number", "string": "text",
         "boolean": "yes or no", "user": "a player"}


def _commands():
    from bot.console import definitions, summaries     # late: bot.console imports handlers
    return definitions(), summaries()


def _number(value) -> str:
    return f"{int(value):,}" if float(value).is_integer() else str(value)


def _limits(o) -> str:
    parts = []
    if o.choices:
        parts.append("one of " + ", ".join(name for name, _ in o.choices))
    if o.min_value is not None and o.max_value is not None:
        parts.append(f"{_number(o.min_value)} to {_number(o.max_value)}")
    elif o.min_value is not None:
        parts.append(f"at least {_number(o.min_value)}")
    elif o.max_value is not None:
        parts.append(f"at most {_number(o.max_value)}")
    if o.max_length is not None:
        parts.append(f"up to {o.max_length:,} characters")
    if o.autocomplete:
        parts.append("suggestions as you type")
    return "; ".join(parts)


def overview_lines() -> list[str]:
    defs, summary = _commands()
    return [f"/{path} — {summary.get(path, '')}" for path in sorted(defs)]


def page_text(path: str) -> str:
    defs, summary = _commands()
    lines = [summary.get(path, "")]
    options = defs[path]
    if not options:
        lines.append("No options.")
    for o in options:
        limits = _limits(o)
        lines.append(f"• **{o.name}** ({KINDS.get(o.kind, o.kind)}, "
                     f"{'required' if o.required else 'optional'}"
                     f"{'; ' + limits if limits else ''}): {o.description}")
    return "\n".join(lines)


def find_command(name: str | None) -> str | None:
    defs, _ = _commands()
    key = " ".join((name or "").strip().lstrip("/").lower().split())
    return key if key in defs else None


async def help_command(ctx: Context, command: str | None = None) -> Reply:
    if command is None or not command.strip():
        return Reply(title="Stardust commands",
                     text="\n".join(overview_lines()),
                     footer="/help command:<name> shows one command's options")
    path = find_command(command)
    if path is None:
        return Reply(title="No such command",
                     text="There is no such command. /help lists every command.",
                     ephemeral=True)
    return Reply(title=f"/{path}", text=page_text(path))


async def command_choices(ctx: Context, typed: str) -> list[Choice]:
    defs, _ = _commands()
    typed = typed.strip().lstrip("/").lower()
    return [Choice(f"/{p}", p) for p in sorted(defs) if typed in p][:25]


async def skills(ctx: Context) -> Reply:
    rows = await ctx.db.skills()
    text = "\n".join(f"**{r['name']}**"
                     + ("" if r["scope"] == "battle" else f" ({r['scope']})")
                     + f": {r['description']}" for r in rows)
    return Reply(title="Skills", text=text or "No skills yet.",
                 footer="/skill name:<skill> shows one skill")


async def skill(ctx: Context, name: str) -> Reply:
    wanted = " ".join(name.split()).lower()
    for r in await ctx.db.skills():
        if r["name"].lower() == wanted:
            scope = {"battle": "Battle skill", "expedition": "Expedition skill"}.get(
                r["scope"], "Skill")
            return Reply(title=r["name"], text=r["description"], footer=scope)
    raise InvalidArgument("There is no such skill.", "See every skill with /skills.")


async def skill_choices(ctx: Context, typed: str) -> list[Choice]:
    typed = typed.strip().lower()
    return [Choice(r["name"], r["name"]) for r in await ctx.db.skills()
            if typed in r["name"].lower()][:25]
