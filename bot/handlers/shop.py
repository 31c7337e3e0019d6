"""The daily shop, the item shop, SSR tokens, gift codes."""

from __future__ import annotations

from bot import render
from bot.handlers import INFO_COLOUR, OK_COLOUR, RARITY_COLOUR, Context, Reply
from bot.handlers.gacha import _units_reply
from bot.handlers.progress import rewards_text

# the /shop item choices: item -> label (the database decides what is sold and for how much)
SHOP_ITEMS = {"ssr_token": "SSR Token"}


async def daily(ctx: Context) -> Reply:
    rows = await ctx.db.shop(ctx.user_id)
    if not rows:
        return Reply(title="Daily shop", text="The shop is empty today: the catalogue has no "
                     "characters yet.", ephemeral=True)
    art = await ctx.art.fetch([r["image_url"] for r in rows])
    image = await ctx.render(render.daily_shop, rows, art,
                             title=f"prices for {ctx.display_name}")
    lines = []
    for r in rows:
        price = f"{r['price']:,}"
        if r["price"] != r["full_price"]:
            price += f" ~~{r['full_price']:,}~~"
        state = " ✅ bought" if r["bought"] else " · max dupes" if r["maxed"] else ""
        lines.append(f"`{r['slot']:>2}` {r['rarity']} **{r['name']}** — {price} gems{state}")
    return Reply(title="Daily shop", text="\n".join(lines), image=image, image_name="shop.png",
                 colour=RARITY_COLOUR["SSR"],
                 footer="/shop buy slot:<1-10> · one of each per day · a new shop at 00:00 UTC")


async def buy(ctx: Context, slot: int) -> Reply:
    units = await ctx.db.shop_buy(ctx.user_id, slot, ctx.request_id)
    return await _units_reply(ctx, units, f"{ctx.display_name} bought {units[0]['name']}")


async def item_shop(ctx: Context) -> Reply:
    rows = await ctx.db.item_shop()
    text = "\n".join(f"**{r['name']}** (`{r['item']}`) — **{r['coins']:,}** coins\n"
                     f"{r['description']}" for r in rows) or "The item shop is closed."
    return Reply(title="Item shop", text=text, colour=INFO_COLOUR,
                 footer="/shop item item:<item> qty:<1-100> buys with coins")


async def buy_item(ctx: Context, item: str, qty: int = 1) -> Reply:
    row = await ctx.db.buy_item(ctx.user_id, item, qty, ctx.request_id)
    extra = " Use one with `/token unit:<an SSR>`." if row["item"] == "ssr_token" else ""
    return Reply(title="Bought", colour=OK_COLOUR,
                 text=f"**{row['qty']}× {row['item']}** for {row['coins_spent']:,} coins. You "
                      f"hold {row['held']:,}; {row['coins_left']:,} coins left.{extra}")


async def token(ctx: Context, unit: int) -> Reply:
    row = await ctx.db.use_token(ctx.user_id, unit, ctx.request_id)
    return Reply(title="SSR Token used", colour=RARITY_COLOUR["SSR"],
                 text=f"**{row['name']}** is now **+{row['dupe_level']}** · power "
                      f"{row['power']:,}.\n{row['tokens_left']} token"
                      f"{'' if row['tokens_left'] == 1 else 's'} left.",
                 footer=f"unit #{row['inventory_id']}")


async def redeem(ctx: Context, code: str) -> Reply:
    row = await ctx.db.redeem_code(ctx.user_id, code, ctx.request_id)
    return Reply(title=f"Code {row['code']} redeemed", colour=OK_COLOUR,
                 text=rewards_text(row["gems"], row["coins"], row["items"]), ephemeral=True)
