create or replace function stardust._achieve(
  p_user_id    bigint,
  p_conditions text[],
  p_request_id text default null,
  p_announce   boolean default true)
returns text[]
language plpgsql volatile
set search_path = pg_catalog, pg_temp
-- planning the statement below costs more than running it (0.03 ms): plan it once per
-- session; and the collection count is a probe of the user's units, never a scan of the
-- inventory, whatever a plan made while it was small would guess (see _award)
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
as $$
-- Unlock (once) every achievement of these conditions whose threshold the user has reached,
-- paying its reward (one ledger row in all); returns the names unlocked now. Called by the
-- functions that change the state a condition measures, under the user's lock. A read
-- first: only the conditions with an achievement still locked are measured (team power and
-- collection size are computed only then); the write runs only when something is reached,
-- so the usual call, which unlocks nothing, is one read-only statement. What unlocks is
-- queued in stardust.notifications (in the same statement as the unlock) for the bot to
-- announce after the command (stardust.take_notifications), unless p_announce is false
-- (checkin returns its unlocks itself), and raised as a NOTICE for the SQL editor.
declare
  v_keys    text[];
  v_names   text[];
  v_rewards jsonb;
begin
  with pending as (
    select a.key, a.condition, a.threshold from stardust.achievements a
     where a.condition = any(p_conditions)
       and not exists (select 1 from stardust.user_achievements ua
                        where ua.user_id = p_user_id and ua.key = a.key)
  ), measured as (
    select c.condition,
           case c.condition
             when 'pulls_made' then u.pulls_made
             when 'ssr_pulled' then u.ssr_pulled
             when 'bounties_cleared' then u.bounties_cleared
             when 'ur_cleared' then u.ur_cleared
             when 'checkin_streak' then u.checkin_streak
             when 'team_power' then stardust.team_power(p_user_id)
             when 'collection' then (select count(*) from stardust.inventory i
                                      where i.user_id = p_user_id)
           end as value
      from (select distinct p.condition from pending p) c
     cross join stardust.users u
     where u.user_id = p_user_id
  )
  select array_agg(p.key) into v_keys
    from pending p join measured m on m.condition = p.condition
   where p.threshold <= m.value;
  if v_keys is null then
    return '{}'::text[];
  end if;
  with unlocked as (
    insert into stardust.user_achievements (user_id, key)
    select p_user_id, k from unnest(v_keys) k
    on conflict do nothing
    returning key
  ), announced as (
    insert into stardust.notifications (user_id, kind, payload)
    select p_user_id, 'achievement',
           jsonb_build_object('key', a.key, 'name', a.name, 'reward', a.reward)
      from unlocked x join stardust.achievements a on a.key = x.key
     where coalesce(p_announce, true)
     order by a.threshold, a.key
  )
  select array_agg(a.name order by a.threshold, a.key), jsonb_agg(a.reward)
    into v_names, v_rewards
    from unlocked x join stardust.achievements a on a.key = x.key;
  if v_names is null then
    return '{}'::text[];
  end if;
  raise notice 'Achievement unlocked by user %: %', p_user_id, array_to_string(v_names, ', ');
  perform stardust._give_rewards(p_user_id, (
    select jsonb_build_object(
             'gems', coalesce(sum((r ->> 'gems')::bigint), 0),
             'coins', coalesce(sum((r ->> 'coins')::bigint), 0),
             'items', (select coalesce(jsonb_object_agg(t.item, t.qty), '{}'::jsonb)
                         from (select i.key as item, sum(i.value::integer) as qty
                                 from jsonb_array_elements(v_rewards) x,
                                      jsonb_each_text(coalesce(x -> 'items', '{}'::jsonb)) i
                                group by i.key) t))
      from jsonb_array_elements(v_rewards) r), 'achievement', p_request_id);
  return v_names;
end
$$;
revoke all on function stardust._achieve(bigint, text[], text, boolean) from public;
comment on function stardust._achieve(bigint, text[], text, boolean) is
  'Internal: unlock and pay the achievements of these conditions that the user has reached; '
  'queue them in stardust.notifications unless p_announce is false.';
