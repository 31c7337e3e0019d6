drop trigger if exists inventory_fill on stardust.inventory;
drop trigger if exists inventory_fill_owner on stardust.inventory;
drop trigger if exists inventory_sync_insert on stardust.inventory;
drop trigger if exists inventory_sync_delete on stardust.inventory;
drop trigger if exists inventory_sync_update on stardust.inventory;
drop trigger if exists users_team_level on stardust.users;
drop trigger if exists characters_sync on stardust.characters;
drop function if exists stardust._inventory_fill();
drop function if exists stardust._inventory_sync();
drop function if exists stardust._team_power_refresh(bigint[]);
drop function if exists stardust._users_team_level();
drop function if exists stardust._characters_sync();
drop function if exists stardust._expedition_owned_bonus(bigint);
drop function if exists stardust.inventory(bigint, text, text, integer, integer, bigint, bigint);
alter table stardust.expeditions drop column owned_bonus;
drop index stardust.users_team_power_idx;
drop index stardust.users_units_idx;
drop index stardust.inventory_by_date;
drop index stardust.inventory_by_power;
drop index stardust.inventory_by_dupes;
drop index stardust.inventory_by_name;
drop index stardust.inventory_scrappable;
alter table stardust.inventory
  drop column power_key,
  drop constraint inventory_char_rarity_check,
  drop column char_rarity,
  drop column char_power,
  drop column char_name;
alter table stardust.users
  drop column units_total,
  drop column units_r,
  drop column units_sr,
  drop column units_ssr,
  drop column team_power;
