create or replace function stardust.save_preset(
  p_user_id    bigint,
  p_name       text,
  p_request_id text default null)
returns table (name text, inventory_ids bigint[])
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Save the current team under a name (replacing a preset of the same name, case-insensitive).
declare
  v_name   text := stardust._preset_name(p_name);
  v_ids    bigint[];
  v_max    integer := (stardust._setting('preset_max'))::integer;
  v_args   jsonb := jsonb_build_object('name', v_name);
  v_result jsonb;
begin
  perform stardust._lock_user(p_user_id);
  -- a retry answers what the first call saved; it does not save the team as it is now
  v_result := stardust._idem_get(p_user_id, p_request_id, 'save_preset', v_args);
  if v_result is null then
    select array_agg((select i.id from stardust.inventory i
                       where i.user_id = p_user_id and i.team_slot = s) order by s)
      into v_ids from generate_series(1, 5) s;
    if array_remove(v_ids, null) = '{}' then
      raise exception 'Your team is empty' using errcode = 'SDTEM',
        hint = 'Set a team with /team set, then save it.';
    end if;
    update stardust.team_presets t set name = v_name, inventory_ids = v_ids, saved_at = stardust._now()
     where t.user_id = p_user_id and lower(t.name) = lower(v_name);
    if not found then
      if (select count(*) from stardust.team_presets t where t.user_id = p_user_id) >= v_max then
        raise exception 'You already have % presets', v_max using errcode = 'SDARG',
          hint = 'Delete one with /preset delete first.';
      end if;
      insert into stardust.team_presets (user_id, name, inventory_ids)
      values (p_user_id, v_name, v_ids);
    end if;
    v_result := jsonb_build_object('name', v_name, 'inventory_ids', v_ids);
    perform stardust._idem_put(p_user_id, p_request_id, 'save_preset', v_args, v_result);
  end if;
  return query select v_result ->> 'name',
                      array(select (e.x #>> '{}')::bigint
                              from jsonb_array_elements(v_result -> 'inventory_ids')
                                   with ordinality e(x, ord)
                             order by e.ord);
end
$$;
revoke all on function stardust.save_preset(bigint, text, text) from public;
grant execute on function stardust.save_preset(bigint, text, text) to stardust_bot;
comment on function stardust.save_preset(bigint, text, text) is
  E'Save the current team as a preset (1-15 characters, case-insensitive, at most 10; the same '
  'name replaces it). SDTEM for an empty team. Same p_request_id = same result.\n'
  'select * from stardust.save_preset(p_user_id => 42, p_name => ''bounty'');';
