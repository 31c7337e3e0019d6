create or replace function stardust.buy_item(
  p_user_id    bigint,
  p_item       text,
  p_qty        integer default 1,
  p_request_id text default null)
returns table (item text, qty integer, coins_spent bigint, held integer, coins_left bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_args   jsonb := jsonb_build_object('item', p_item, 'qty', p_qty);
  v_result jsonb;
  v_price  bigint := (stardust._setting('item_shop') ->> p_item)::bigint;
  v_user   stardust.users;
  v_held   integer;
begin
  if p_qty is null or p_qty not between 1 and 100 then
    raise exception 'Buy 1 to 100 at a time, got %', coalesce(p_qty::text, 'NULL')
      using errcode = 'SDARG', hint = 'Buy 1 to 100 at a time.';
  end if;
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'buy_item', v_args);
  if v_result is null then
    -- checked here, not before the replay: a retry still shows a purchase made before the
    -- shop stopped selling the item
    if v_price is null then
      raise exception 'The item shop does not sell %', coalesce(p_item, 'NULL')
        using errcode = 'SDARG', hint = 'See what it sells with /shop items.';
    end if;
    if (select coalesce(max(ui.qty), 0)::bigint from stardust.user_items ui     -- bound: API.md
         where ui.user_id = p_user_id and ui.item = p_item) + p_qty > 1000000 then
      raise exception 'You can hold at most 1,000,000 of %', p_item using errcode = 'SDARG',
        hint = 'Use some first.';
    end if;
    v_user := stardust._credit(p_user_id, 0, -v_price * p_qty, 'item_shop', p_request_id);
    insert into stardust.user_items as ui (user_id, item, qty) values (p_user_id, p_item, p_qty)
    on conflict on constraint user_items_pkey do update set qty = ui.qty + excluded.qty
    returning ui.qty into v_held;
    v_result := jsonb_build_object('item', p_item, 'qty', p_qty, 'coins_spent', v_price * p_qty,
                                   'held', v_held, 'coins_left', v_user.coins);
    perform stardust._idem_put(p_user_id, p_request_id, 'buy_item', v_args, v_result);
  end if;
  return query select v_result ->> 'item', (v_result ->> 'qty')::integer,
                      (v_result ->> 'coins_spent')::bigint, (v_result ->> 'held')::integer,
                      (v_result ->> 'coins_left')::bigint;
end
$$;
revoke all on function stardust.buy_item(bigint, text, integer, text) from public;
grant execute on function stardust.buy_item(bigint, text, integer, text) to stardust_bot;
comment on function stardust.buy_item(bigint, text, integer, text) is
  E'Buy items from the item shop for coins (SSR Token 2,000 each). SDARG not sold or qty '
  'outside 1-100, SDNSF not enough coins.\n'
  'select * from stardust.buy_item(p_user_id => 42, p_item => ''ssr_token'', p_qty => 1);';
