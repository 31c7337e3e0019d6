create or replace function stardust.set_locked(
  p_user_id       bigint,
  p_inventory_ids bigint[],
  p_locked        boolean default true)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_ids     bigint[] := stardust._unit_ids(p_inventory_ids,
                                           (stardust._setting('scrap_max_units'))::integer);
  v_changed integer;
begin
  if p_locked is null then
    raise exception 'p_locked must be true or false' using errcode = 'SDARG',
      hint = 'true locks, false unlocks.';
  end if;
  perform stardust._lock_user(p_user_id);
  perform stardust._lock_units(p_user_id, v_ids);
  update stardust.inventory i set is_locked = p_locked, updated_at = now()
   where i.id = any(v_ids) and i.is_locked <> p_locked;
  get diagnostics v_changed = row_count;
  return v_changed;
end
$$;
revoke all on function stardust.set_locked(bigint, bigint[], boolean) from public;
grant execute on function stardust.set_locked(bigint, bigint[], boolean) to stardust_bot;
comment on function stardust.set_locked(bigint, bigint[], boolean) is
  E'Lock (or unlock) units so no scrap takes them. Returns how many units changed state. '
  'SDOWN if any unit is not yours (nothing changes).\n'
  'select stardust.set_locked(p_user_id => 42, p_inventory_ids => array[17], p_locked => true);';
