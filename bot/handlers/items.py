"""Items and bond gifts."""

from __future__ import annotations

from bot.handlers import INFO_COLOUR, OK_COLOUR, Choice, Context, Reply, item_name

BOND_ITEMS = ("bond_small", "bond_med", "bond_large", "bond_ur")


async def items(ctx: Context) -> Reply:
    rows = await ctx.db.user_items(ctx.user_id)
    text = "\n".join(f"**{r['qty']}×** {r['name']} (`{r['item']}`) — {r['description']}"
                     for r in rows) or "No items yet: bounty wins pay bond gifts."
    return Reply(title="Items", text=text, colour=INFO_COLOUR, ephemeral=True)


async def gift(ctx: Context, unit: int, item: str, qty: int = 1) -> Reply:
    row = await ctx.db.gift_bond(ctx.user_id, unit, item, qty, ctx.request_id)
    nxt = (f"{row['next_level_exp'] - row['bond_exp']:,} EXP to the next level"
           if row["next_level_exp"] is not None else "the highest bond level")
    return Reply(title="Bond gift", colour=OK_COLOUR,
                 text=f"Unit #{unit} is now bond level **{row['bond_level']}** ({nxt}); "
                      f"power {row['power']:,}. Used {row['items_used']}, "
                      f"{row['items_left']} left.")


async def item_choices(ctx: Context, query: str) -> list[Choice]:
    q = (query or "").lower()
    return [Choice(item_name(i), i) for i in BOND_ITEMS
            if q in i or q in item_name(i).lower()]
