create or replace function stardust.leaderboard(p_kind text default 'team_power',
                                                p_limit integer default 10)
returns table (rank bigint, user_id bigint, value bigint)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- Reads users.team_power / users.units_total (kept exact by triggers) down an index: the
-- first p_limit rows, whatever the number of players. Ranks within the top rows are exact
-- (a rank depends only on the rows above it).
begin
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'Show 1 to 100 rows, got %', coalesce(p_limit::text, 'NULL')
      using errcode = 'SDARG', hint = 'p_limit => 10';
  end if;
  if p_kind = 'team_power' then
    return query
    select rank() over (order by t.team_power desc), t.user_id, t.team_power
      from (select u.user_id, u.team_power from stardust.users u
             where u.team_power > 0                    -- a team (every unit has power)
             order by u.team_power desc, u.user_id
             limit p_limit) t
     order by t.team_power desc, t.user_id;
  elsif p_kind = 'collection' then
    return query
    select rank() over (order by t.units_total desc), t.user_id, t.units_total::bigint
      from (select u.user_id, u.units_total from stardust.users u
             where u.units_total > 0
             order by u.units_total desc, u.user_id
             limit p_limit) t
     order by t.units_total desc, t.user_id;
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
