create or replace function stardust._inventory_sync()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- @plpgsql_check_options: oldtable = old_units, newtable = new_units
-- Keeps users.units_total / units_r / units_sr / units_ssr and users.team_power exact in the
-- same transaction as every change to stardust.inventory, whoever makes it (pull's upsert,
-- scrap, mass_scrap, erase_user, an admin in the SQL editor). Inserts and deletes here:
-- statement-level, reading the transition tables, one users update per statement. Updates:
-- _inventory_sync_row, a row trigger that runs only for a unit changing hands or rarity or
-- a team member's change (an INSERT ... ON CONFLICT DO UPDATE lists only the rows it truly
-- inserted in new_units; the rows it updated go to the update trigger).
-- Game functions lock the user first, so the users update here waits for nothing. An admin
-- statement in the SQL editor touching several players' units holds their inventory rows
-- before this runs: run such statements when the game is quiet (a deadlock with a player's
-- command is detected and one of the two fails, changing nothing).
declare
  v_team bigint[];
begin
  if tg_op = 'INSERT' then
    update stardust.users u
       set units_total = u.units_total + d.n, units_r = u.units_r + d.r,
           units_sr = u.units_sr + d.sr, units_ssr = u.units_ssr + d.ssr
      from (select n.user_id, count(*)::integer as n,
                   count(*) filter (where n.char_rarity = 'R')::integer as r,
                   count(*) filter (where n.char_rarity = 'SR')::integer as sr,
                   count(*) filter (where n.char_rarity = 'SSR')::integer as ssr
              from new_units n
             where not n.precounted       -- counted by the inserting statement's caller
             group by n.user_id) d
     where u.user_id = d.user_id;
    v_team := array(select distinct n.user_id from new_units n where n.team_slot is not null);
  elsif tg_op = 'DELETE' then
    update stardust.users u
       set units_total = u.units_total - d.n, units_r = u.units_r - d.r,
           units_sr = u.units_sr - d.sr, units_ssr = u.units_ssr - d.ssr
      from (select o.user_id, count(*)::integer as n,
                   count(*) filter (where o.char_rarity = 'R')::integer as r,
                   count(*) filter (where o.char_rarity = 'SR')::integer as sr,
                   count(*) filter (where o.char_rarity = 'SSR')::integer as ssr
              from old_units o group by o.user_id) d
     where u.user_id = d.user_id;
    v_team := array(select distinct o.user_id from old_units o where o.team_slot is not null);
  else
    -- updates are _inventory_sync_row's (a row trigger since migration 0017); this function
    -- under an update trigger means that 0017 was rolled back without redeploying the
    -- functions of before it: refuse rather than let the counters drift
    raise exception 'Inventory updates are kept by stardust._inventory_sync_row'
      using errcode = 'P0001',
            hint = 'Deploy the sql/functions of the migration you rolled back to.';
  end if;
  if cardinality(v_team) > 0 then
    -- a team member came, went or changed power: recount that team (at most 5 rows each)
    perform stardust._team_power_refresh(v_team);
  end if;
  return null;
end
$$;
revoke all on function stardust._inventory_sync() from public;
comment on function stardust._inventory_sync() is
  'Trigger (statement, transition tables): keeps users'' unit counters and team_power '
  'exact after any insert, delete or update of stardust.inventory.';

create or replace trigger inventory_sync_insert
  after insert on stardust.inventory
  referencing new table as new_units
  for each statement execute function stardust._inventory_sync();
create or replace trigger inventory_sync_delete
  after delete on stardust.inventory
  referencing old table as old_units
  for each statement execute function stardust._inventory_sync();
