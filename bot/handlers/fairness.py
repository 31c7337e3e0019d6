"""Provably fair pulls: the active commitment, the player's client seed and next nonce, the
last revealed seeds, how to verify; setting the client seed."""

from __future__ import annotations

from bot.handlers import INFO_COLOUR, OK_COLOUR, Context, Reply

HOW = ("Each unit you draw is HMAC-SHA256(server seed, \"client seed:nonce\"); the seed "
       "is committed above before you pull and revealed at the next rotation. Then check "
       "that its SHA-256 is the commitment you saw and recompute your pulls: "
       "`stardust verify --user {user}` does it all (docs/FAIRNESS.md).")


async def fairness(ctx: Context, seed: str | None = None) -> Reply:
    if seed is not None:
        fair = await ctx.db.set_client_seed(ctx.user_id, seed, ctx.request_id)
        title, colour = "Client seed set", OK_COLOUR
    else:
        fair = await ctx.db.fairness(ctx.user_id)
        title, colour = "Provably fair pulls", INFO_COLOUR
    revealed = await ctx.db.revealed_seeds(3)
    fields = [
        ("Active server seed", f"#{fair['seed_id']} · commitment (SHA-256 of the seed):\n"
                               f"`{fair['commitment']}`", False),
        ("Your client seed", f"`{fair['client_seed']}`", True),
        ("Your next nonce", f"{fair['nonce']:,}", True),
        ("Last revealed seeds",
         "\n".join(f"#{r['id']} revealed <t:{int(r['revealed_at'].timestamp())}:R>: "
                   f"`{r['seed']}`" for r in revealed) or "None yet: the first rotation "
                                                          "reveals the current seed.", False),
        ("How to verify", HOW.format(user=ctx.user_id), False),
    ]
    return Reply(title=title, fields=fields, colour=colour, ephemeral=True,
                 footer="/fairness seed:<text> sets your client seed (1-64 characters)")
