create or replace function stardust._npc_team(p_difficulty text, p_seed bigint)
returns jsonb
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
-- The NPC team of a difficulty (SKILLS.md), drawn from the catalogue with the battle's own
-- generator (draws 1,000,000+, apart from the battle's): easy 5 R, normal 3 R + 2 SR, hard
-- 5 SR, expert 2 SSR + 2 SR + 1 R, nightmare 3 SSR + 2 SR, hell 2 SSR from ranks 1-50 +
-- 3 SSR. Units fight at dupe 0, bond 1, team level 1, with their catalogue skills.
declare
  v_plan   text[] := case p_difficulty
                       when 'easy' then array['R', 'R', 'R', 'R', 'R']
                       when 'normal' then array['R', 'R', 'R', 'SR', 'SR']
                       when 'hard' then array['SR', 'SR', 'SR', 'SR', 'SR']
                       when 'expert' then array['SSR', 'SSR', 'SR', 'SR', 'R']
                       when 'nightmare' then array['SSR', 'SSR', 'SSR', 'SR', 'SR']
                       when 'hell' then array['TOP', 'TOP', 'SSR', 'SSR', 'SSR']
                     end;
  v_pool   integer[];
  v_picked integer[] := '{}'::integer[];
  v_pick   integer;
  v_team   jsonb  := '[]'::jsonb;
  v_char   record;
  v_draw   integer := 1000000;
begin
  if v_plan is null then
    raise exception 'Unknown difficulty %', coalesce(p_difficulty, 'NULL')
      using errcode = 'SDARG', hint = 'easy, normal, hard, expert, nightmare or hell.';
  end if;
  for v_i in 1 .. 5 loop
    v_pool := case v_plan[v_i]
                when 'TOP' then array(select c.anilist_id from stardust.characters c
                                       where c.rarity = 'SSR' and c.rank <= 50
                                       order by c.rank, c.anilist_id)
                else array(select c.anilist_id from stardust.characters c
                            where c.rarity = v_plan[v_i] order by c.pool_idx)
              end;
    if cardinality(v_pool) = 0 then
      raise exception 'The catalogue has no % characters for an NPC team', v_plan[v_i]
        using errcode = 'SDCAT', hint = 'An admin must import the catalogue.';
    end if;
    -- a distinct character when the pool allows: walk on from the drawn index
    v_pick := floor(stardust._battle_rng(p_seed, v_draw) * cardinality(v_pool))::integer;
    v_draw := v_draw + 1;
    for _ in 1 .. cardinality(v_pool) loop
      exit when not (v_pool[1 + v_pick] = any(v_picked));
      v_pick := (v_pick + 1) % cardinality(v_pool);
    end loop;
    v_picked := v_picked || v_pool[1 + v_pick];
    select c.anilist_id, c.name, c.rarity, c.ability_tags,
           stardust.unit_power(c.true_power, 0, 1, 1) as power
      into v_char from stardust.characters c where c.anilist_id = v_pool[1 + v_pick];
    v_team := v_team || jsonb_build_object('key', 'npc:' || v_char.anilist_id, 'slot', v_i,
                                           'anilist_id', v_char.anilist_id,
                                           'name', v_char.name, 'rarity', v_char.rarity,
                                           'power', v_char.power,
                                           'skills', to_jsonb(v_char.ability_tags));
  end loop;
  return v_team;
end
$$;
revoke all on function stardust._npc_team(text, bigint) from public;
comment on function stardust._npc_team(text, bigint) is
  'Internal: the NPC team of a difficulty, drawn from the catalogue with a battle seed.';
