create or replace function stardust.search_units(
  p_user_id bigint,
  p_query   text default '',
  p_limit   integer default 25)
returns table (inventory_id bigint, name text, rarity text, dupe_level integer,
               is_locked boolean, in_team boolean)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  select stardust._check_range(p_limit, 1, 25, 'The number of suggestions');
  -- for autocomplete: the user's units whose name contains the query, best units first
  select i.id, c.name, c.rarity, i.dupe_level::integer, i.is_locked, i.team_slot is not null
    from stardust.inventory i
    join stardust.characters c on c.anilist_id = i.anilist_id
   where i.user_id = p_user_id
     and c.name ilike '%' || replace(replace(replace(coalesce(p_query, ''), '\', '\\'),
                                             '%', '\%'), '_', '\_') || '%'
   order by case c.rarity when 'SSR' then 0 when 'SR' then 1 else 2 end, i.dupe_level desc,
            c.name, i.id
   limit p_limit
$$;
revoke all on function stardust.search_units(bigint, text, integer) from public;
grant execute on function stardust.search_units(bigint, text, integer) to stardust_bot;
comment on function stardust.search_units(bigint, text, integer) is
  E'Up to 25 of the user''s units whose name contains p_query (case-insensitive), rarest '
  'first: the choices of a unit autocomplete.\n'
  'select * from stardust.search_units(p_user_id => 42, p_query => ''fri'');';
