create or replace function stardust.get_unit(p_user_id bigint, p_inventory_id bigint)
returns table (inventory_id bigint, anilist_id integer, name text, series text, rarity text,
               dupe_level integer, bond_level integer, is_locked boolean, power bigint,
               obtained_at timestamptz, image_url text, in_team boolean,
               on_expedition boolean, skills text[])
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  perform stardust._valid_id(p_user_id);         -- SDARG: no user has this id
  return query
  select i.id, i.anilist_id, c.name, c.series, c.rarity, i.dupe_level::integer,
         i.bond_level::integer, i.is_locked,
         stardust.unit_power(c.true_power, i.dupe_level, i.bond_level, u.team_level),
         i.obtained_at, c.image_url, i.team_slot is not null, i.expedition_slot is not null,
         c.ability_tags
    from stardust.inventory i
    join stardust.characters c on c.anilist_id = i.anilist_id
    join stardust.users u on u.user_id = i.user_id
   where i.id = p_inventory_id and i.user_id = p_user_id;
  if not found then
    raise exception 'Unit #% is not yours', coalesce(p_inventory_id::text, 'NULL')
      using errcode = 'SDOWN', hint = 'See your units with /inventory.';
  end if;
end
$$;
revoke all on function stardust.get_unit(bigint, bigint) from public;
grant execute on function stardust.get_unit(bigint, bigint) to stardust_bot;
comment on function stardust.get_unit(bigint, bigint) is
  E'One of the user''s units with its power and skills; SDOWN if it is not theirs.\n'
  'select * from stardust.get_unit(p_user_id => 42, p_inventory_id => 17);';
