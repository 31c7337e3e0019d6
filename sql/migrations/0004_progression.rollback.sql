-- Drop the functions that use what 0004 created (redeployed by the next migrate).
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'stardust'::regnamespace
       and (p.prosrc ~ '\m(checkin_streak|last_checkin|pulls_made|ssr_pulled|bounties_cleared|ur_cleared|daily_task_defs|task_claims|expeditions|shop_listings|shop_purchases|ssr_token|gift_codes|code_redemptions|achievements|user_achievements|raids|raid_attacks|raid_rewards|_achieve|_team_xp|_expedition_yield|_shop_day|shop_prices|item_shop)\M'
            -- and those whose signature uses a row type made here
            or pg_catalog.pg_get_function_arguments(p.oid) || ' '
               || pg_catalog.pg_get_function_result(p.oid)
               ~ '\m(shop_listings|gift_codes|raids)\M')
  loop
    execute format('drop function %s', f);
  end loop;
end
$$;
-- _award gained an out parameter here (the next deploy makes it again)
drop function if exists stardust._award(bigint, text, stardust.banners, text, jsonb, text[], boolean[], integer[],
  double precision[]);
delete from stardust.settings where key in ('checkin_gems', 'expedition_min_claim_seconds',
  'expedition_max_hours', 'shop_prices', 'shop_discount_level', 'shop_discount',
  'item_shop', 'raid_tickets', 'raid_reward_gems', 'raid_reward_coins', 'raid_kill_gems');
drop table stardust.raid_rewards;
drop table stardust.raid_attacks;
drop table stardust.raids;
drop table stardust.user_achievements;
drop table stardust.achievements;
drop table stardust.code_redemptions;
drop table stardust.gift_codes;
delete from stardust.user_items where item = 'ssr_token';
delete from stardust.items where item = 'ssr_token';
drop table stardust.shop_purchases;
-- the history of shop purchases goes with the shop
delete from stardust.pulls where source = 'shop';
alter table stardust.pulls drop constraint pulls_source_check;
alter table stardust.pulls add constraint pulls_source_check
  check (source in ('pull', 'spark', 'starter'));
drop table stardust.shop_listings;
drop table stardust.expeditions;
drop table stardust.task_claims;
drop table stardust.daily_task_defs;
alter table stardust.users
  drop column checkin_streak,
  drop column last_checkin,
  drop column pulls_made,
  drop column ssr_pulled,
  drop column bounties_cleared,
  drop column ur_cleared;
