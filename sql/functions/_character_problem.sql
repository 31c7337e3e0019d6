create or replace function stardust._character_problem(p_elem jsonb)
returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
-- Why one element of upsert_characters' input is unusable, or null when it is fine.
declare
  v_key text;
begin
  if jsonb_typeof(p_elem) is distinct from 'object' then
    return 'not an object';
  end if;
  foreach v_key in array array['anilist_id', 'rank'] loop
    if jsonb_typeof(p_elem -> v_key) is distinct from 'number'
       or (p_elem ->> v_key) !~ '^[0-9]{1,10}$'
       or (p_elem ->> v_key)::bigint not between 1 and 2147483647 then
      return format('%s must be a positive integer', v_key);
    end if;
  end loop;
  if jsonb_typeof(p_elem -> 'name') is distinct from 'string'
     or length(btrim(p_elem ->> 'name')) not between 1 and 200 then
    return 'name must be a string of 1-200 characters';
  end if;
  if coalesce(jsonb_typeof(p_elem -> 'favorites'), 'null') not in ('number', 'null')
     or (jsonb_typeof(p_elem -> 'favorites') = 'number'
         and (p_elem ->> 'favorites') !~ '^[0-9]{1,15}$') then
    return 'favorites must be an integer >= 0';
  end if;
  foreach v_key in array array['series', 'image_url'] loop
    if coalesce(jsonb_typeof(p_elem -> v_key), 'null') not in ('string', 'null') then
      return format('%s must be a string or null', v_key);
    end if;
  end loop;
  if coalesce(jsonb_typeof(p_elem -> 'ability_tags'), 'null') not in ('array', 'null')
     or (jsonb_typeof(p_elem -> 'ability_tags') = 'array'
         and exists (select 1 from jsonb_array_elements(p_elem -> 'ability_tags') t(tag)
                      where jsonb_typeof(t.tag) <> 'string' or btrim(t.tag #>> '{}') = '')) then
    return 'ability_tags must be an array of skill names';
  end if;
  return null;
end
$$;
revoke all on function stardust._character_problem(jsonb) from public;
comment on function stardust._character_problem(jsonb) is
  'Internal: validation of one upsert_characters element; the problem, or null.';
