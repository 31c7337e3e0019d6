"""Pulls, spark, starter pack, banners, rates, history."""

from __future__ import annotations

from collections import Counter

from bot import render
from bot.handlers import (INFO_COLOUR, RARITY_COLOUR, Choice, Context, Reply)

RARITY_ORDER = ("SSR", "SR", "R")


def _best_rarity(units) -> str:
    rarities = {u["rarity"] for u in units}
    return next((r for r in RARITY_ORDER if r in rarities), "R")


async def _units_reply(ctx: Context, units, title: str) -> Reply:
    counts = Counter(u["rarity"] for u in units)
    new = sum(u["outcome"] == "new" for u in units)
    scrapped = [u for u in units if u["outcome"] == "scrapped"]
    lines = [" · ".join(f"**{counts[r]}** {r}" for r in RARITY_ORDER if counts[r])]
    highlights = [f"{'🌟' if u['rarity'] == 'SSR' else '✨'} **{u['name']}** ({u['rarity']})"
                  + (" — rate up!" if u["is_rate_up"] else "")
                  + (" — pity" if u["is_pity"] else "")
                  + (" — NEW" if u["outcome"] == "new" else f" — +{u['dupe_level']}")
                  for u in units if u["rarity"] in ("SSR", "SR")][:6]
    lines += highlights
    if new:
        lines.append(f"{new} new character{'s' if new != 1 else ''} in your collection.")
    if scrapped:
        gems = sum(u["gems_refund"] for u in scrapped)
        coins = sum(u["coins_refund"] for u in scrapped)
        lines.append(f"{len(scrapped)} copies past max dupes were scrapped: "
                     f"+{gems:,} gems, +{coins:,} coins.")
    art = await ctx.art.fetch([u["image_url"] for u in units])
    image = await ctx.render(render.pull_result, units, art)
    return Reply(title=title, text="\n".join(lines), colour=RARITY_COLOUR[_best_rarity(units)],
                 image=image, image_name="pull.png")


# the value of the banner option that picks the standard pool (banner ids start at 1)
STANDARD_POOL = 0


def running_banner(rows):
    """The banner /pull uses when none is named: the newest running one (None if none runs)."""
    running = [b for b in rows if b["is_active"]]
    return max(running, key=lambda b: (b["starts_at"], b["id"])) if running else None


async def pull(ctx: Context, count: int = 1, banner: int | None = None) -> Reply:
    """Without a banner: the running limited banner (the newest if several run), else the
    standard pool; banner 0 ("Standard pool" in the autocomplete) is the standard pool."""
    rows = [] if banner == STANDARD_POOL else await ctx.db.list_banners()
    chosen = running_banner(rows) if banner is None else next(
        (b for b in rows if b["id"] == banner), None)
    if banner is None:
        banner_id = chosen["id"] if chosen else None
    else:
        banner_id = None if banner == STANDARD_POOL else banner
    units = await ctx.db.pull(ctx.user_id, count, banner_id, ctx.request_id)
    if banner_id is None:
        where = " from the standard pool"
        footer = ("No limited banner is running: pulled from the standard pool."
                  if banner is None else "Pulled from the standard pool, as you chose.")
    else:
        name = f"#{banner_id} {chosen['name']}" if chosen else f"#{banner_id}"
        where = f" on {name}"
        footer = (f"Pulled on the running banner {name}: its rate-ups and spark points count. "
                  "For the standard pool, choose banner: Standard pool."
                  if banner is None else f"Pulled on the banner {name}.")
    reply = await _units_reply(ctx, units, f"{ctx.display_name} pulled {count}×{where}")
    reply.footer = footer
    return reply


async def spark(ctx: Context, banner: int, character: int) -> Reply:
    units = await ctx.db.spark(ctx.user_id, banner, character, ctx.request_id)
    return await _units_reply(ctx, units, f"{ctx.display_name} sparked {units[0]['name']}")


async def starter(ctx: Context) -> Reply:
    units = await ctx.db.claim_starter(ctx.user_id, ctx.request_id)
    return await _units_reply(ctx, units, f"{ctx.display_name}'s starter pack")


async def banners(ctx: Context) -> Reply:
    rows = await ctx.db.list_banners()
    if not rows:
        return Reply(title="Banners", text="No limited banner is running. `/pull` draws from "
                     "the standard pool.", colour=INFO_COLOUR)
    first = rows[0]
    featured = first["featured"] or []
    art = await ctx.art.fetch([f.get("image_url") for f in featured])
    image = await ctx.render(render.banner, first, featured, art)
    lines = []
    for b in rows:
        state = "running" if b["is_active"] else f"opens <t:{int(b['starts_at'].timestamp())}:R>"
        lines.append(f"**#{b['id']} {b['name']}** — {state}, ends "
                     f"<t:{int(b['ends_at'].timestamp())}:R>\n"
                     f"rate up: {', '.join(b['rate_up_names']) or '—'} · spark "
                     f"{b['spark_cost']} points")
    default = running_banner(rows)
    footer = (f"/pull uses #{default['id']} {default['name']} unless you choose another "
              "banner or the standard pool (banner: Standard pool)." if default else
              "No banner is running yet: /pull uses the standard pool until one opens.")
    return Reply(title="Banners", text="\n".join(lines), image=image, image_name="banner.png",
                 footer=footer, colour=INFO_COLOUR)


async def rates(ctx: Context, banner: int | None = None) -> Reply:
    if banner == STANDARD_POOL:
        banner = None
    rows = await ctx.db.rates(banner)
    fields = []
    for r in rows:
        value = (f"base {float(r['base_rate']) * 100:.2f} % · with pity "
                 f"{float(r['consolidated_rate']) * 100:.3f} %")
        if banner is not None and r["featured_ids"]:
            value += f"\nfeatured: {float(r['featured_rate']) * 100:.3f} % per pull"
        fields.append((r["rarity"], value + f"\n{r['note']}", False))
    return Reply(title="Rates" + (f" — banner #{banner}" if banner else " — standard pool"),
                 fields=fields, colour=INFO_COLOUR,
                 footer="Every pull is provably fair: see /fairness")


async def history(ctx: Context, before: int | None = None) -> Reply:
    rows = await ctx.db.pull_history(ctx.user_id, 30, before)
    if not rows and before is not None:
        return Reply(title="Pull history", text=f"No pulls before #{before:,}. "
                     "`/history` shows your latest.", ephemeral=True)
    if not rows:
        return Reply(title="Pull history", text="No pulls yet. Try `/starter`!",
                     ephemeral=True)
    lines = []
    for r in rows:
        where = r["banner_name"] or r["source"]
        lines.append(f"`#{r['pull_id']}.{r['position']}` <t:{int(r['pulled_at'].timestamp())}:d>"
                     f" {r['rarity']:>3} **{r['name']}** — {r['outcome']}"
                     f"{' (pity)' if r['is_pity'] else ''} · {where}")
    return Reply(title="Pull history", text="\n".join(lines), ephemeral=True,
                 footer=f"older: /history before:{min(r['pull_id'] for r in rows)}")


# --- autocomplete --------------------------------------------------------------------------
async def banner_choices(ctx: Context, query: str) -> list[Choice]:
    q = (query or "").lower()
    rows = await ctx.db.list_banners()
    return [Choice(f"#{b['id']} {b['name']}"[:100], b["id"]) for b in rows
            if b["is_active"] and (q in b["name"].lower() or q in str(b["id"]))][:25]


async def pull_banner_choices(ctx: Context, query: str) -> list[Choice]:
    """/pull's banner option: the running banners, newest first (the default), then the
    standard pool."""
    q = (query or "").lower()
    rows = await ctx.db.list_banners()
    running = sorted((b for b in rows if b["is_active"]),
                     key=lambda b: (b["starts_at"], b["id"]), reverse=True)
    found = [Choice(f"#{b['id']} {b['name']}" + (" (default)" if i == 0 else ""), b["id"])
             for i, b in enumerate(running)]
    found = [c for c in found if q in c.name.lower()][:24]
    standard = Choice("Standard pool", STANDARD_POOL)
    if q in standard.name.lower() or q == str(STANDARD_POOL):
        found.append(standard)
    return [Choice(c.name[:100], c.value) for c in found]


async def rate_up_choices(ctx: Context, query: str, banner: int | None) -> list[Choice]:
    q = (query or "").lower()
    rows = await ctx.db.list_banners()
    out = []
    for b in rows:
        if banner is not None and b["id"] != banner:
            continue
        for f in b["featured"] or []:
            if q in f["name"].lower():
                out.append(Choice(f"{f['name']} ({f['rarity']})"[:100], f["anilist_id"]))
    return out[:25]
