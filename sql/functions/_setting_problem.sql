create or replace function stardust._setting_problem(
  p_kind  text,
  p_min   numeric,
  p_max   numeric,
  p_value jsonb)
returns text
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
-- What is wrong with a setting's value under its rule (stardust.settings.kind, min_value,
-- max_value), in words for the admin who typed it; null when nothing is. Every number
-- lies within [p_min, p_max]; an integer's (and each number of an object's) is whole and
-- written without a decimal point, as the functions cast its text to integer or bigint.
declare
  v_bounds text := format('from %s to %s', coalesce(p_min::text, '-inf'),
                          coalesce(p_max::text, 'inf'));
  v_whole  boolean := p_kind in ('integer', 'per_rarity', 'per_tier_range', 'item_prices');
  v_want   text[] := case p_kind when 'per_rarity' then array['R', 'SR', 'SSR']
                             when 'per_tier_range' then array['R', 'SR', 'SSR', 'UR']
                             when 'per_tier_item' then array['R', 'SR', 'SSR', 'UR'] end;
  v_keys   text[];
  v_key    text;
  v_label  text;
  v_item   text;
  v_val    jsonb;
  v_elem   jsonb;
  v_num    numeric;
  v_pair   numeric[];
begin
  if p_min > p_max then
    return format('its min_value (%s) is above its max_value (%s)', p_min, p_max);
  end if;
  if p_value is null or jsonb_typeof(p_value) = 'null' then
    return 'a value is required';
  end if;
  if p_kind = 'boolean' then
    return case when jsonb_typeof(p_value) <> 'boolean' then 'it must be true or false' end;
  end if;
  if p_kind in ('integer', 'number') then
    v_elem := jsonb_build_object('', p_value);           -- one element, checked below
  elsif p_kind = 'range' then
    if jsonb_typeof(p_value) <> 'array' or jsonb_array_length(p_value) <> 2 then
      return format('it must be [low, high], two numbers %s', v_bounds);
    end if;
    v_elem := jsonb_build_object('', p_value);
  elsif p_kind in ('per_rarity', 'per_tier_range', 'per_tier_item', 'item_prices') then
    if jsonb_typeof(p_value) <> 'object' then
      return case when v_want is null then 'it must be a JSON object of item -> price'
                  else format('it must be a JSON object with the keys %s',
                              array_to_string(v_want, ', ')) end;
    end if;
    select array_agg(k order by k) into v_keys from jsonb_object_keys(p_value) k;
    if v_want is not null
       and v_keys is distinct from (select array_agg(w order by w) from unnest(v_want) w) then
      return format('it must have exactly the keys %s (it has %s)',
                    array_to_string(v_want, ', '),
                    coalesce(array_to_string(v_keys, ', '), 'none'));
    end if;
    v_elem := p_value;
  else
    return format('its rule %s is unknown', coalesce(p_kind, 'NULL'));
  end if;
  -- each element, named in the message by its key (none for a single number or range)
  for v_key, v_val in select e.key, e.value from jsonb_each(v_elem) e order by e.key loop
    v_label := case when v_key = '' then '' else v_key || ': ' end;
    if p_kind in ('per_tier_item', 'item_prices') then
      v_item := case when p_kind = 'item_prices' then v_key
                     when jsonb_typeof(v_val) = 'string' then v_val #>> '{}' end;
      if v_item is null then
        return format('%sit must be the name of an item', v_label);
      end if;
      if not exists (select from stardust.items i where i.item = v_item) then
        return format('%sthere is no item %s (select item from stardust.items)', v_label,
                      v_item);
      end if;
      continue when p_kind = 'per_tier_item';
    end if;
    if p_kind in ('range', 'per_tier_range') then
      if jsonb_typeof(v_val) <> 'array' or jsonb_array_length(v_val) <> 2
         or jsonb_typeof(v_val -> 0) <> 'number' or jsonb_typeof(v_val -> 1) <> 'number' then
        return format('%sit must be [low, high], two %s %s', v_label,
                      case when v_whole then 'whole numbers' else 'numbers' end, v_bounds);
      end if;
      v_pair := array[(v_val ->> 0)::numeric, (v_val ->> 1)::numeric];
    elsif jsonb_typeof(v_val) <> 'number' then
      return format('%sit must be a %s %s', v_label,
                    case when v_whole then 'whole number' else 'number' end, v_bounds);
    else
      v_pair := array[(v_val #>> '{}')::numeric];
    end if;
    foreach v_num in array v_pair loop
      -- whole: 1000.0 is refused too (its text, which the functions cast, is not an integer)
      if (v_whole and scale(v_num) > 0) or v_num < p_min or v_num > p_max then
        return format('%sit must be a %s %s, not %s', v_label,
                      case when v_whole then 'whole number' else 'number' end, v_bounds,
                      v_num);
      end if;
    end loop;
    if v_pair[1] > v_pair[2] then
      return format('%sits low end (%s) is above its high end (%s)', v_label, v_pair[1],
                    v_pair[2]);
    end if;
  end loop;
  return null;
end
$$;
revoke all on function stardust._setting_problem(text, numeric, numeric, jsonb) from public;
comment on function stardust._setting_problem(text, numeric, numeric, jsonb) is
  'Internal: what is wrong with a setting value under its rule (kind, min, max), in words; '
  'null when nothing is. Used by the settings_check trigger.';
