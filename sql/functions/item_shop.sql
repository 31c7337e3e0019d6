create or replace function stardust.item_shop()
returns table (item text, name text, description text, coins bigint)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select i.item, i.name, i.description, p.value::bigint
    from jsonb_each_text(stardust._setting('item_shop')) p
    join stardust.items i on i.item = p.key
   order by p.value::bigint, i.item
$$;
revoke all on function stardust.item_shop() from public;
grant execute on function stardust.item_shop() to stardust_bot;
comment on function stardust.item_shop() is
  E'The item shop: what can be bought for coins (setting item_shop; SSR Token 2,000).\n'
  'select * from stardust.item_shop();';
