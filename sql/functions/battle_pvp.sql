create or replace function stardust.battle_pvp(
  p_user_id     bigint,
  p_opponent_id bigint,
  p_request_id  text default null)
returns table (battle_id bigint, outcome text, team_power bigint, enemy_power bigint,
               details jsonb)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- The opponent's team is read, not locked: a PvP battle changes nothing of theirs.
-- The one cross-player lock here, needed to record who was fought: the battles row's
-- foreign key to the opponent takes FOR KEY SHARE on their users row, which waits for
-- nothing they do (_lock_user takes FOR NO KEY UPDATE) and only holds off deleting them.
declare
  v_args   jsonb := jsonb_build_object('opponent', p_opponent_id);
  v_result jsonb;
  v_team   jsonb;
  v_enemy  jsonb;
  v_battle stardust.battles;
begin
  if p_opponent_id is null or p_opponent_id <= 0 or p_opponent_id = p_user_id then
    raise exception 'Pick another player to fight' using errcode = 'SDARG',
      hint = 'You cannot fight yourself.';
  end if;
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'battle_pvp', v_args);
  if v_result is null then
    v_team := stardust._fighting_team(p_user_id);
    -- the opponent's key, held until commit: an erase of the opponent (erase_user) waits
    -- for this battle to be recorded, or has already happened and leaves no team to fight
    perform 1 from stardust.users u where u.user_id = p_opponent_id for key share;
    v_enemy := stardust._team_units(p_opponent_id);
    if jsonb_array_length(v_enemy) = 0 then
      raise exception 'That player has no team' using errcode = 'SDTEM',
        detail = format('opponent=%s', p_opponent_id),
        hint = 'Challenge a player who has set a team.';
    end if;
    v_battle := stardust._fight('pvp', p_user_id, p_opponent_id, '{}', v_team, v_enemy,
                                p_request_id);
    v_result := jsonb_build_object('battle_id', v_battle.id, 'outcome', v_battle.outcome,
                                   'team_power', v_battle.result -> 'attacker_power',
                                   'enemy_power', v_battle.result -> 'defender_power');
    perform stardust._idem_put(p_user_id, p_request_id, 'battle_pvp', v_args, v_result);
  end if;
  return query select (v_result ->> 'battle_id')::bigint, v_result ->> 'outcome',
                      (v_result ->> 'team_power')::bigint, (v_result ->> 'enemy_power')::bigint,
                      (select jsonb_build_object('units', b.result -> 'units', 'events', b.result -> 'events')
                         from stardust.battles b where b.id = (v_result ->> 'battle_id')::bigint);
end
$$;
revoke all on function stardust.battle_pvp(bigint, bigint, text) from public;
grant execute on function stardust.battle_pvp(bigint, bigint, text) to stardust_bot;
comment on function stardust.battle_pvp(bigint, bigint, text) is
  E'Fight another player''s current team with yours (theirs is not changed). SDTEM when '
  'either team is empty, SDARG for yourself.\n'
  'select * from stardust.battle_pvp(p_user_id => 42, p_opponent_id => 43);';
