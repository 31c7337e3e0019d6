"""Inventory, unit view, locks, scrap and mass scrap (preview, then confirm)."""

from __future__ import annotations

from bot import clock, db, render
from bot.handlers import (ERROR_COLOUR, INFO_COLOUR, OK_COLOUR, RARITY_COLOUR, Button, Choice,
                          Context, Reply, plural)

PAGE_SIZE = 10
CONFIRM_TTL = 300            # seconds a mass-scrap preview stays valid


# --- inventory -----------------------------------------------------------------------------
def _inventory_buttons(user_id: int, page: int, pages: int, sort: str,
                       rarity: str | None, first: int, last: int) -> list[Button]:
    # keyset paging: the button carries the unit the next page starts after (a...) or the
    # previous one ends before (b...), so a deep page is as cheap as the first and the
    # buttons work after a restart (all the state is in the custom_id)
    r = rarity or "-"
    return [Button(f"inv:{user_id}:{page - 1}:{sort}:{r}:b{first}", "◀ Previous",
                   disabled=page <= 1),
            Button(f"inv:{user_id}:{page + 1}:{sort}:{r}:a{last}", "Next ▶",
                   disabled=page >= pages)]


async def inventory(ctx: Context, rarity: str | None = None, sort: str = "date",
                    page: int = 1, cursor: str | None = None) -> Reply:
    page = max(1, page)
    rows = []
    if cursor and page > 1:
        try:
            rows = await ctx.db.inventory(
                ctx.user_id, sort, rarity, PAGE_SIZE,
                after=int(cursor[1:]) if cursor[0] == "a" else None,
                before=int(cursor[1:]) if cursor[0] == "b" else None)
        except db.NotOwned:                    # that unit is gone: start again
            rows = []
        if not rows:
            page = 1
    if not rows:
        rows = await ctx.db.inventory(ctx.user_id, sort, rarity, PAGE_SIZE,
                                      (page - 1) * PAGE_SIZE)
    if not rows and page > 1:                  # the collection shrank: show the last page
        first = await ctx.db.inventory(ctx.user_id, sort, rarity, 1, 0)
        if first:
            page = -(-first[0]["total"] // PAGE_SIZE)
            rows = await ctx.db.inventory(ctx.user_id, sort, rarity, PAGE_SIZE,
                                          (page - 1) * PAGE_SIZE)
    if not rows:
        what = f"{rarity} units" if rarity else "units"
        return Reply(title="Collection", text=f"No {what} yet. Try `/starter` or `/pull`.",
                     ephemeral=True)
    total = rows[0]["total"]
    pages = -(-total // PAGE_SIZE)
    art = await ctx.art.fetch([r["image_url"] for r in rows])
    title = f"{ctx.display_name}'s collection" + (f" · {rarity}" if rarity else "")
    image = await ctx.render(render.inventory_page, rows, art, page=page, pages=pages,
                             total=total, title=title)
    lines = [f"`#{r['inventory_id']}` {r['rarity']} **{r['name']}** +{r['dupe_level']} · "
             f"{r['power']:,}{' 🔒' if r['is_locked'] else ''}{' ⚔' if r['in_team'] else ''}"
             for r in rows]
    return Reply(title=title, text="\n".join(lines), image=image, image_name="collection.png",
                 footer=f"page {page}/{pages} · {total} units · sorted by {sort}",
                 buttons=_inventory_buttons(ctx.user_id, page, pages, sort, rarity,
                                            rows[0]["inventory_id"], rows[-1]["inventory_id"]))


async def inventory_page(ctx: Context, custom_id: str) -> Reply:
    """A page button: only its owner may turn the pages of their collection."""
    # inv:owner:page:sort:rarity[:a<id>|:b<id>] (buttons from before keyset paging: offset)
    _, owner, page, sort, rarity, *cursor = custom_id.split(":")
    if int(owner) != ctx.user_id:
        return Reply(text="These buttons belong to someone else's `/inventory`.",
                     ephemeral=True, colour=ERROR_COLOUR)
    return await inventory(ctx, None if rarity == "-" else rarity, sort, int(page),
                           cursor[0] if cursor else None)


# --- single units --------------------------------------------------------------------------
async def view(ctx: Context, unit: int) -> Reply:
    row = await ctx.db.get_unit(ctx.user_id, unit)
    art = await ctx.art.fetch([row["image_url"]])
    image = await ctx.render(render.unit_card, row, art)
    marks = [m for m, on in (("🔒 locked", row["is_locked"]), ("⚔ in team", row["in_team"]),
                             ("🧭 on expedition", row["on_expedition"])) if on]
    return Reply(title=f"{row['name']} ({row['rarity']})", text=row["series"] or None,
                 fields=[("Power", f"{row['power']:,}", True),
                         ("Dupes", f"+{row['dupe_level']}", True),
                         ("Bond", f"Lv {row['bond_level']}", True)]
                 + ([("Skills", ", ".join(row["skills"]), False)] if row["skills"] else [])
                 + ([("State", " · ".join(marks), False)] if marks else []),
                 colour=RARITY_COLOUR[row["rarity"]], image=image, image_name="unit.png",
                 footer=f"unit #{row['inventory_id']}")


async def lock(ctx: Context, unit: int) -> Reply:
    changed = await ctx.db.set_locked(ctx.user_id, [unit], True, ctx.request_id)
    return Reply(text=f"Unit #{unit} {'is now locked' if changed else 'was already locked'}: "
                 "no scrap will take it.", colour=OK_COLOUR, ephemeral=True)


async def unlock(ctx: Context, unit: int) -> Reply:
    changed = await ctx.db.set_locked(ctx.user_id, [unit], False, ctx.request_id)
    return Reply(text=f"Unit #{unit} {'is now unlocked' if changed else 'was not locked'}.",
                 colour=OK_COLOUR, ephemeral=True)


async def scrap(ctx: Context, unit: int) -> Reply:
    row = await ctx.db.scrap(ctx.user_id, [unit], ctx.request_id)
    return Reply(title="Scrapped", text=f"Unit #{unit} scrapped: +{row['gems']:,} gems, "
                 f"+{row['coins']:,} coins.", colour=OK_COLOUR)


# --- mass scrap: preview, then Confirm / Cancel ---------------------------------------------
async def mass_scrap(ctx: Context, rarity: str) -> Reply:
    preview = await ctx.db.mass_scrap_preview(ctx.user_id, rarity)
    if preview["scrapped"] == 0:
        return Reply(title="Mass scrap", text=f"No {rarity} unit to scrap (locked units and "
                     "units in your team or on an expedition are kept).", ephemeral=True)
    now = int(clock.time())
    rid = ctx.request_id or f"local-{now}"
    return Reply(
        title=f"Scrap every {rarity} unit?",
        text=(f"This scraps **{plural(preview['scrapped'], rarity + ' unit')}** for "
              f"**{preview['gems']:,}**"
              f" gems and **{preview['coins']:,}** coins.\nLocked units and units in your team "
              "or on an expedition are kept. This cannot be undone."),
        colour=RARITY_COLOUR[rarity],
        buttons=[Button(f"ms:ok:{ctx.user_id}:{rarity}:{preview['scrapped']}:{now}:{rid}",
                        "Confirm", "danger"),
                 Button(f"ms:no:{ctx.user_id}:{now}", "Cancel", "secondary")],
        footer="the buttons expire in 5 minutes")


def _button_owner(custom_id: str) -> int:
    return int(custom_id.split(":")[2])


async def mass_scrap_button(ctx: Context, custom_id: str) -> Reply:
    """Confirm or Cancel of a mass-scrap preview. Only the invoker may press; a stale
    preview (expired, or the collection changed since) is refused and nothing is scrapped.
    Pressing Confirm twice scraps once: the request id is the original command's."""
    parts = custom_id.split(":")
    if _button_owner(custom_id) != ctx.user_id:
        return Reply(text="Only the player who asked for this mass scrap can answer it.",
                     ephemeral=True, colour=ERROR_COLOUR)
    if parts[1] == "no":
        return Reply(title="Mass scrap cancelled", text="Nothing was scrapped.",
                     colour=INFO_COLOUR)
    _, _, _, rarity, count, issued, rid = parts
    if clock.time() - int(issued) > CONFIRM_TTL:
        return Reply(title="This preview has expired",
                     text="Nothing was scrapped. Run `/scrap mass` again.", colour=ERROR_COLOUR)
    preview = await ctx.db.mass_scrap_preview(ctx.user_id, rarity)
    if preview["scrapped"] != int(count):
        # (a repeated Confirm after success sees 0 here and is answered by the idempotent
        # call below instead)
        if preview["scrapped"] != 0:
            return Reply(title="Your collection changed",
                         text=f"The preview said {plural(int(count), 'unit')}; now it would "
                              f"be {preview['scrapped']:,}. Nothing was scrapped — run "
                              "`/scrap mass` again.", colour=ERROR_COLOUR)
    row = await ctx.db.mass_scrap(ctx.user_id, rarity, f"{rid}:confirm")
    return Reply(title="Mass scrap done",
                 text=f"Scrapped **{plural(row['scrapped'], rarity + ' unit')}**: "
                      f"+{row['gems']:,} gems, "
                      f"+{row['coins']:,} coins.", colour=OK_COLOUR)


# --- autocomplete --------------------------------------------------------------------------
async def unit_choices(ctx: Context, query: str) -> list[Choice]:
    rows = await ctx.db.search_units(ctx.user_id, query or "", 25)
    return [Choice(f"#{r['inventory_id']} {r['name']} ({r['rarity']} +{r['dupe_level']})"
                   f"{' 🔒' if r['is_locked'] else ''}"[:100], r["inventory_id"]) for r in rows]
