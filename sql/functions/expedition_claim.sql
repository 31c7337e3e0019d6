create or replace function stardust.expedition_claim(p_user_id bigint,
                                                     p_request_id text default null)
returns table (gems bigint, xp bigint, hours numeric, team_level integer, level_ups integer,
               stopped boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  return query select * from stardust._expedition_collect(p_user_id, p_request_id, false);
end
$$;
revoke all on function stardust.expedition_claim(bigint, text) from public;
grant execute on function stardust.expedition_claim(bigint, text) to stardust_bot;
comment on function stardust.expedition_claim(bigint, text) is
  E'Collect an expedition''s gems (at least 60 s after the last claim) and its team XP (1 '
  'per minute; level L -> L + 1 needs L^2 x 100); the clock restarts. SDARG without an '
  'expedition, SDDON too soon.\nselect * from stardust.expedition_claim(p_user_id => 42);';
