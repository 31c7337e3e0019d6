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
begin
  if not exists (select 1 from new_chars n join old_chars o on o.anilist_id = n.anilist_id
                  where (n.rarity, n.true_power, n.name)
                          is distinct from (o.rarity, o.true_power, o.name)) then
    return null;
  end if;
  perform 1 from stardust.users u
   where u.user_id in (select i.user_id
                         from new_chars n join old_chars o on o.anilist_id = n.anilist_id
                         join stardust.inventory i on i.anilist_id = n.anilist_id
                        where (n.rarity, n.true_power, n.name)
                                is distinct from (o.rarity, o.true_power, o.name))
   order by u.user_id for no key update;
  update stardust.inventory i
     set char_rarity = n.rarity, char_power = n.true_power, char_name = n.name
    from new_chars n join old_chars o on o.anilist_id = n.anilist_id
   where i.anilist_id = n.anilist_id
     and (n.rarity, n.true_power, n.name) is distinct from (o.rarity, o.true_power, o.name);
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
