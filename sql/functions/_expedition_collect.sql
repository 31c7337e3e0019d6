create or replace function stardust._expedition_collect(p_user_id bigint, p_request_id text,
                                                        p_stop boolean)
returns table (gems bigint, xp bigint, hours numeric, team_level integer, level_ups integer,
               stopped boolean)
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- claim (p_stop false: at least expedition_min_claim_seconds after the last one) or stop
-- (any time): pay the gems accrued since the last claim, add the team XP, restart the clock
declare
  v_fn     text := case when p_stop then 'expedition_stop' else 'expedition_claim' end;
  v_result jsonb;
  v_exp    stardust.expeditions;
  v_y      record;
  v_lvl    record;
  v_wait   integer := (stardust._setting('expedition_min_claim_seconds'))::integer;
begin
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, v_fn, '{}'::jsonb);
  if v_result is null then
    select * into v_exp from stardust.expeditions e where e.user_id = p_user_id;
    if not found then
      raise exception 'You have no expedition out' using errcode = 'SDARG',
        hint = 'Send units with /expedition start.';
    end if;
    if not p_stop and stardust._now() < v_exp.last_claim_at + make_interval(secs => v_wait) then
      -- right after the start nothing was claimed yet: say so (detail: wait_seconds, started)
      raise exception '%', case when v_exp.last_claim_at = v_exp.started_at
                                then 'Your expedition set out moments ago'
                                else 'Claimed moments ago' end using errcode = 'SDDON',
        detail = format('wait_seconds=%s started=%s', ceil(extract(epoch from
                        v_exp.last_claim_at + make_interval(secs => v_wait) - stardust._now()))::integer,
                        (v_exp.last_claim_at = v_exp.started_at)::integer),
        hint = format('Claim again in %s s.', ceil(extract(epoch from
                      v_exp.last_claim_at + make_interval(secs => v_wait) - stardust._now()))::integer);
    end if;
    v_y := stardust._expedition_yield(p_user_id, v_exp.last_claim_at, stardust._now());
    perform stardust._credit(p_user_id, v_y.o_gems, 0, 'expedition', p_request_id);
    v_lvl := stardust._team_xp(p_user_id, v_y.o_xp);
    if p_stop then
      update stardust.inventory i set expedition_slot = null
       where i.user_id = p_user_id and i.expedition_slot is not null;
      delete from stardust.expeditions e where e.user_id = p_user_id;
    else
      update stardust.expeditions e set last_claim_at = stardust._now() where e.user_id = p_user_id;
    end if;
    if v_lvl.o_level_ups > 0 then
      perform stardust._achieve(p_user_id, array['team_power'], p_request_id);
    end if;
    v_result := jsonb_build_object('gems', v_y.o_gems, 'xp', v_y.o_xp,
                                   'hours', round(v_y.o_hours, 3), 'team_level', v_lvl.o_level,
                                   'level_ups', v_lvl.o_level_ups, 'stopped', p_stop);
    perform stardust._idem_put(p_user_id, p_request_id, v_fn, '{}'::jsonb, v_result);
  end if;
  return query select (v_result ->> 'gems')::bigint, (v_result ->> 'xp')::bigint,
                      (v_result ->> 'hours')::numeric, (v_result ->> 'team_level')::integer,
                      (v_result ->> 'level_ups')::integer, (v_result ->> 'stopped')::boolean;
end
$$;
revoke all on function stardust._expedition_collect(bigint, text, boolean) from public;
comment on function stardust._expedition_collect(bigint, text, boolean) is
  'Internal: expedition claim or stop: gems and team XP since the last claim.';
