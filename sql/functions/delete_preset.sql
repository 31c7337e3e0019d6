create or replace function stardust.delete_preset(p_user_id bigint, p_name text)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_name text := stardust._preset_name(p_name);
begin
  perform stardust._lock_user(p_user_id);
  delete from stardust.team_presets t where t.user_id = p_user_id and lower(t.name) = lower(v_name);
  if not found then
    raise exception 'You have no preset named "%"', v_name using errcode = 'SDARG',
      hint = 'See your presets with /preset list.';
  end if;
  return 1;
end
$$;
revoke all on function stardust.delete_preset(bigint, text) from public;
grant execute on function stardust.delete_preset(bigint, text) to stardust_bot;
comment on function stardust.delete_preset(bigint, text) is
  E'Delete a preset (case-insensitive name). SDARG if there is none.\n'
  'select stardust.delete_preset(p_user_id => 42, p_name => ''old'');';
