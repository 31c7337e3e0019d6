create or replace function stardust._users_team_level()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- The team level multiplies every unit's power: when it changes (expeditions' team XP, an
-- admin), users.team_power is recomputed from the (at most 5) team units in the same update.
begin
  new.team_power := coalesce((select sum(stardust.unit_power(i.char_power, i.dupe_level,
                                                             i.bond_level, new.team_level))
                                from stardust.inventory i
                               where i.user_id = new.user_id and i.team_slot is not null), 0);
  return new;
end
$$;
revoke all on function stardust._users_team_level() from public;
comment on function stardust._users_team_level() is
  'Trigger: recomputes users.team_power when users.team_level changes.';

create or replace trigger users_team_level
  before update of team_level on stardust.users
  for each row
  when (old.team_level is distinct from new.team_level)
  execute function stardust._users_team_level();
