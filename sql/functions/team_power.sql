create or replace function stardust.team_power(p_user_id bigint)
returns bigint
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  -- kept exact on users by triggers (stardust._inventory_sync, _users_team_level,
  -- _characters_sync); 0 for a player who does not exist
  select coalesce((select u.team_power from stardust.users u where u.user_id = p_user_id), 0)
$$;
revoke all on function stardust.team_power(bigint) from public;
grant execute on function stardust.team_power(bigint) to stardust_bot;
comment on function stardust.team_power(bigint) is
  E'Sum of unit_power over the user''s (up to) 5 team units; 0 without a team. Battle '
  'skills and variance apply in battles only.\nselect stardust.team_power(p_user_id => 42);';
