create or replace function stardust.shop_buy(
  p_user_id    bigint,
  p_slot       integer,
  p_request_id text default null)
returns setof stardust.pull_result
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_cfg     jsonb := stardust._gacha_config();
  v_args    jsonb := jsonb_build_object('slot', p_slot);
  v_day     date := (stardust._now() at time zone 'UTC')::date;
  v_user    stardust.users;
  v_result  jsonb;
  v_listing stardust.shop_listings;
  v_price   bigint;
  v_award   record;
begin
  if p_slot is null or p_slot not between 1 and 10 then
    raise exception 'Shop slots are 1 to 10, got %', coalesce(p_slot::text, 'NULL')
      using errcode = 'SDARG', hint = 'See today''s shop with /shop.';
  end if;
  v_user := stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'shop_buy', v_args);
  if v_result is not null then
    return query select * from stardust._pull_units((v_result ->> 'pull_id')::bigint);
    return;
  end if;
  perform stardust._shop_day(v_day);
  select * into v_listing from stardust.shop_listings l where l.day = v_day and l.slot = p_slot;
  if not found then
    raise exception 'Slot % is empty today', p_slot using errcode = 'SDARG',
      hint = 'The catalogue has too few characters of that rarity.';
  end if;
  if exists (select 1 from stardust.shop_purchases p
              where p.user_id = p_user_id and p.day = v_day and p.slot = p_slot) then
    raise exception 'You already bought slot % today', p_slot using errcode = 'SDDON',
      hint = 'The shop changes at 00:00 UTC.';
  end if;
  if exists (select 1 from stardust.inventory i
              where i.user_id = p_user_id and i.anilist_id = v_listing.anilist_id
                and i.dupe_level >= (v_cfg ->> 'dupe_cap')::integer) then
    raise exception 'You already hold this unit at the highest dupe level'
      using errcode = 'SDARG', hint = 'Nothing was charged; buy another slot.';
  end if;
  v_price := stardust._shop_price(v_listing.rarity, v_user.team_level);
  perform stardust._credit(p_user_id, -v_price, 0, 'shop', p_request_id);
  insert into stardust.shop_purchases (user_id, day, slot, price)
  values (p_user_id, v_day, p_slot, v_price);
  v_award := stardust._award(p_user_id, 'shop', null, p_request_id, v_cfg,
                             array[null::text], array[false], array[v_listing.anilist_id],
                             array[null::double precision]);
  perform stardust._achieve(p_user_id, array['collection', 'team_power'], p_request_id);
  perform stardust._idem_put(p_user_id, p_request_id, 'shop_buy', v_args,
                             jsonb_build_object('pull_id', v_award.o_pull_id));
  return query select * from unnest(v_award.o_units);
end
$$;
revoke all on function stardust.shop_buy(bigint, integer, text) from public;
grant execute on function stardust.shop_buy(bigint, integer, text) to stardust_bot;
comment on function stardust.shop_buy(bigint, integer, text) is
  E'Buy a slot of today''s daily shop (same columns as pull): once per slot per player per '
  'UTC day, at the price shop() shows. Refused, nothing charged, when you hold that unit at '
  'the top dupe level. SDARG bad/empty slot or maxed unit, SDDON bought today, SDNSF gems.\n'
  'select * from stardust.shop_buy(p_user_id => 42, p_slot => 3);';
