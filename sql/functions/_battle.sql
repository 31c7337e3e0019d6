create or replace function stardust._battle(
  p_seed     bigint,
  p_attacker jsonb,
  p_defender jsonb,
  p_skills   jsonb,
  p_options  jsonb default '{}')
returns jsonb
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
-- The battle engine (SKILLS.md). Pure: the result depends only on the arguments (skill
-- definitions included), so a stored battle replays bit for bit. Every random decision is
-- the next draw of _battle_rng(seed, n), taken in a fixed order.
--
-- A unit: {"key", "anilist_id", "name", "rarity", "power", "skills": [...], "slot"?}
-- Phases: start (priority high first: suppression and debuffs), power (each unit: power x
-- own multipliers x allies' x enemies' + flat, then x variance), post (Sheep, Monkey,
-- Dog), outcome (attacker WIN only if strictly greater), end (Snake, Revive: LOSS -> DRAW).
-- A debuff is an enemy's multiplier below 1; Anchor ignores those on its unit.
declare
  v_all     jsonb := coalesce(p_attacker, '[]') || coalesce(p_defender, '[]');
  v_na      integer := jsonb_array_length(coalesce(p_attacker, '[]'));
  v_n       integer := jsonb_array_length(coalesce(p_attacker, '[]') || coalesce(p_defender, '[]'));
  v_lo      numeric := coalesce((p_options -> 'variance' ->> 0)::numeric, 0.9);
  v_hi      numeric := coalesce((p_options -> 'variance' ->> 1)::numeric, 1.1);
  u_side    text[] := '{}'::text[];
  u_slot    integer[] := '{}'::integer[];
  u_aid     integer[] := '{}'::integer[];
  u_name    text[] := '{}'::text[];
  u_base    numeric[] := '{}'::numeric[];
  m_own     numeric[] := '{}'::numeric[];
  m_ally    numeric[] := '{}'::numeric[];
  m_enemy   numeric[] := '{}'::numeric[];
  u_flat    numeric[] := '{}'::numeric[];
  u_lock    numeric[] := '{}'::numeric[];
  u_var     numeric[] := '{}'::numeric[];
  u_final   numeric[] := '{}'::numeric[];
  -- skill instances (one per skill a unit carries)
  k_unit    integer[] := '{}'::integer[];
  k_skill   text[] := '{}'::text[];
  k_kind    text[] := '{}'::text[];
  k_phase   text[] := '{}'::text[];
  k_prio    integer[] := '{}'::integer[];
  k_stacks  boolean[] := '{}'::boolean[];
  k_params  jsonb[] := '{}'::jsonb[];
  k_on      boolean[] := '{}'::boolean[];
  v_order   integer[];
  v_draw    integer := 0;
  v_r       double precision;
  v_events  jsonb  := '[]'::jsonb;
  v_once    text[] := '{}'::text[];
  v_post    text[] := '{}'::text[];       -- 'unit:action', in order
  v_snake   text[] := '{}'::text[];
  v_unit    jsonb;
  v_def     jsonb;
  v_name    text;
  v_side    text;
  v_p       jsonb;
  v_sign    text;
  v_str     numeric;
  v_cands   integer[];
  v_ids     integer[];
  v_f       numeric;
  v_t       integer;
  v_x       numeric;
  v_txt     text[];
  v_total_a numeric := 0;
  v_total_d numeric := 0;
  v_outcome text;
  v_units   jsonb  := '[]'::jsonb;
  i integer;
  k integer;
  j integer;
begin
  -- set up units and their battle skills
  for i in 1 .. v_n loop
    v_unit := v_all -> (i - 1);
    u_side[i] := case when i <= v_na then 'A' else 'D' end;
    u_slot[i] := coalesce((v_unit ->> 'slot')::integer, case when i <= v_na then i else i - v_na end);
    u_aid[i] := (v_unit ->> 'anilist_id')::integer;
    u_name[i] := coalesce(v_unit ->> 'name', v_unit ->> 'key', '?');
    u_base[i] := greatest(coalesce((v_unit ->> 'power')::numeric, 0), 0);
    m_own[i] := 1; m_ally[i] := 1; m_enemy[i] := 1; u_flat[i] := 0;
    u_lock[i] := null; u_var[i] := 1; u_final[i] := 0;
    for v_name in select jsonb_array_elements_text(coalesce(v_unit -> 'skills', '[]')) loop
      v_def := p_skills -> v_name;
      continue when v_def is null or v_def ->> 'phase' is null;     -- not a battle skill
      k_unit := k_unit || i;
      k_skill := k_skill || v_name;
      k_kind := k_kind || (v_def ->> 'kind');
      k_phase := k_phase || (v_def ->> 'phase');
      k_prio := k_prio || coalesce((v_def ->> 'priority')::integer, 0);
      k_stacks := k_stacks || coalesce((v_def ->> 'stacks')::boolean, true);
      k_params := k_params || coalesce(v_def -> 'params', '{}'::jsonb);
      k_on := k_on || true;
    end loop;
  end loop;

  -- ---- start: priority first, then attacker before defender, slot, skill name ---------
  select coalesce(array_agg(x.k order by x.prio desc, u_side[x.unit], u_slot[x.unit], x.skill),
                  '{}')
    into v_order
    from unnest(k_unit, k_skill, k_phase, k_prio) with ordinality x(unit, skill, phase, prio, k)
   where x.phase = 'start';
  foreach k in array v_order loop
    continue when not k_on[k];                  -- suppressed earlier in this phase
    i := k_unit[k];
    v_side := u_side[i];
    v_p := k_params[k];
    v_sign := null;
    v_str := 1;
    case k_kind[k]
      when 'anchor' then
        null;                                   -- passive: checked when a debuff lands
      when 'onyx_moon', 'zodiac', 'entwined' then
        if k_kind[k] = 'onyx_moon' then
          v_sign := 'Onyx';
        elsif k_kind[k] = 'zodiac' then
          v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
          v_sign := (array['Rat', 'Ox', 'Tiger', 'Rabbit', 'Dragon', 'Snake', 'Horse', 'Sheep',
                           'Monkey', 'Rooster', 'Dog', 'Pig'])[1 + floor(v_r * 12)::integer];
          v_events := v_events || stardust._battle_event('start', v_side, u_slot[i], u_name[i],
                        k_skill[k], format('the %s', v_sign), v_r);
        else
          if not exists (select 1 from generate_series(1, v_n) s(j)
                          where u_side[s.j] = v_side and s.j <> i
                            and u_aid[s.j] = (v_p ->> 'with')::integer) then
            v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                          u_name[i], k_skill[k], 'no partner in the team', null);
          else
            v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
            v_sign := (v_p -> 'signs' ->> floor(v_r * jsonb_array_length(v_p -> 'signs'))::integer);
            v_str := coalesce((v_p ->> 'strength')::numeric, 1);
            v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                          u_name[i], k_skill[k], format('the %s at %s x strength', v_sign, v_str), v_r);
          end if;
        end if;
        -- suppression (Onyx Moon, Pig): one random enemy skill, never another
        -- priority-10 skill
        if v_sign in ('Onyx', 'Pig') then
          select coalesce(array_agg(x.k order by u_side[x.unit], u_slot[x.unit], x.skill), '{}')
            into v_cands
            from unnest(k_unit, k_skill, k_kind, k_on) with ordinality x(unit, skill, kind, on_, k)
           where u_side[x.unit] <> v_side and x.on_
             and x.kind not in ('zodiac', 'onyx_moon', 'entwined');
          if cardinality(v_cands) = 0 then
            v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                          u_name[i], k_skill[k], 'no enemy skill to disable', null);
          else
            v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
            j := v_cands[1 + floor(v_r * cardinality(v_cands))::integer];
            k_on[j] := false;
            v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                          u_name[i], k_skill[k], format('disables %s of %s', k_skill[j],
                          u_name[k_unit[j]]), v_r);
            if v_sign = 'Onyx' and exists (select 1 from generate_series(1, v_n) s(x)
                                            where u_side[s.x] = v_side and s.x <> i
                                              and u_aid[s.x] = (v_p ->> 'with')::integer) then
              v_t := k_unit[j];
              if stardust._battle_anchored(k_unit, k_kind, k_on, v_t) then
                v_events := v_events || stardust._battle_event('start', u_side[v_t],
                              u_slot[v_t], u_name[v_t], 'Anchor', 'ignores x0.75', null);
              else
                m_enemy[v_t] := m_enemy[v_t] * coalesce((v_p ->> 'target_mult')::numeric, 0.75);
                v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                              u_name[i], k_skill[k], format('%s x%s', u_name[v_t],
                              coalesce(v_p ->> 'target_mult', '0.75')), null);
              end if;
            end if;
          end if;
        elsif v_sign is not null then
          -- the other signs; strength scales every percentage
          case v_sign
            when 'Rat' then
              m_own[i] := m_own[i] * (1 + 0.20 * v_str);
              v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                            u_name[i], k_skill[k], format('Rat: %s x%s', u_name[i],
                            1 + 0.20 * v_str), null);
            when 'Ox', 'Monkey' then
              v_ids := array(select s.x from generate_series(1, v_n) s(x)
                              where u_side[s.x] <> v_side order by u_slot[s.x]);
              if cardinality(v_ids) > 0 and v_sign = 'Ox' then
                v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
                v_t := v_ids[1 + floor(v_r * cardinality(v_ids))::integer];
                if stardust._battle_anchored(k_unit, k_kind, k_on, v_t) then
                  v_events := v_events || stardust._battle_event('start', u_side[v_t],
                                u_slot[v_t], u_name[v_t], 'Anchor', 'ignores the Ox', null);
                else
                  m_enemy[v_t] := m_enemy[v_t] * (1 - 0.20 * v_str);
                  v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                                u_name[i], k_skill[k], format('Ox: %s x%s', u_name[v_t],
                                1 - 0.20 * v_str), v_r);
                end if;
              elsif v_sign = 'Monkey' then
                v_post := v_post || format('%s:Monkey', i);
              end if;
            when 'Tiger' then
              for j in 1 .. v_n loop
                if u_side[j] = v_side then m_ally[j] := m_ally[j] * (1 + 0.05 * v_str); end if;
              end loop;
              v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                            u_name[i], k_skill[k], format('Tiger: team x%s', 1 + 0.05 * v_str),
                            null);
            when 'Rabbit' then
              for j in 1 .. v_n loop
                continue when u_side[j] = v_side;
                if stardust._battle_anchored(k_unit, k_kind, k_on, j) then
                  v_events := v_events || stardust._battle_event('start', u_side[j], u_slot[j],
                                u_name[j], 'Anchor', 'ignores the Rabbit', null);
                else
                  m_enemy[j] := m_enemy[j] * (1 - 0.07 * v_str);
                end if;
              end loop;
              v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                            u_name[i], k_skill[k], format('Rabbit: enemy team x%s',
                            1 - 0.07 * v_str), null);
            when 'Dragon' then
              u_lock[i] := 1.2;
              v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                            u_name[i], k_skill[k], format('Dragon: %s''s variance locked at 1.2',
                            u_name[i]), null);
            when 'Snake' then
              v_snake := v_snake || v_side;
              v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                            u_name[i], k_skill[k], 'Snake: a loss will become a draw', null);
            when 'Horse' then
              m_own[i] := m_own[i] * (1 - 0.10 * v_str);
              v_ids := array(select s.x from generate_series(1, v_n) s(x)
                              where u_side[s.x] = v_side and s.x <> i order by u_slot[s.x]);
              if cardinality(v_ids) > 0 then
                v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
                v_t := v_ids[1 + floor(v_r * cardinality(v_ids))::integer];
                m_ally[v_t] := m_ally[v_t] * (1 + 0.30 * v_str);
                v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                              u_name[i], k_skill[k], format('Horse: %s x%s', u_name[v_t],
                              1 + 0.30 * v_str), v_r);
              end if;
            when 'Sheep', 'Dog' then
              v_post := v_post || format('%s:%s', i, v_sign);
            when 'Rooster' then
              for j in 1 .. v_n loop
                if u_side[j] = v_side then m_ally[j] := m_ally[j] * (1 + 0.03 * v_str); end if;
              end loop;
              m_own[i] := m_own[i] * (1 + 0.06 * v_str);
              v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                            u_name[i], k_skill[k], format('Rooster: team x%s, %s x%s',
                            1 + 0.03 * v_str, u_name[i], 1 + 0.06 * v_str), null);
          end case;
        end if;
      when 'kamikaze' then
        -- only a living target: an enemy whose power is not already 0
        v_ids := array(select s.x from generate_series(1, v_n) s(x)
                        where u_side[s.x] <> v_side
                          and u_base[s.x] * m_own[s.x] * m_enemy[s.x] > 0
                        order by u_slot[s.x]);
        m_own[i] := 0;
        if cardinality(v_ids) = 0 then
          v_events := v_events || stardust._battle_event('start', v_side, u_slot[i], u_name[i],
                        k_skill[k], format('no enemy left standing; %s x0', u_name[i]), null);
        else
          v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
          v_t := v_ids[1 + floor(v_r * cardinality(v_ids))::integer];
          if stardust._battle_anchored(k_unit, k_kind, k_on, v_t) then
            v_events := v_events || stardust._battle_event('start', v_side, u_slot[i], u_name[i],
                          k_skill[k], format('%s holds its Anchor; %s x0', u_name[v_t],
                          u_name[i]), v_r);
          else
            m_enemy[v_t] := 0;
            v_events := v_events || stardust._battle_event('start', v_side, u_slot[i], u_name[i],
                          k_skill[k], format('%s x0 and %s x0', u_name[v_t], u_name[i]), v_r);
          end if;
        end if;
      when 'enemy_team_mult', 'synergy' then
        if not k_stacks[k] and (v_side || ':' || k_skill[k]) = any(v_once) then
          v_events := v_events || stardust._battle_event('start', v_side, u_slot[i], u_name[i],
                        k_skill[k], 'does not stack', null);
          continue;
        end if;
        v_once := v_once || (v_side || ':' || k_skill[k]);
        v_txt := '{}';
        if k_kind[k] = 'synergy' then
          if not exists (select 1 from generate_series(1, v_n) s(x)
                          where u_side[s.x] = v_side and s.x <> i
                            and u_aid[s.x] = (v_p ->> 'with')::integer) then
            v_events := v_events || stardust._battle_event('start', v_side, u_slot[i],
                          u_name[i], k_skill[k], 'no partner in the team', null);
            continue;
          end if;
          m_own[i] := m_own[i] * coalesce((v_p ->> 'self')::numeric, 1);
          if v_p ? 'self' then
            v_txt := v_txt || format('%s x%s', u_name[i], v_p ->> 'self');
          end if;
          for j in 1 .. v_n loop
            if u_side[j] = v_side and j <> i and u_aid[j] = (v_p ->> 'with')::integer then
              m_ally[j] := m_ally[j] * coalesce((v_p ->> 'partner')::numeric, 1);
              if v_p ? 'partner' then
                v_txt := v_txt || format('%s x%s', u_name[j], v_p ->> 'partner');
              end if;
            end if;
          end loop;
        end if;
        v_f := coalesce((v_p ->> 'enemy_team')::numeric, (v_p ->> 'mult')::numeric, 1);
        for j in 1 .. v_n loop
          continue when u_side[j] = v_side or v_f = 1;
          if stardust._battle_anchored(k_unit, k_kind, k_on, j) then
            v_events := v_events || stardust._battle_event('start', u_side[j], u_slot[j],
                          u_name[j], 'Anchor', format('ignores %s', k_skill[k]), null);
          else
            m_enemy[j] := m_enemy[j] * v_f;
          end if;
        end loop;
        if v_f <> 1 then
          v_txt := v_txt || format('enemy team x%s', v_f);
        end if;
        v_events := v_events || stardust._battle_event('start', v_side, u_slot[i], u_name[i],
                      k_skill[k], coalesce(nullif(array_to_string(v_txt, ', '), ''), 'applied'),
                      null);
      else
        null;
    end case;
  end loop;

  -- ---- power: skills in side, slot, name order, then variance --------------------------
  select coalesce(array_agg(x.k order by u_side[x.unit], u_slot[x.unit], x.skill), '{}')
    into v_order
    from unnest(k_unit, k_skill, k_phase) with ordinality x(unit, skill, phase, k)
   where x.phase = 'power';
  foreach k in array v_order loop
    continue when not k_on[k];
    i := k_unit[k];
    v_side := u_side[i];
    v_p := k_params[k];
    case k_kind[k]
      when 'self_mult' then
        m_own[i] := m_own[i] * (v_p ->> 'mult')::numeric;
        v_events := v_events || stardust._battle_event('power', v_side, u_slot[i], u_name[i],
                      k_skill[k], format('x%s', v_p ->> 'mult'), null);
      when 'chance_self_mult' then
        v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
        if v_r < (v_p ->> 'chance')::double precision then
          m_own[i] := m_own[i] * (v_p ->> 'mult')::numeric;
        end if;
        v_events := v_events || stardust._battle_event('power', v_side, u_slot[i], u_name[i],
                      k_skill[k], case when v_r < (v_p ->> 'chance')::double precision
                                  then format('x%s', v_p ->> 'mult') else 'no effect' end, v_r);
      when 'lucky7' then
        v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
        if v_r < (v_p ->> 'chance')::double precision then
          m_own[i] := m_own[i] * (v_p ->> 'mult')::numeric;
          v_events := v_events || stardust._battle_event('power', v_side, u_slot[i], u_name[i],
                        k_skill[k], format('x%s', v_p ->> 'mult'), v_r);
        else
          v_x := v_r;
          v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
          if v_r < (v_p ->> 'chance2')::double precision then
            u_flat[i] := u_flat[i] + (v_p ->> 'flat')::numeric;
          end if;
          v_events := v_events || stardust._battle_event('power', v_side, u_slot[i], u_name[i],
                        k_skill[k], case when v_r < (v_p ->> 'chance2')::double precision
                                    then '+' || to_char((v_p ->> 'flat')::numeric,
                                                        'FM999,999,999,990')
                                    else 'no effect' end, v_r);
        end if;
      when 'coin_flip' then
        v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
        v_f := case when v_r < 0.5 then (v_p ->> 'up')::numeric else (v_p ->> 'down')::numeric end;
        m_own[i] := m_own[i] * v_f;
        v_events := v_events || stardust._battle_event('power', v_side, u_slot[i], u_name[i],
                      k_skill[k], format('x%s', v_f), v_r);
      when 'allies_mult' then
        for j in 1 .. v_n loop
          if u_side[j] = v_side and j <> i then
            m_ally[j] := m_ally[j] * (v_p ->> 'mult')::numeric;
          end if;
        end loop;
        v_events := v_events || stardust._battle_event('power', v_side, u_slot[i], u_name[i],
                      k_skill[k], format('allies x%s', v_p ->> 'mult'), null);
      when 'team_mult', 'synergy' then
        if v_p ? 'with' and not exists (select 1 from generate_series(1, v_n) s(x)
                                         where u_side[s.x] = v_side and s.x <> i
                                           and u_aid[s.x] = (v_p ->> 'with')::integer) then
          v_events := v_events || stardust._battle_event('power', v_side, u_slot[i], u_name[i],
                        k_skill[k], 'no partner in the team', null);
          continue;
        end if;
        v_txt := '{}';
        if k_kind[k] = 'team_mult' then
          for j in 1 .. v_n loop
            if u_side[j] = v_side then m_ally[j] := m_ally[j] * (v_p ->> 'mult')::numeric; end if;
          end loop;
          v_txt := v_txt || format('team x%s', v_p ->> 'mult');
        else
          m_own[i] := m_own[i] * coalesce((v_p ->> 'self')::numeric, 1);
          if v_p ? 'self' then
            v_txt := v_txt || format('%s x%s', u_name[i], v_p ->> 'self');
          end if;
          for j in 1 .. v_n loop
            if u_side[j] = v_side and j <> i and u_aid[j] = (v_p ->> 'with')::integer then
              m_ally[j] := m_ally[j] * coalesce((v_p ->> 'partner')::numeric, 1);
              if v_p ? 'partner' then
                v_txt := v_txt || format('%s x%s', u_name[j], v_p ->> 'partner');
              end if;
            end if;
          end loop;
        end if;
        v_events := v_events || stardust._battle_event('power', v_side, u_slot[i], u_name[i],
                      k_skill[k], coalesce(nullif(array_to_string(v_txt, ', '), ''), 'applied'),
                      null);
      else
        null;
    end case;
  end loop;

  for i in 1 .. v_n loop
    if u_lock[i] is not null then
      u_var[i] := u_lock[i];
    else
      v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
      u_var[i] := round(v_lo + (v_hi - v_lo) * v_r::numeric, 6);
    end if;
    u_final[i] := floor((u_base[i] * m_own[i] * m_ally[i] * m_enemy[i] + u_flat[i]) * u_var[i]);
  end loop;

  -- ---- post: copies and swaps of final powers, in the order they were decided ----------
  -- (the Dog copies the team's maximum, its holder included, as the original did: a holder
  -- that is already the strongest keeps its power; the Monkey swaps with a living enemy)
  for k in 1 .. coalesce(cardinality(v_post), 0) loop
    i := split_part(v_post[k], ':', 1)::integer;
    v_sign := split_part(v_post[k], ':', 2);
    v_side := u_side[i];
    v_t := null;
    v_r := null;
    if v_sign = 'Sheep' then
      select s.x into v_t from generate_series(1, v_n) s(x)
       where u_side[s.x] <> v_side order by u_final[s.x] desc, u_slot[s.x] limit 1;
    elsif v_sign = 'Dog' then
      select s.x into v_t from generate_series(1, v_n) s(x)
       where u_side[s.x] = v_side order by u_final[s.x] desc, s.x = i desc, u_slot[s.x] limit 1;
    else                                                     -- Monkey
      v_ids := array(select s.x from generate_series(1, v_n) s(x)
                      where u_side[s.x] <> v_side and u_final[s.x] > 0 order by u_slot[s.x]);
      if cardinality(v_ids) > 0 then
        v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
        v_t := v_ids[1 + floor(v_r * cardinality(v_ids))::integer];
      end if;
    end if;
    if v_t is null then
      v_events := v_events || stardust._battle_event('post', v_side, u_slot[i], u_name[i],
                    'Queen of the Zodiacs', format('the %s: no %s', v_sign,
                    case when v_sign = 'Monkey' then 'enemy left standing to swap with'
                         else 'unit to copy' end), null);
      continue;
    end if;
    if v_sign = 'Monkey' then
      v_x := u_final[i]; u_final[i] := u_final[v_t]; u_final[v_t] := v_x;
    else
      u_final[i] := u_final[v_t];
    end if;
    v_events := v_events || stardust._battle_event('post', v_side, u_slot[i], u_name[i],
                  'Queen of the Zodiacs', format('the %s: %s %s, final power %s', v_sign,
                  case v_sign when 'Monkey' then 'swaps with' else 'copies' end,
                  case when v_t = i then 'itself' else u_name[v_t] end,
                  to_char(u_final[i], 'FM999,999,999,999,990')), v_r);
  end loop;

  -- ---- outcome, then end -----------------------------------------------------------------
  for i in 1 .. v_n loop
    if u_side[i] = 'A' then v_total_a := v_total_a + u_final[i];
    else v_total_d := v_total_d + u_final[i]; end if;
  end loop;
  v_outcome := case when v_total_a > v_total_d then 'WIN' else 'LOSS' end;
  if v_outcome = 'LOSS' and 'A' = any(v_snake) then
    v_outcome := 'DRAW';
    v_events := v_events || stardust._battle_event('end', 'A', null, null,
                  'Queen of the Zodiacs', 'the Snake: LOSS becomes DRAW', null);
  elsif v_outcome = 'WIN' and 'D' = any(v_snake) then
    v_outcome := 'DRAW';
    v_events := v_events || stardust._battle_event('end', 'D', null, null,
                  'Queen of the Zodiacs', 'the Snake: WIN becomes DRAW', null);
  end if;
  select coalesce(array_agg(x.k order by u_slot[x.unit], x.skill), '{}')
    into v_order
    from unnest(k_unit, k_skill, k_kind, k_on) with ordinality x(unit, skill, kind, on_, k)
   where x.kind = 'revive' and x.on_ and u_side[x.unit] = 'A';
  foreach k in array v_order loop
    exit when v_outcome <> 'LOSS';
    i := k_unit[k];
    v_r := stardust._battle_rng(p_seed, v_draw); v_draw := v_draw + 1;
    if v_r < (k_params[k] ->> 'chance')::double precision then
      v_outcome := 'DRAW';
    end if;
    v_events := v_events || stardust._battle_event('end', 'A', u_slot[i], u_name[i], k_skill[k],
                  case when v_outcome = 'DRAW' then 'LOSS becomes DRAW' else 'no effect' end, v_r);
  end loop;

  for i in 1 .. v_n loop
    v_units := v_units || jsonb_build_object(
      'side', u_side[i], 'slot', u_slot[i], 'key', v_all -> (i - 1) -> 'key',
      'anilist_id', u_aid[i], 'name', u_name[i], 'rarity', v_all -> (i - 1) ->> 'rarity',
      'base', u_base[i], 'own', m_own[i], 'allies', m_ally[i], 'enemies', m_enemy[i],
      'mult', m_own[i] * m_ally[i] * m_enemy[i], 'flat', u_flat[i], 'variance', u_var[i],
      'final', u_final[i],
      'skills', to_jsonb(array(select k_skill[s.k] from generate_subscripts(k_unit, 1) s(k)
                                where k_unit[s.k] = i)),
      'suppressed', to_jsonb(array(select k_skill[s.k] from generate_subscripts(k_unit, 1) s(k)
                                    where k_unit[s.k] = i and not k_on[s.k])));
  end loop;
  return jsonb_build_object('seed', p_seed, 'outcome', v_outcome,
                            'attacker_power', v_total_a, 'defender_power', v_total_d,
                            'units', v_units, 'events', v_events, 'draws', v_draw);
end
$$;
revoke all on function stardust._battle(bigint, jsonb, jsonb, jsonb, jsonb) from public;
comment on function stardust._battle(bigint, jsonb, jsonb, jsonb, jsonb) is
  'Internal: the battle engine of SKILLS.md, deterministic in (seed, sides, skill '
  'definitions, options): start (suppression, debuffs), power (multipliers, flat, variance), '
  'post (copies, swaps), outcome, end (LOSS -> DRAW). Returns units, events and outcome.';
