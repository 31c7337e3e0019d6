create or replace function stardust.inventory(
  p_user_id bigint,
  p_sort    text default 'date',
  p_rarity  text default null,
  p_limit   integer default 50,
  p_offset  integer default 0,
  p_after   bigint default null,
  p_before  bigint default null)
returns table (inventory_id bigint, anilist_id integer, name text, series text, rarity text,
               dupe_level integer, bond_level integer, is_locked boolean, power bigint,
               obtained_at timestamptz, image_url text, in_team boolean,
               on_expedition boolean, total bigint)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- (the rows come from dynamic SQL, which plpgsql_check cannot follow to the OUT columns)
-- @plpgsql_check_options: extra_warnings = off
-- Every sort is an index range scan (sql/migrations/0015_flat_reads.sql: one index per sort,
-- (user_id, char_rarity, key..., obtained_at, id)): one rarity is one range; all rarities are
-- three ranges merged (the rarity sort: one backward scan). total comes from the counters on
-- users, never from counting the units. Keyset paging (p_after / p_before: the inventory id
-- of the last / first row shown) starts the range at that unit, so a deep page costs what
-- the first does; p_offset still skips rows (the SQL editor's pages), at the cost of reading
-- them.
declare
  v_keys  text[];
  v_desc  boolean[];
  v_rev   boolean := p_before is not null;
  v_cur   stardust.inventory;
  v_order text;
  v_page  text;                -- the page's own order (v_order is reversed for p_before)
  v_cond  text := 'true';
  v_arms  text[];
  v_sql   text;
  v_user  stardust.users;
  v_param constant jsonb := jsonb_build_object(
            'i.char_rarity', '$4', 'i.power_key', '$5', 'i.char_name', '$6',
            'i.dupe_level', '$7', 'i.obtained_at', '$8', 'i.id', '$9');
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
  if p_after is not null and p_before is not null then
    raise exception 'Page after one unit or before one, not both' using errcode = 'SDARG',
      hint = 'p_after => the last unit shown (next page), p_before => the first (previous).';
  end if;
  select * into v_user from stardust.users u where u.user_id = p_user_id;
  if not found then
    return;
  end if;
  if p_after is not null or p_before is not null then
    select * into v_cur from stardust.inventory i
     where i.id = coalesce(p_after, p_before) and i.user_id = p_user_id;
    if not found then
      raise exception 'Unit #% is not in this collection', coalesce(p_after, p_before)
        using errcode = 'SDOWN', hint = 'Start again from the first page.';
    end if;
  end if;

  -- the sort keys, each descending except the name
  v_keys := case p_sort
    when 'date'   then array['i.obtained_at', 'i.id']
    when 'power'  then array['i.power_key', 'i.obtained_at', 'i.id']
    when 'rarity' then array['i.char_rarity', 'i.power_key', 'i.obtained_at', 'i.id']
    when 'dupes'  then array['i.dupe_level', 'i.obtained_at', 'i.id']
    else array['i.char_name', 'i.obtained_at', 'i.id'] end;
  v_desc := case p_sort when 'name' then array[false, true, true]
                        else array_fill(true, array[cardinality(v_keys)]) end;
  -- a previous page reads the range the other way, then turns the rows round
  select string_agg(k.key || case when k.d <> v_rev then ' desc' else ' asc' end, ', '
                    order by k.ord)
    into v_order
    from unnest(v_keys, v_desc) with ordinality k(key, d, ord);
  select string_agg(replace(k.key, 'i.', 'p.') || case when k.d then ' desc' else ' asc' end,
                    ', ' order by k.ord)
    into v_page
    from unnest(v_keys, v_desc) with ordinality k(key, d, ord);
  if v_cur.id is not null then
    if p_sort = 'name' then
      -- mixed directions: the name bounds the range, the rest filters the one name
      v_cond := format('%1$s %2$s= $6 and (%1$s %2$s $6 or (i.obtained_at, i.id) %3$s ($8, $9))',
                       'i.char_name', case when v_rev then '<' else '>' end,
                       case when v_rev then '>' else '<' end);
    else
      v_cond := format('(%s) %s (%s)', array_to_string(v_keys, ', '),
                       case when v_rev then '>' else '<' end,
                       (select string_agg(v_param ->> k, ', ' order by o)
                          from unnest(v_keys) with ordinality x(k, o)));
    end if;
  end if;
  v_arms := case when p_rarity is not null then array[format('i.char_rarity = %L', p_rarity)]
                 when p_sort = 'rarity' then array['true']
                 else array['i.char_rarity = ''SSR''', 'i.char_rarity = ''SR''',
                            'i.char_rarity = ''R'''] end;
  select string_agg(format(
           '(select i.* from stardust.inventory i where i.user_id = $1 and %s and %s '
           'order by %s limit $2 + $3)', a, v_cond, v_order), ' union all ')
    into v_sql
    from unnest(v_arms) a;
  v_sql := format(
    'select p.id, p.anilist_id, p.char_name, c.series, p.char_rarity, p.dupe_level::integer, '
    '       p.bond_level::integer, p.is_locked, '
    '       stardust.unit_power(p.char_power, p.dupe_level, p.bond_level, $10), '
    '       p.obtained_at, c.image_url, p.team_slot is not null, '
    '       p.expedition_slot is not null, $11::bigint '
    '  from (select i.* from (%s) i order by %s limit $2 offset $3) p '
    '  join stardust.characters c on c.anilist_id = p.anilist_id '
    ' order by %s',
    v_sql, v_order, v_page);
  return query execute v_sql
    using p_user_id, p_limit, p_offset, v_cur.char_rarity, v_cur.power_key, v_cur.char_name,
          v_cur.dupe_level, v_cur.obtained_at, v_cur.id, v_user.team_level,
          case p_rarity when 'R' then v_user.units_r when 'SR' then v_user.units_sr
                        when 'SSR' then v_user.units_ssr else v_user.units_total end;
end
$$;
revoke all on function stardust.inventory(bigint, text, text, integer, integer, bigint, bigint) from public;
grant execute on function stardust.inventory(bigint, text, text, integer, integer, bigint, bigint) to stardust_bot;
comment on function stardust.inventory(bigint, text, text, integer, integer, bigint, bigint) is
  E'A page of the user''s units with their power (unit_power), sorted by date (newest '
  'first), power, rarity, name or dupes, optionally one rarity; total = rows on all pages. '
  'Pages by p_offset, or (cheaper deep down) by keyset: p_after => the inventory id of the '
  'last row shown gives the next page, p_before => the first row''s the previous one '
  '(SDOWN if that unit is no longer in the collection). Units of equal shown power keep the '
  'order of their exact, unrounded power.\n'
  'select * from stardust.inventory(p_user_id => 42, p_sort => ''power'', p_limit => 10);';
