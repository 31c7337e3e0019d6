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
  if p_actor is not null then
    perform set_config('stardust.actor', p_actor, true);
  end if;
  -- the value's rule (kind, min_value, max_value) is checked by the settings_check trigger,
  -- which hand-made UPDATEs meet too: SDARG, nothing changed
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
  E'Admin: change a game setting. The value must keep the setting''s rule (kind, min_value, '
  'max_value: a whole number, a number, true/false, a [low, high] range or an object of '
  'fixed keys, within bounds; docs/API.md "Settings"), SDARG otherwise. The change and its '
  'actor are kept in stardust.settings_history.\n'
  'select * from stardust.set_setting(p_key => ''signup_gems'', p_value => ''5000'', p_actor => ''alice'');';
