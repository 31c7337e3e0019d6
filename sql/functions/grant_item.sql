create or replace function stardust.grant_item(
  p_user_id    bigint,
  p_item       text,
  p_qty        integer,
  p_request_id text default null)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_args  jsonb := jsonb_build_object('item', p_item, 'qty', p_qty);
  v_prior jsonb;
  v_qty   integer;
begin
  if not exists (select 1 from stardust.items i where i.item = p_item) then
    raise exception 'Unknown item %', coalesce(p_item, 'NULL') using errcode = 'SDARG',
      hint = 'select item, name from stardust.items;';
  end if;
  if p_qty is null or p_qty = 0 or p_qty not between -1000000 and 1000000 then
    raise exception 'Give a non-zero quantity from -1,000,000 to 1,000,000' using errcode = 'SDARG',
      hint = 'Negative quantities take away.';
  end if;
  perform stardust._lock_user(p_user_id);
  v_prior := stardust._idem_get(p_user_id, p_request_id, 'grant_item', v_args);
  if v_prior is not null then
    return (v_prior ->> 'qty')::integer;
  end if;
  select coalesce(max(ui.qty), 0) into v_qty from stardust.user_items ui
   where ui.user_id = p_user_id and ui.item = p_item;
  if v_qty::bigint + p_qty > 1000000 then                 -- bound: docs/API.md
    raise exception 'A player holds at most 1,000,000 of an item (holds % %)', v_qty, p_item
      using errcode = 'SDARG', hint = 'Give less.';
  end if;
  if v_qty + p_qty < 0 then
    raise exception 'The player holds only % %', v_qty, p_item using errcode = 'SDNSF',
      hint = 'Take away at most what they hold.';
  end if;
  insert into stardust.user_items as ui (user_id, item, qty) values (p_user_id, p_item, p_qty)
  on conflict (user_id, item) do update set qty = ui.qty + excluded.qty
  returning ui.qty into v_qty;
  perform stardust._idem_put(p_user_id, p_request_id, 'grant_item', v_args,
                             jsonb_build_object('qty', v_qty));
  return v_qty;
end
$$;
revoke all on function stardust.grant_item(bigint, text, integer, text) from public;
comment on function stardust.grant_item(bigint, text, integer, text) is
  E'Admin: give (or take away) items; returns the quantity now held.\n'
  'select stardust.grant_item(p_user_id => 42, p_item => ''bond_large'', p_qty => 5);';
