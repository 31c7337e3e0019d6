create or replace function stardust.team_power(p_user_id bigint)
returns bigint
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  select coalesce(sum(stardust.unit_power(c.true_power, i.dupe_level, i.bond_level,
                                          u.team_level)), 0)::bigint
    from stardust.inventory i
    join stardust.characters c on c.anilist_id = i.anilist_id
    join stardust.users u on u.user_id = i.user_id
   where i.user_id = p_user_id and i.team_slot is not null
$$;
revoke all on function stardust.team_power(bigint) from public;
grant execute on function stardust.team_power(bigint) to stardust_bot;
comment on function stardust.team_power(bigint) is
  E'Sum of unit_power over the user''s (up to) 5 team units; 0 without a team. Battle '
  'skills and variance apply in battles only.\nselect stardust.team_power(p_user_id => 42);';
