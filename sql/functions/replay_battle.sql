create or replace function stardust.replay_battle(p_battle_id bigint)
returns table (battle_id bigint, outcome text, team_power numeric, enemy_power numeric,
               identical boolean, result jsonb)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- Fight a stored battle again from what was stored (sides, seed, skill definitions,
-- options): the result must be identical, bit for bit.
declare
  v_b      stardust.battles;
  v_result jsonb;
begin
  select * into v_b from stardust.battles b where b.id = p_battle_id;
  if not found then
    raise exception 'Battle % does not exist', coalesce(p_battle_id::text, 'NULL')
      using errcode = 'SDARG', hint = 'Battle ids are shown with every fight.';
  end if;
  v_result := stardust._battle(v_b.seed, v_b.attacker, v_b.defender, v_b.skills,
                               v_b.context -> 'options');
  return query select v_b.id, v_result ->> 'outcome',
                      (v_result ->> 'attacker_power')::numeric,
                      (v_result ->> 'defender_power')::numeric, v_result = v_b.result, v_result;
end
$$;
revoke all on function stardust.replay_battle(bigint) from public;
grant execute on function stardust.replay_battle(bigint) to stardust_bot;
comment on function stardust.replay_battle(bigint) is
  E'Replay a stored battle from its seed, sides and skill definitions; identical says whether '
  'the replay reproduced it exactly.\nselect * from stardust.replay_battle(p_battle_id => 7);';
