create or replace function stardust.leaderboard(p_kind text default 'team_power',
                                                p_limit integer default 10)
returns table (rank bigint, user_id bigint, value bigint)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'Show 1 to 100 rows, got %', coalesce(p_limit::text, 'NULL')
      using errcode = 'SDARG', hint = 'p_limit => 10';
  end if;
  if p_kind = 'team_power' then
    return query
    select rank() over (order by t.power desc), t.user_id, t.power
      from (select i.user_id,
                   sum(stardust.unit_power(c.true_power, i.dupe_level, i.bond_level,
                                           u.team_level))::bigint as power
              from stardust.inventory i
              join stardust.characters c on c.anilist_id = i.anilist_id
              join stardust.users u on u.user_id = i.user_id
             where i.team_slot is not null
             group by i.user_id) t
     order by t.power desc, t.user_id
     limit p_limit;
  elsif p_kind = 'collection' then
    return query
    select rank() over (order by t.n desc), t.user_id, t.n
      from (select i.user_id, count(*) as n from stardust.inventory i group by i.user_id) t
     order by t.n desc, t.user_id
     limit p_limit;
  else
    raise exception 'Unknown leaderboard %', coalesce(p_kind, 'NULL') using errcode = 'SDARG',
      hint = 'team_power or collection.';
  end if;
end
$$;
revoke all on function stardust.leaderboard(text, integer) from public;
grant execute on function stardust.leaderboard(text, integer) to stardust_bot;
comment on function stardust.leaderboard(text, integer) is
  E'The top players by team_power (their current team) or collection (units owned); ties '
  'share a rank. SDARG unknown kind or p_limit outside 1-100.\n'
  'select * from stardust.leaderboard(p_kind => ''team_power'', p_limit => 10);';
