create or replace function stardust._raid_boss(p_raid stardust.raids, p_team jsonb)
returns jsonb
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- the boss fights as five units mirroring the attacking team's average unit power, so the
  -- skills that copy or swap an enemy's power (Sheep, Monkey) stay fair; it has no skills
  -- and its HP is not its power: damage is the team's final battle power
  select jsonb_agg(jsonb_build_object(
           'key', format('raid:%s:%s', p_raid.id, n), 'slot', n,
           'name', p_raid.name, 'rarity', 'UR',
           'power', greatest(1, (select sum((u ->> 'power')::bigint)
                                   from jsonb_array_elements(p_team) u)
                                / greatest(1, jsonb_array_length(p_team))),
           'skills', '[]'::jsonb) order by n)
    from generate_series(1, 5) n
$$;
revoke all on function stardust._raid_boss(stardust.raids, jsonb) from public;
comment on function stardust._raid_boss(stardust.raids, jsonb) is
  'Internal: a raid boss as battle units: five mirroring the team''s average unit power.';
