create or replace function stardust.shop(p_user_id bigint)
returns table (slot integer, anilist_id integer, name text, series text, rarity text,
               image_url text, price bigint, full_price bigint, bought boolean,
               owned_dupe_level integer, maxed boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- volatile: the first look of a UTC day draws the day's listing
declare
  v_day   date := (stardust._now() at time zone 'UTC')::date;
  v_level integer;
  v_cap   integer := (stardust._gacha_config() ->> 'dupe_cap')::integer;
begin
  perform stardust._valid_id(p_user_id);         -- SDARG: no user has this id
  perform stardust._shop_day(v_day);
  select u.team_level into v_level from stardust.users u where u.user_id = p_user_id;
  return query
  select l.slot::integer, l.anilist_id, c.name, c.series, l.rarity, c.image_url,
         stardust._shop_price(l.rarity, coalesce(v_level, 1)),
         stardust._shop_price(l.rarity, 1),
         exists (select 1 from stardust.shop_purchases p
                  where p.user_id = p_user_id and p.day = l.day and p.slot = l.slot),
         i.dupe_level::integer, coalesce(i.dupe_level >= v_cap, false)
    from stardust.shop_listings l
    join stardust.characters c on c.anilist_id = l.anilist_id
    left join stardust.inventory i on i.user_id = p_user_id and i.anilist_id = l.anilist_id
   where l.day = v_day
   order by l.slot;
end
$$;
revoke all on function stardust.shop(bigint) from public;
grant execute on function stardust.shop(bigint) to stardust_bot;
comment on function stardust.shop(bigint) is
  E'Today''s daily shop (the same 2 SSR + 3 SR + 5 R for everyone, new at 00:00 UTC) with '
  'this player''s prices (R 1,000 / SR 20,000 / SSR 100,000 gems, 25 % off from team level '
  '30), what they already bought today and what they hold at the top dupe level.\n'
  'select * from stardust.shop(p_user_id => 42);';
