create or replace function stardust._team_units(p_user_id bigint)
returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  -- the user's team as battle units, by slot, each at its unit_power
  select coalesce(jsonb_agg(jsonb_build_object(
           'key', 'inv:' || i.id, 'slot', i.team_slot, 'anilist_id', i.anilist_id,
           'name', c.name, 'rarity', c.rarity,
           'power', stardust.unit_power(c.true_power, i.dupe_level, i.bond_level, u.team_level),
           'skills', to_jsonb(c.ability_tags)) order by i.team_slot), '[]'::jsonb)
    from stardust.inventory i
    join stardust.characters c on c.anilist_id = i.anilist_id
    join stardust.users u on u.user_id = i.user_id
   where i.user_id = p_user_id and i.team_slot is not null
$$;
revoke all on function stardust._team_units(bigint) from public;
comment on function stardust._team_units(bigint) is
  'Internal: the user''s team as battle units (power from unit_power, skills from the catalogue).';
