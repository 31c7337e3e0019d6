create or replace function stardust.set_setting(
  p_key   text,
  p_value jsonb,
  p_actor text default null)
returns stardust.settings
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_row stardust.settings;
begin
  select * into v_row from stardust.settings s where s.key = p_key for update;
  if not found then
    raise exception 'Unknown setting %', coalesce(p_key, 'NULL')
      using errcode = 'SDARG', hint = 'select key, value, description from stardust.settings;';
  end if;
  if p_value is null or jsonb_typeof(p_value) is distinct from jsonb_typeof(v_row.value) then
    raise exception 'Setting % holds a %, not a %', p_key, jsonb_typeof(v_row.value),
      coalesce(jsonb_typeof(p_value), 'NULL')
      using errcode = 'SDARG', hint = format('Current value: %s', v_row.value);
  end if;
  if jsonb_typeof(p_value) = 'number' and (p_value)::numeric < 0 then
    raise exception 'Setting % cannot be negative', p_key
      using errcode = 'SDARG', hint = 'Game numbers are zero or more.';
  end if;
  -- bound (docs/API.md): functions read most numbers as integer; past 2^31 every pull would
  -- fail with an overflow
  if jsonb_typeof(p_value) = 'number' and (p_value)::numeric > 2147483647 then
    raise exception 'Setting % is at most 2,147,483,647', p_key
      using errcode = 'SDARG', hint = format('Current value: %s', v_row.value);
  end if;
  if p_actor is not null then
    perform set_config('stardust.actor', p_actor, true);
  end if;
  update stardust.settings s
     set value = p_value, updated_at = stardust._now(),
         updated_by = coalesce(p_actor, session_user)
   where s.key = p_key
  returning * into v_row;
  return v_row;
end
$$;
revoke all on function stardust.set_setting(text, jsonb, text) from public;
comment on function stardust.set_setting(text, jsonb, text) is
  E'Admin: change a game setting (same JSON type as before, numbers not negative); the change '
  'and its actor are kept in stardust.settings_history.\n'
  'select * from stardust.set_setting(p_key => ''signup_gems'', p_value => ''5000'', p_actor => ''alice'');';
