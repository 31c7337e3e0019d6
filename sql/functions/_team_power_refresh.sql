create or replace function stardust._team_power_refresh(p_user_ids bigint[])
returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- users.team_power recounted from the team's units (at most 5 rows a player) for these
-- players, in ascending user_id order, writing only the values that changed. Called by the
-- inventory triggers when a team member came, went or changed power. A join, index probes
-- per player: `= any(p_user_ids)` over a long array would scan the array once per inventory
-- row, quadratic for a bulk insert.
begin
  update stardust.users u
     set team_power = t.p
    from (select v.user_id,
                 coalesce(sum(stardust.unit_power(i.char_power, i.dupe_level, i.bond_level,
                                                  u2.team_level)), 0)::bigint as p
            from (select distinct x.user_id from unnest(p_user_ids) x(user_id)
                   where x.user_id is not null) v
            join stardust.users u2 on u2.user_id = v.user_id
            left join stardust.inventory i
              on i.user_id = v.user_id and i.team_slot is not null
           group by v.user_id
           order by v.user_id) t
   where u.user_id = t.user_id and u.team_power is distinct from t.p;
end
$$;
revoke all on function stardust._team_power_refresh(bigint[]) from public;
comment on function stardust._team_power_refresh(bigint[]) is
  'Internal: recount users.team_power of these players from their team units (inventory '
  'triggers).';
