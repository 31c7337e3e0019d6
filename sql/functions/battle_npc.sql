create or replace function stardust.battle_npc(
  p_user_id    bigint,
  p_difficulty text,
  p_request_id text default null)
returns table (battle_id bigint, outcome text, team_power bigint, enemy_power bigint,
               difficulty text, details jsonb)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_args   jsonb := jsonb_build_object('difficulty', p_difficulty);
  v_result jsonb;
  v_team   jsonb;
  v_seed   bigint := floor(random() * 4503599627370496)::bigint;
  v_battle stardust.battles;
begin
  if p_difficulty is null
     or p_difficulty not in ('easy', 'normal', 'hard', 'expert', 'nightmare', 'hell') then
    raise exception 'Unknown difficulty %', coalesce(p_difficulty, 'NULL')
      using errcode = 'SDARG', hint = 'easy, normal, hard, expert, nightmare or hell.';
  end if;
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'battle_npc', v_args);
  if v_result is null then
    v_team := stardust._fighting_team(p_user_id);
    v_battle := stardust._fight('npc', p_user_id, null,
                                jsonb_build_object('difficulty', p_difficulty), v_team,
                                stardust._npc_team(p_difficulty, v_seed), p_request_id, v_seed);
    v_result := jsonb_build_object('battle_id', v_battle.id, 'outcome', v_battle.outcome,
                                   'team_power', v_battle.result -> 'attacker_power',
                                   'enemy_power', v_battle.result -> 'defender_power',
                                   'difficulty', p_difficulty);
    perform stardust._idem_put(p_user_id, p_request_id, 'battle_npc', v_args, v_result);
  end if;
  return query select (v_result ->> 'battle_id')::bigint, v_result ->> 'outcome',
                      (v_result ->> 'team_power')::bigint, (v_result ->> 'enemy_power')::bigint,
                      v_result ->> 'difficulty',
                      (select jsonb_build_object('units', b.result -> 'units', 'events', b.result -> 'events')
                         from stardust.battles b where b.id = (v_result ->> 'battle_id')::bigint);
end
$$;
revoke all on function stardust.battle_npc(bigint, text, text) from public;
grant execute on function stardust.battle_npc(bigint, text, text) to stardust_bot;
comment on function stardust.battle_npc(bigint, text, text) is
  E'Fight an NPC team of a difficulty (easy, normal, hard, expert, nightmare, hell) with your '
  'team; recorded for battle_log/replay_battle (and daily tasks); details = its units and '
  'skill events. SDTEM empty team, SDARG '
  'unknown difficulty.\nselect * from stardust.battle_npc(p_user_id => 42, p_difficulty => ''hard'');';
