create or replace function stardust._battle_event(
  p_phase  text,
  p_side   text,
  p_slot   integer,
  p_unit   text,
  p_skill  text,
  p_effect text,
  p_roll   double precision)
returns jsonb
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select jsonb_strip_nulls(jsonb_build_object('phase', p_phase, 'side', p_side, 'slot', p_slot,
                                              'unit', p_unit, 'skill', p_skill,
                                              'effect', p_effect, 'roll', p_roll))
$$;
revoke all on function stardust._battle_event(text, text, integer, text, text, text, double precision) from public;
comment on function stardust._battle_event(text, text, integer, text, text, text, double precision) is
  'Internal: one line of a battle''s explanation (which skill did what, with its roll).';
