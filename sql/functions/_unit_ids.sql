create or replace function stardust._unit_ids(p_ids bigint[], p_max integer)
returns bigint[]
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
-- Validates a list of inventory ids from a caller (1..p_max ids, no nulls) and returns them
-- distinct and sorted.
begin
  if array_ndims(p_ids) > 1 then        -- first: array_position refuses 2-D arrays (0A000)
    raise exception 'Unit ids are a flat list' using errcode = 'SDARG',
      hint = 'Pass inventory ids as shown by /inventory, e.g. array[17, 18].';
  end if;
  if p_ids is null or cardinality(p_ids) = 0 then
    raise exception 'No units given' using errcode = 'SDARG',
      hint = 'Pass one or more inventory ids.';
  end if;
  if array_position(p_ids, null) is not null then
    raise exception 'Unit ids cannot be null' using errcode = 'SDARG',
      hint = 'Pass inventory ids as shown by /inventory.';
  end if;
  if cardinality(p_ids) > p_max then
    raise exception 'Too many units: % (at most % at once)', cardinality(p_ids), p_max
      using errcode = 'SDARG', hint = 'Split the list.';
  end if;
  return array(select distinct x from unnest(p_ids) x order by x);
end
$$;
revoke all on function stardust._unit_ids(bigint[], integer) from public;
comment on function stardust._unit_ids(bigint[], integer) is
  'Internal: validate a list of unit ids (1..max, no nulls); distinct and sorted.';
