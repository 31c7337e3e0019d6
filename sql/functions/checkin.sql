create or replace function stardust.checkin(p_user_id bigint, p_request_id text default null)
returns table (gems bigint, streak integer, next_reset timestamptz, achievements text[])
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Once per UTC day; the streak grows on consecutive days and starts again after a gap.
declare
  v_user   stardust.users;
  v_result jsonb;
  v_today  date := (stardust._now() at time zone 'UTC')::date;
  v_gems   bigint := (stardust._setting('checkin_gems'))::bigint;
  v_streak integer;
  v_new    text[];
begin
  v_user := stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'checkin', '{}'::jsonb);
  if v_result is null then
    if v_user.last_checkin = v_today then
      raise exception 'Already checked in today' using errcode = 'SDDON',
        hint = format('The next check-in opens at %s UTC (in %s).',
                      to_char(v_today + 1, 'YYYY-MM-DD 00:00'),
                      to_char(((v_today + 1)::timestamp at time zone 'UTC') - stardust._now(), 'HH24"h"MI"m"'));
    end if;
    v_streak := case when v_user.last_checkin = v_today - 1 then v_user.checkin_streak + 1 else 1 end;
    update stardust.users u set last_checkin = v_today, checkin_streak = v_streak
     where u.user_id = p_user_id;
    perform stardust._credit(p_user_id, v_gems, 0, 'checkin', p_request_id);
    -- the result lists what unlocked: not queued for announcing a second time
    v_new := stardust._achieve(p_user_id, array['checkin_streak'], p_request_id,
                               p_announce => false);
    v_result := jsonb_build_object('gems', v_gems, 'streak', v_streak,
                                   'next_reset', (v_today + 1)::timestamp at time zone 'UTC',
                                   'achievements', to_jsonb(v_new));
    perform stardust._idem_put(p_user_id, p_request_id, 'checkin', '{}'::jsonb, v_result);
  end if;
  return query select (v_result ->> 'gems')::bigint, (v_result ->> 'streak')::integer,
                      -- stored: a retry after midnight shows the first call's reset
                      coalesce((v_result ->> 'next_reset')::timestamptz,
                               (v_today + 1)::timestamp at time zone 'UTC'),
                      array(select jsonb_array_elements_text(v_result -> 'achievements'));
end
$$;
revoke all on function stardust.checkin(bigint, text) from public;
grant execute on function stardust.checkin(bigint, text) to stardust_bot;
comment on function stardust.checkin(bigint, text) is
  E'The daily check-in: +1,500 gems (checkin_gems) once per UTC day; the streak grows on '
  'consecutive days and restarts after a gap. SDDON (with the next reset) if already done.\n'
  'select * from stardust.checkin(p_user_id => 42);';
