create or replace function stardust._shop_price(p_rarity text, p_team_level integer)
returns bigint
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  select floor((stardust._setting('shop_prices') ->> p_rarity)::numeric
               * case when p_team_level >= (stardust._setting('shop_discount_level'))::integer
                      then 1 - (stardust._setting('shop_discount'))::numeric else 1 end)::bigint
$$;
revoke all on function stardust._shop_price(text, integer) from public;
comment on function stardust._shop_price(text, integer) is
  'Internal: a daily shop price by rarity, discounted from shop_discount_level.';
