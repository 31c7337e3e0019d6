"""/forget-me: erase everything the game keeps about the player, after a private warning
and a Confirm only they can press. The buttons carry all their state (owner, time, the
command's id), so they still work after a bot restart."""

from __future__ import annotations

from bot import clock
from bot.handlers import ERROR_COLOUR, INFO_COLOUR, OK_COLOUR, Button, Context, Reply

CONFIRM_TTL = 300            # seconds the Confirm button stays valid

WARNING = (
    "This permanently deletes everything Stardust keeps about you: your units and team, "
    "gems, coins and items, your pull, scrap, battle and purchase history, presets, "
    "expedition, check-in streak, tasks, achievements, gift codes redeemed and raid "
    "rewards.\n"
    "Battles other players fought against you, and the damage you dealt to a raid boss, "
    "stay in their history without your name.\n"
    "**This cannot be undone.** If you play again later, you start as a new player.")


async def forget_me(ctx: Context) -> Reply:
    now = int(clock.time())
    rid = ctx.request_id or f"local-{now}"
    return Reply(
        title="Erase all your Stardust data?", text=WARNING, colour=ERROR_COLOUR,
        buttons=[Button(f"fm:ok:{ctx.user_id}:{now}:{rid}", "Confirm", "danger"),
                 Button(f"fm:no:{ctx.user_id}:{now}", "Cancel", "secondary")],
        footer="only you can see this · the buttons expire in 5 minutes", ephemeral=True)


async def forget_me_button(ctx: Context, custom_id: str) -> Reply:
    """Confirm or Cancel of /forget-me. Only the invoker may answer. Confirm erases with the
    command's id as request id, so a second press (or Discord's retry) erases once and
    shows the same answer."""
    parts = custom_id.split(":", 4)
    if int(parts[2]) != ctx.user_id:
        return Reply(text="Only the player who asked to be forgotten can answer this.",
                     ephemeral=True, colour=ERROR_COLOUR)
    if parts[1] == "no":
        return Reply(title="Nothing was erased", text="Your Stardust data is untouched.",
                     colour=INFO_COLOUR)
    issued, rid = int(parts[3]), parts[4]
    if clock.time() - issued > CONFIRM_TTL:
        return Reply(title="This confirmation has expired",
                     text="Nothing was erased. Run `/forget-me` again.", colour=ERROR_COLOUR)
    rows = await ctx.db.erase_user(ctx.user_id, f"{rid}:confirm")
    deleted = sum(r["deleted"] for r in rows)
    anonymised = sum(r["anonymised"] for r in rows)
    if deleted == 0:
        text = "Stardust held no data about you: there was nothing to erase."
    else:
        text = (f"**{deleted:,}** records about you were deleted"
                + (f" and **{anonymised:,}** kept by other players no longer name you"
                   if anonymised else "")
                + ". Goodbye, and thank you for playing.")
    return Reply(title="Your data has been erased", text=text, colour=OK_COLOUR)
