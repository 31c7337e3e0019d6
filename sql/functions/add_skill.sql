create or replace function stardust.add_skill(
  p_name        text,
  p_kind        text,
  p_params      jsonb,
  p_description text,
  p_phase       text default 'power',
  p_priority    integer default 0,
  p_stacks      boolean default true)
returns stardust.skills
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Admins add battle skills of the parametrised kinds; the others (zodiac, onyx moon, ...)
-- are one of a kind and come with the game.
declare
  v_need  text[] := case p_kind
                      when 'self_mult' then array['mult']
                      when 'chance_self_mult' then array['chance', 'mult']
                      when 'coin_flip' then array['up', 'down']
                      when 'enemy_team_mult' then array['mult']
                      when 'allies_mult' then array['mult']
                      when 'team_mult' then array['mult']
                      when 'synergy' then array['with', 'self']
                    end;
  v_key   text;
  v_row   stardust.skills;
begin
  if p_name is null or length(btrim(p_name)) not between 1 and 40 then
    raise exception 'Skill names have 1-40 characters' using errcode = 'SDARG',
      hint = 'e.g. ''Iron Will''.';
  end if;
  if v_need is null then
    raise exception 'Skills of kind % cannot be added', coalesce(p_kind, 'NULL')
      using errcode = 'SDARG', hint = 'Kinds: self_mult, chance_self_mult, coin_flip, '
                                      'enemy_team_mult, allies_mult, team_mult, synergy.';
  end if;
  foreach v_key in array v_need loop
    if p_params is null or jsonb_typeof(p_params -> v_key) is distinct from 'number'
       or (p_params ->> v_key)::numeric < 0 then
      raise exception 'A % skill needs a number % in p_params', p_kind, v_key
        using errcode = 'SDARG', hint = format('Needed: %s.', array_to_string(v_need, ', '));
    end if;
  end loop;
  if (p_params ? 'chance') and (p_params ->> 'chance')::numeric > 1 then
    raise exception 'A chance is between 0 and 1' using errcode = 'SDARG', hint = '0.25 = 25 %.';
  end if;
  if p_phase is null or p_phase not in ('start', 'power')
     or (p_kind = 'enemy_team_mult' and p_phase <> 'start') then
    raise exception 'Phase must be start or power (start for enemy debuffs)'
      using errcode = 'SDARG', hint = 'Debuffs happen at the start of a battle.';
  end if;
  if p_description is null or btrim(p_description) = '' then
    raise exception 'Describe the skill' using errcode = 'SDARG', hint = 'Players read it.';
  end if;
  if exists (select 1 from stardust.skills s where lower(s.name) = lower(btrim(p_name))) then
    raise exception 'Skill % already exists', btrim(p_name) using errcode = 'SDARG',
      hint = 'Choose another name.';
  end if;
  insert into stardust.skills (name, kind, scope, phase, priority, stacks, params, description)
  values (btrim(p_name), p_kind, 'battle', p_phase, coalesce(p_priority, 0),
          coalesce(p_stacks, true), p_params, btrim(p_description))
  returning * into v_row;
  return v_row;
end
$$;
revoke all on function stardust.add_skill(text, text, jsonb, text, text, integer, boolean) from public;
comment on function stardust.add_skill(text, text, jsonb, text, text, integer, boolean) is
  E'Admin: add a battle skill of a parametrised kind (self_mult {mult}, chance_self_mult '
  '{chance, mult}, coin_flip {up, down}, enemy_team_mult {mult}, allies_mult {mult}, '
  'team_mult {mult, with?}, synergy {with, self, partner?}).\n'
  'select * from stardust.add_skill(''Iron Will'', ''self_mult'', ''{"mult": 1.3}'', ''Self +30 %.'');';
