create or replace function stardust.claim_all_tasks(p_user_id bigint,
                                                    p_request_id text default null)
returns table (task text, gems bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_result jsonb;
begin
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'claim_all_tasks', '{}'::jsonb);
  if v_result is null then
    v_result := stardust._claim_tasks(p_user_id, array(select d.task from
                                                        stardust.daily_task_defs d),
                                      p_request_id);
    perform stardust._idem_put(p_user_id, p_request_id, 'claim_all_tasks', '{}'::jsonb,
                               v_result);
  end if;
  return query select x ->> 'task', (x ->> 'gems')::bigint
                 from jsonb_array_elements(v_result) x;
end
$$;
revoke all on function stardust.claim_all_tasks(bigint, text) from public;
grant execute on function stardust.claim_all_tasks(bigint, text) to stardust_bot;
comment on function stardust.claim_all_tasks(bigint, text) is
  E'Claim every done, unclaimed daily task at once; returns those paid (none is not an '
  'error).\nselect * from stardust.claim_all_tasks(p_user_id => 42);';
