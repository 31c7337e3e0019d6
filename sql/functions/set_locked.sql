create or replace function stardust.set_locked(
  p_user_id       bigint,
  p_inventory_ids bigint[],
  p_locked        boolean default true,
  p_request_id    text default null)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_ids     bigint[] := stardust._unit_ids(p_inventory_ids,
                                           (stardust._setting('scrap_max_units'))::integer);
  v_args    jsonb := jsonb_build_object('ids', v_ids, 'locked', p_locked);
  v_result  jsonb;
  v_changed integer;
begin
  if p_locked is null then
    raise exception 'p_locked must be true or false' using errcode = 'SDARG',
      hint = 'true locks, false unlocks.';
  end if;
  perform stardust._lock_user(p_user_id);
  -- a retry answers the first call's count (a fresh call would find nothing left to change)
  v_result := stardust._idem_get(p_user_id, p_request_id, 'set_locked', v_args);
  if v_result is null then
    perform stardust._lock_units(p_user_id, v_ids);
    update stardust.inventory i set is_locked = p_locked, updated_at = stardust._now()
     where i.id = any(v_ids) and i.is_locked <> p_locked;
    get diagnostics v_changed = row_count;
    v_result := jsonb_build_object('changed', v_changed);
    perform stardust._idem_put(p_user_id, p_request_id, 'set_locked', v_args, v_result);
  end if;
  return (v_result ->> 'changed')::integer;
end
$$;
revoke all on function stardust.set_locked(bigint, bigint[], boolean, text) from public;
grant execute on function stardust.set_locked(bigint, bigint[], boolean, text) to stardust_bot;
comment on function stardust.set_locked(bigint, bigint[], boolean, text) is
  E'Lock (or unlock) units so no scrap takes them. Returns how many units changed state. '
  'SDOWN if any unit is not yours (nothing changes). Same p_request_id = same result.\n'
  'select stardust.set_locked(p_user_id => 42, p_inventory_ids => array[17], p_locked => true);';
