create or replace function stardust._fight(
  p_kind        text,
  p_attacker_id bigint,
  p_defender_id bigint,
  p_context     jsonb,
  p_attacker    jsonb,
  p_defender    jsonb,
  p_request_id  text,
  p_seed        bigint default null)
returns stardust.battles
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- The one way a battle is fought and recorded, whatever its kind: a fresh seed, the skill
-- definitions and options of the moment (stored, so replays are exact), the engine, a row.
declare
  v_seed    bigint := coalesce(p_seed, floor(random() * 4503599627370496)::bigint);
  v_skills  jsonb;
  v_options jsonb := jsonb_build_object('variance', stardust._setting('battle_variance'));
  v_result  jsonb;
  v_row     stardust.battles;
begin
  select coalesce(jsonb_object_agg(s.name, to_jsonb(s) - 'name' - 'description'), '{}')
    into v_skills
    from stardust.skills s
   where s.name in (select jsonb_array_elements_text(u -> 'skills')
                      from jsonb_array_elements(p_attacker || p_defender) u);
  v_result := stardust._battle(v_seed, p_attacker, p_defender, v_skills, v_options);
  insert into stardust.battles (kind, attacker_id, defender_id, context, seed, attacker,
                                defender, skills, result, outcome, request_id)
  values (p_kind, p_attacker_id, p_defender_id, p_context || jsonb_build_object('options',
          v_options), v_seed, p_attacker, p_defender, v_skills, v_result,
          v_result ->> 'outcome', p_request_id)
  returning * into v_row;
  return v_row;
end
$$;
revoke all on function stardust._fight(text, bigint, bigint, jsonb, jsonb, jsonb, text, bigint) from public;
comment on function stardust._fight(text, bigint, bigint, jsonb, jsonb, jsonb, text, bigint) is
  'Internal: fight and record one battle (npc, pvp, bounty, raid); returns the battles row.';
