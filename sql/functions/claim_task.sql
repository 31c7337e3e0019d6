create or replace function stardust.claim_task(p_user_id bigint, p_task text,
                                               p_request_id text default null)
returns table (task text, gems bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_args   jsonb := jsonb_build_object('task', p_task);
  v_result jsonb;
  v_state  record;
begin
  if not exists (select 1 from stardust.daily_task_defs d where d.task = p_task) then
    raise exception 'Unknown task %', coalesce(p_task, 'NULL') using errcode = 'SDARG',
      hint = 'easy, normal, hard, expert, nightmare, hell or pvp.';
  end if;
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'claim_task', v_args);
  if v_result is null then
    select * into v_state from stardust.daily_tasks(p_user_id) t where t.task = p_task;
    if v_state.claimed then
      raise exception 'Task % already claimed today', p_task using errcode = 'SDDON',
        hint = 'Tasks reset at 00:00 UTC.';
    end if;
    if not v_state.done then
      raise exception 'Task % is not done yet: %', p_task, lower(v_state.description)
        using errcode = 'SDARG', hint = 'Win the battle first, then claim.';
    end if;
    v_result := stardust._claim_tasks(p_user_id, array[p_task], p_request_id);
    perform stardust._idem_put(p_user_id, p_request_id, 'claim_task', v_args, v_result);
  end if;
  return query select x ->> 'task', (x ->> 'gems')::bigint
                 from jsonb_array_elements(v_result) x;
end
$$;
revoke all on function stardust.claim_task(bigint, text, text) from public;
grant execute on function stardust.claim_task(bigint, text, text) to stardust_bot;
comment on function stardust.claim_task(bigint, text, text) is
  E'Claim one done daily task (at most once per UTC day). SDARG unknown or not done, SDDON '
  'already claimed.\nselect * from stardust.claim_task(p_user_id => 42, p_task => ''hard'');';
