create or replace function stardust._achieve(
  p_user_id    bigint,
  p_conditions text[],
  p_request_id text default null)
returns text[]
language plpgsql volatile
set search_path = ''
as $$
-- Unlock (once) every achievement of these conditions whose threshold the user has reached,
-- paying its reward (one ledger row in all); returns the names unlocked now. Called by the
-- functions that change the state a condition measures, under the user's lock. A condition
-- whose achievements are all unlocked costs nothing to evaluate.
declare
  v_need   text[];
  v_user   stardust.users;
  v_values jsonb;
  v_row    record;
  v_gems   bigint := 0;
  v_coins  bigint := 0;
  v_names  text[] := '{}'::text[];
  v_item   record;
  v_items  jsonb := '{}'::jsonb;
begin
  select array_agg(distinct a.condition) into v_need
    from stardust.achievements a
   where a.condition = any(p_conditions)
     and not exists (select 1 from stardust.user_achievements ua
                      where ua.user_id = p_user_id and ua.key = a.key);
  if v_need is null then
    return v_names;
  end if;
  select * into v_user from stardust.users u where u.user_id = p_user_id;
  v_values := jsonb_build_object(
    'pulls_made', v_user.pulls_made, 'ssr_pulled', v_user.ssr_pulled,
    'bounties_cleared', v_user.bounties_cleared, 'ur_cleared', v_user.ur_cleared,
    'checkin_streak', v_user.checkin_streak,
    'team_power', case when 'team_power' = any(v_need) then stardust.team_power(p_user_id) end,
    'collection', case when 'collection' = any(v_need)
                       then (select count(*) from stardust.inventory i where i.user_id = p_user_id)
                  end);
  for v_row in
    with unlocked as (
      insert into stardust.user_achievements (user_id, key)
      select p_user_id, a.key from stardust.achievements a
       where a.condition = any(v_need)
         and a.threshold <= (v_values ->> a.condition)::bigint
         and not exists (select 1 from stardust.user_achievements ua
                          where ua.user_id = p_user_id and ua.key = a.key)
      on conflict do nothing
      returning key
    )
    select a.name, a.reward from unlocked x join stardust.achievements a on a.key = x.key
     order by a.threshold, a.key
  loop
    v_names := v_names || v_row.name;
    v_gems := v_gems + coalesce((v_row.reward ->> 'gems')::bigint, 0);
    v_coins := v_coins + coalesce((v_row.reward ->> 'coins')::bigint, 0);
    for v_item in select * from jsonb_each_text(coalesce(v_row.reward -> 'items', '{}'::jsonb)) loop
      v_items := jsonb_set(v_items, array[v_item.key],
                           to_jsonb(coalesce((v_items ->> v_item.key)::integer, 0)
                                    + v_item.value::integer));
    end loop;
  end loop;
  perform stardust._give_rewards(p_user_id, jsonb_build_object('gems', v_gems, 'coins', v_coins,
                                                               'items', v_items),
                                 'achievement', p_request_id);
  return v_names;
end
$$;
revoke all on function stardust._achieve(bigint, text[], text) from public;
comment on function stardust._achieve(bigint, text[], text) is
  'Internal: unlock and pay the achievements of these conditions that the user has reached.';
