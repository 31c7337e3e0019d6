create or replace function stardust.user_items(p_user_id bigint)
returns table (item text, name text, description text, qty integer)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  select i.item, i.name, i.description, ui.qty
    from stardust.user_items ui join stardust.items i on i.item = ui.item
   where ui.user_id = p_user_id and ui.qty > 0
   order by i.bond_exp nulls last, i.item
$$;
revoke all on function stardust.user_items(bigint) from public;
grant execute on function stardust.user_items(bigint) to stardust_bot;
comment on function stardust.user_items(bigint) is
  E'The items a player holds (bond gifts, tokens).\nselect * from stardust.user_items(42);';
