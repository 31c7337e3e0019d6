create or replace function stardust.daily_tasks(p_user_id bigint)
returns table (task text, description text, gems bigint, done boolean, claimed boolean)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  -- an NPC task is done by a WIN at that difficulty this UTC day; pvp by any PvP battle
  with today as (
    select (stardust._now() at time zone 'UTC')::date as day,
           (date_trunc('day', stardust._now() at time zone 'UTC')) at time zone 'UTC' as since
  )
  select d.task, d.description, d.gems,
         exists (select 1 from stardust.battles b
                  where b.attacker_id = p_user_id and b.fought_at >= t.since
                    and ((d.task = 'pvp' and b.kind = 'pvp')
                         or (b.kind = 'npc' and b.outcome = 'WIN'
                             and b.context ->> 'difficulty' = d.task))),
         exists (select 1 from stardust.task_claims c
                  where c.user_id = p_user_id and c.day = t.day and c.task = d.task)
    from stardust.daily_task_defs d cross join today t
   order by d.sort
$$;
revoke all on function stardust.daily_tasks(bigint) from public;
grant execute on function stardust.daily_tasks(bigint) to stardust_bot;
comment on function stardust.daily_tasks(bigint) is
  E'Today''s battle tasks: win an NPC battle of each difficulty (easy 500 ... hell 5,000 '
  'gems) and fight a PvP battle (500); done and claimed per task.\n'
  'select * from stardust.daily_tasks(p_user_id => 42);';
