create or replace function stardust._characters_sync()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- @plpgsql_check_options: oldtable = old_chars, newtable = new_chars
-- A catalogue change of rarity, true power or name (upsert_characters on a re-import, an
-- admin override in the SQL editor) is copied onto the holders' units; the inventory
-- triggers then move the per-rarity counters and recompute the teams it touches. Cost: the
-- changed characters' holders (a re-import that changes every character's power rewrites
-- every unit: run it when the game is quiet). Holders' users rows are locked first,
-- ascending, then their units (the global lock order).
declare
  v_ids integer[];
begin
  -- (an array, not an EXISTS probe: under EXISTS the planner joins the two transition tables
  -- by a nested loop, quadratic in the rows updated, e.g. every pool_idx renumbered)
  v_ids := array(select n.anilist_id
                   from new_chars n join old_chars o on o.anilist_id = n.anilist_id
                  where (n.rarity, n.true_power, n.name)
                          is distinct from (o.rarity, o.true_power, o.name));
  if cardinality(v_ids) = 0 then
    return null;
  end if;
  perform 1 from stardust.users u
   where u.user_id in (select i.user_id from stardust.inventory i
                        where i.anilist_id = any(v_ids))
   order by u.user_id for no key update;
  update stardust.inventory i
     set char_rarity = c.rarity, char_power = c.true_power, char_name = c.name
    from stardust.characters c
   where c.anilist_id = any(v_ids) and i.anilist_id = c.anilist_id
     and (i.char_rarity, i.char_power, i.char_name)
           is distinct from (c.rarity, c.true_power, c.name);
  return null;
end
$$;
revoke all on function stardust._characters_sync() from public;
comment on function stardust._characters_sync() is
  'Trigger: copies a character''s new rarity, true_power or name onto its holders'' units '
  '(whose triggers then fix the unit counters and team powers).';

create or replace trigger characters_sync
  after update on stardust.characters
  referencing old table as old_chars new table as new_chars
  for each statement execute function stardust._characters_sync();
