"""The Discord edge: interactions.py client, Reply -> message, errors, health endpoint.

Everything Discord-specific lives here and in bot/exts/; handlers (bot/handlers/) never
import interactions.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

import interactions
from interactions import (ActionRow, Button as DButton, ButtonStyle, Embed, File)

from bot.db import Database, GameError
from bot.handlers import ArtSource, Context, Reply, apology, error_reply

log = logging.getLogger("stardust.discord")

STYLES = {"primary": ButtonStyle.PRIMARY, "secondary": ButtonStyle.SECONDARY,
          "success": ButtonStyle.SUCCESS, "danger": ButtonStyle.DANGER}


@dataclass
class Services:
    db: Database
    art: ArtSource = field(default_factory=ArtSource)
    admin_ids: frozenset[int] = frozenset()


def make_context(services: Services, ctx: interactions.BaseContext) -> Context:
    author = ctx.author
    return Context(db=services.db, user_id=int(author.id),
                   display_name=getattr(author, "display_name", None) or str(author),
                   request_id=str(ctx.id), art=services.art,
                   is_admin=int(author.id) in services.admin_ids,
                   guild_id=int(ctx.guild_id) if ctx.guild_id else None,
                   guild_name=getattr(ctx.guild, "name", None) if ctx.guild_id else None)


def message_kwargs(reply: Reply) -> dict:
    """A Reply as interactions.py send()/edit_origin() keyword arguments."""
    embed = Embed(title=reply.title, description=reply.text, color=reply.colour)
    for name, value, inline in reply.fields:
        embed.add_field(name=name[:256], value=(value or "—")[:1024], inline=inline)
    if reply.footer:
        embed.set_footer(text=reply.footer)
    kwargs: dict = {"embeds": [embed], "components": []}
    if reply.image is not None:
        embed.set_image(url=f"attachment://{reply.image_name}")
        kwargs["files"] = [File(io.BytesIO(reply.image), file_name=reply.image_name)]
    if reply.buttons:
        kwargs["components"] = [ActionRow(*[
            DButton(style=STYLES.get(b.style, ButtonStyle.SECONDARY), label=b.label,
                    custom_id=b.custom_id, disabled=b.disabled) for b in reply.buttons])]
    return kwargs


async def send_reply(ctx: interactions.InteractionContext, reply: Reply) -> None:
    """Answer an interaction with a Reply. A private (ephemeral) reply after a public
    deferral replaces the "thinking…" message with an ephemeral followup."""
    kwargs = message_kwargs(reply)
    if reply.ephemeral and ctx.deferred and not ctx.responded and not ctx.ephemeral:
        try:
            await ctx.delete("@original")
        except interactions.errors.HTTPException:
            log.debug("could not delete the deferred response", exc_info=True)
        ctx.responded = True                        # the next send() is a followup
    await ctx.send(ephemeral=reply.ephemeral, **kwargs)


async def update_reply(ctx: interactions.ComponentContext, reply: Reply) -> None:
    """Answer a button press: edit the message that holds the button, or, for a private
    reply, answer only the presser."""
    if reply.ephemeral:
        await send_reply(ctx, reply)
    else:
        await ctx.edit_origin(**message_kwargs(reply))


async def on_failure(ctx: interactions.InteractionContext, error: BaseException) -> None:
    """The one place expected refusals become friendly private replies; anything else is
    logged with its context and the player gets a short apology, never a traceback."""
    if isinstance(error, GameError):
        reply = error_reply(error)
    else:
        log.error("command failed: %s by %s (%s) options=%s", getattr(ctx, "invoke_target", "?"),
                  getattr(ctx.author, "id", "?"), getattr(ctx, "id", "?"),
                  getattr(ctx, "kwargs", {}), exc_info=error)
        reply = apology()
    try:
        if isinstance(ctx, interactions.ComponentContext) and not ctx.deferred:
            await ctx.send(ephemeral=True, **message_kwargs(reply))
        else:
            await send_reply(ctx, reply)
    except Exception:
        log.exception("could not report a failure to the user")
