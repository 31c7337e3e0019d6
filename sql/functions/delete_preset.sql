create or replace function stardust.delete_preset(
  p_user_id    bigint,
  p_name       text,
  p_request_id text default null)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_name   text := stardust._preset_name(p_name);
  v_args   jsonb := jsonb_build_object('name', v_name);
  v_result jsonb;
begin
  perform stardust._lock_user(p_user_id);
  -- a retry answers the first call's 1 (a fresh call would find no such preset: SDARG)
  v_result := stardust._idem_get(p_user_id, p_request_id, 'delete_preset', v_args);
  if v_result is null then
    delete from stardust.team_presets t
     where t.user_id = p_user_id and lower(t.name) = lower(v_name);
    if not found then
      raise exception 'You have no preset named "%"', v_name using errcode = 'SDARG',
        hint = 'See your presets with /preset list.';
    end if;
    v_result := jsonb_build_object('deleted', 1);
    perform stardust._idem_put(p_user_id, p_request_id, 'delete_preset', v_args, v_result);
  end if;
  return (v_result ->> 'deleted')::integer;
end
$$;
revoke all on function stardust.delete_preset(bigint, text, text) from public;
grant execute on function stardust.delete_preset(bigint, text, text) to stardust_bot;
comment on function stardust.delete_preset(bigint, text, text) is
  E'Delete a preset (case-insensitive name). SDARG if there is none. Same p_request_id = '
  'same result.\n'
  'select stardust.delete_preset(p_user_id => 42, p_name => ''old'');';
