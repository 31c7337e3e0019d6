create or replace function stardust._claim_tasks(p_user_id bigint, p_tasks text[],
                                                 p_request_id text)
returns jsonb
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Pay the given tasks if done and not yet claimed today (caller holds the user lock);
-- returns [{"task", "gems"}] of those paid, with one ledger row in all.
declare
  v_day  date := (stardust._now() at time zone 'UTC')::date;
  v_paid jsonb;
  v_sum  bigint;
begin
  with claimable as (
    select t.task, t.gems from stardust.daily_tasks(p_user_id) t
     where t.task = any(p_tasks) and t.done and not t.claimed
  ), ins as (
    insert into stardust.task_claims (user_id, day, task, gems)
    select p_user_id, v_day, c.task, c.gems from claimable c
    on conflict do nothing
    returning task, gems
  )
  select coalesce(jsonb_agg(jsonb_build_object('task', i.task, 'gems', i.gems)
                            order by d.sort), '[]'::jsonb), coalesce(sum(i.gems), 0)
    into v_paid, v_sum
    from ins i join stardust.daily_task_defs d on d.task = i.task;
  perform stardust._credit(p_user_id, v_sum, 0, 'daily_task', p_request_id);
  return v_paid;
end
$$;
revoke all on function stardust._claim_tasks(bigint, text[], text) from public;
comment on function stardust._claim_tasks(bigint, text[], text) is
  'Internal: pay done, unclaimed daily tasks (at most once per UTC day each).';
