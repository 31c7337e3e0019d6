create or replace function stardust._inventory_fill()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- A unit carries its character's rarity, true power and name (the inventory's sorts and
-- filters are index scans on them). Fired only when the insert did not supply them (WHEN
-- clause) or the unit became another character; stardust._characters_sync keeps them in step
-- with catalogue changes.
begin
  select c.rarity, c.true_power, c.name into new.char_rarity, new.char_power, new.char_name
    from stardust.characters c
   where c.anilist_id = new.anilist_id;
  return new;
end
$$;
revoke all on function stardust._inventory_fill() from public;
comment on function stardust._inventory_fill() is
  'Trigger: copies the character''s rarity, true_power and name onto an inventory row.';

create or replace trigger inventory_fill
  before insert on stardust.inventory
  for each row
  when (new.char_rarity is null or new.char_power is null or new.char_name is null)
  execute function stardust._inventory_fill();
create or replace trigger inventory_fill_owner
  before update of anilist_id on stardust.inventory
  for each row
  when (old.anilist_id is distinct from new.anilist_id)
  execute function stardust._inventory_fill();
