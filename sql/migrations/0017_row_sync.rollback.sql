drop trigger if exists inventory_sync_row on stardust.inventory;
drop function if exists stardust._inventory_sync_row();
create or replace trigger inventory_sync_update
  after update on stardust.inventory
  referencing old table as old_units new table as new_units
  for each statement execute function stardust._inventory_sync();
