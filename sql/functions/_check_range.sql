create or replace function stardust._check_range(p_value numeric, p_min numeric,
                                                 p_max numeric, p_what text)
returns numeric
language plpgsql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
-- The shared range check of a number given by a caller (docs/API.md "Bounds"): SDARG when
-- it is null or outside [p_min, p_max], never an overflow further down. Returns the value.
begin
  if p_value is null or p_value < p_min or p_value > p_max then
    raise exception '% must be between % and %, got %', p_what, p_min, p_max,
      coalesce(p_value::text, 'nothing')
      using errcode = 'SDARG', hint = format('Give a whole number from %s to %s.', p_min, p_max);
  end if;
  return p_value;
end
$$;
revoke all on function stardust._check_range(numeric, numeric, numeric, text) from public;
comment on function stardust._check_range(numeric, numeric, numeric, text) is
  'Internal: SDARG unless p_min <= p_value <= p_max (null refused); returns the value. '
  'p_what names the number in the message.';
