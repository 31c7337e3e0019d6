create or replace function stardust.inventory(
  p_user_id bigint,
  p_sort    text default 'date',
  p_rarity  text default null,
  p_limit   integer default 50,
  p_offset  integer default 0)
returns table (inventory_id bigint, anilist_id integer, name text, series text, rarity text,
               dupe_level integer, bond_level integer, is_locked boolean, power bigint,
               obtained_at timestamptz, image_url text, in_team boolean,
               on_expedition boolean, total bigint)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_user_id is null or p_user_id <= 0 then
    raise exception 'Invalid user id %', coalesce(p_user_id::text, 'NULL')
      using errcode = 'SDARG', hint = 'User ids are Discord snowflakes.';
  end if;
  if p_sort is null or p_sort not in ('date', 'power', 'rarity', 'name', 'dupes') then
    raise exception 'Unknown sort %', coalesce(p_sort, 'NULL') using errcode = 'SDARG',
      hint = 'Sort by date, power, rarity, name or dupes.';
  end if;
  if p_rarity is not null and p_rarity not in ('R', 'SR', 'SSR') then
    raise exception 'Unknown rarity %', p_rarity using errcode = 'SDARG',
      hint = 'Rarity is R, SR or SSR.';
  end if;
  if p_limit is null or p_limit not between 1 and 100 or p_offset is null or p_offset < 0 then
    raise exception 'Page must have 1-100 rows and a non-negative offset'
      using errcode = 'SDARG', hint = 'p_limit => 25, p_offset => 0.';
  end if;
  return query
  with units as (
    select i.id, i.anilist_id, c.name, c.series, c.rarity, i.dupe_level::integer as dupe,
           i.bond_level::integer as bond, i.is_locked, c.image_url, i.obtained_at,
           stardust.unit_power(c.true_power, i.dupe_level, i.bond_level, u.team_level) as pw,
           i.team_slot is not null as in_team, i.expedition_slot is not null as away
      from stardust.inventory i
      join stardust.characters c on c.anilist_id = i.anilist_id
      join stardust.users u on u.user_id = i.user_id
     where i.user_id = p_user_id
       and (p_rarity is null or c.rarity = p_rarity)
  )
  select x.id, x.anilist_id, x.name, x.series, x.rarity, x.dupe, x.bond, x.is_locked, x.pw,
         x.obtained_at, x.image_url, x.in_team, x.away, count(*) over ()
    from units x
   order by
     case when p_sort = 'rarity' then case x.rarity when 'SSR' then 3 when 'SR' then 2 else 1 end
     end desc nulls last,
     case when p_sort in ('power', 'rarity') then x.pw end desc nulls last,
     case when p_sort = 'name' then x.name end asc nulls last,
     case when p_sort = 'dupes' then x.dupe end desc nulls last,
     x.obtained_at desc, x.id desc
   limit p_limit offset p_offset;
end
$$;
revoke all on function stardust.inventory(bigint, text, text, integer, integer) from public;
grant execute on function stardust.inventory(bigint, text, text, integer, integer) to stardust_bot;
comment on function stardust.inventory(bigint, text, text, integer, integer) is
  E'A page of the user''s units with their power (unit_power), sorted by date (newest '
  'first), power, rarity, name or dupes, optionally one rarity; total = rows on all pages.\n'
  'select * from stardust.inventory(p_user_id => 42, p_sort => ''power'', p_limit => 10);';
