create or replace function stardust._battle_anchored(
  p_units integer[],
  p_kinds text[],
  p_on    boolean[],
  p_unit  integer)
returns boolean
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- does this unit carry an Anchor that has not been suppressed?
  select exists (select 1 from unnest(p_units, p_kinds, p_on) x(unit, kind, on_)
                  where x.unit = p_unit and x.kind = 'anchor' and x.on_)
$$;
revoke all on function stardust._battle_anchored(integer[], text[], boolean[], integer) from public;
comment on function stardust._battle_anchored(integer[], text[], boolean[], integer) is
  'Internal: whether a battle unit holds an active Anchor (it ignores enemy debuffs).';
