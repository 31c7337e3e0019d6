create or replace function stardust.team_details(p_user_id bigint)
returns table (slot integer, inventory_id bigint, anilist_id integer, name text,
               rarity text, skills text[], power bigint, image_url text)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  select i.team_slot::integer, i.id, i.anilist_id, c.name, c.rarity, c.ability_tags,
         stardust.unit_power(c.true_power, i.dupe_level, i.bond_level, u.team_level),
         c.image_url
    from stardust.inventory i
    join stardust.characters c on c.anilist_id = i.anilist_id
    join stardust.users u on u.user_id = i.user_id
   where i.user_id = p_user_id and i.team_slot is not null
   order by i.team_slot
$$;
revoke all on function stardust.team_details(bigint) from public;
grant execute on function stardust.team_details(bigint) to stardust_bot;
comment on function stardust.team_details(bigint) is
  E'The user''s team by slot: unit, name, rarity, skills and unit power (their sum is '
  'team_power).\nselect * from stardust.team_details(p_user_id => 42);';
