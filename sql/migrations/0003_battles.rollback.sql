-- Drop the functions that use what 0003 created (redeployed by the next migrate).
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'stardust'::regnamespace
       and p.prosrc ~ '\m(skills|items|user_items|team_presets|battles|guilds|bounty_boards|bounty_slots|bounty_clears|_battle|_battle_rng|_fight|_team_units|_bounty_board|_keys_now|bond_cap|preset_max)\M'
  loop
    execute format('drop function %s', f);
  end loop;
end
$$;
delete from stardust.settings where key in ('battle_variance', 'bounty_keys_max',
  'bounty_key_minutes', 'bounty_board_minutes', 'bounty_ur_chance', 'bounty_power',
  'bounty_rewards', 'bounty_ur_gems', 'bounty_ur_coins', 'bond_cap', 'preset_max');
alter table stardust.guilds drop constraint guilds_board_fk;
drop table stardust.bounty_clears;
drop table stardust.bounty_slots;
drop table stardust.bounty_boards;
drop table stardust.guilds;
drop table stardust.battles;
drop table stardust.team_presets;
drop table stardust.user_items;
drop table stardust.items;
drop table stardust.skills;
comment on column stardust.inventory.bond_exp is null;
