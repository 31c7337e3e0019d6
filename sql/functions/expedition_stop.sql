create or replace function stardust.expedition_stop(p_user_id bigint,
                                                    p_request_id text default null)
returns table (gems bigint, xp bigint, hours numeric, team_level integer, level_ups integer,
               stopped boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  return query select * from stardust._expedition_collect(p_user_id, p_request_id, true);
end
$$;
revoke all on function stardust.expedition_stop(bigint, text) from public;
grant execute on function stardust.expedition_stop(bigint, text) to stardust_bot;
comment on function stardust.expedition_stop(bigint, text) is
  E'Bring the units home, collecting what the expedition earned since the last claim.\n'
  'select * from stardust.expedition_stop(p_user_id => 42);';
