"""What every feature extension shares: services, and running a handler for a command."""

from __future__ import annotations

from typing import Awaitable, Callable

import interactions

from bot.discord import Services, make_context, send_reply, update_reply
from bot.handlers import Choice, Context, Reply
from bot.handlers.progress import announce


def someone(user: interactions.User | None) -> dict:
    """A USER option as a handler takes it: user (the id) and user_name (as Discord shows it)."""
    if user is None:
        return {"user": None, "user_name": None}
    return {"user": int(user.id), "user_name": getattr(user, "display_name", None)
            or getattr(user, "username", None)}


class StardustExtension(interactions.Extension):
    def __init__(self, bot: interactions.Client, services: Services):
        self.services = services

    def context(self, ctx: interactions.BaseContext) -> Context:
        return make_context(self.services, ctx)

    async def run(self, ctx: interactions.SlashContext, handler: Callable[..., Awaitable[Reply]],
                  *, renders: bool, **options) -> None:
        """Defer at once when the answer will be an image (Discord allows 3 s for the first
        response), call the handler, draw its reply. Never retries, never refunds: errors go
        to the global listener (bot.discord.on_failure). A successful reply also says what
        the command unlocked (achievements: bot.handlers.progress.announce)."""
        if renders:
            await ctx.defer()
        context = self.context(ctx)
        reply = await handler(context, **options)
        await send_reply(ctx, await announce(context, reply))

    async def press(self, ctx: interactions.ComponentContext,
                    handler: Callable[..., Awaitable[Reply]]) -> None:
        """A button: the handler decides first (a refusal must not touch the message the
        button is on), then the message is edited in place, or the presser alone is
        answered. Edits with an image defer on their own (interactions.py does)."""
        context = self.context(ctx)
        reply = await handler(context, ctx.custom_id)
        await update_reply(ctx, await announce(context, reply))

    async def choices(self, ctx: interactions.AutocompleteContext,
                      provider: Callable[..., Awaitable[list[Choice]]], *args) -> None:
        found = await provider(self.context(ctx), ctx.input_text or "", *args)
        await ctx.send(choices=[{"name": c.name, "value": c.value} for c in found])
