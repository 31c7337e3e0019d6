-- Every setting gets a rule (its kind and bounds), checked on every write of its value,
-- by set_setting and by hand alike (trigger settings_check, function _settings_check).
-- Before, set_setting checked only the JSON type and that a number was 0 .. 2^31-1: a
-- pull_cost of 1000.5 was accepted and then every pull failed on its cast to bigint; a
-- shop_discount of 1.5 made the daily shop's prices negative; scrap_gems {"R": "x"} or
-- without "SSR" broke every pull that scrapped; bounty_rewards could name an item that does
-- not exist; bounty_key_minutes 0 divided by zero. Object settings kept no shape at all.
alter table stardust.settings
  add column kind text check (kind in ('integer', 'number', 'boolean', 'range',
                                       'per_rarity', 'per_tier_range', 'per_tier_item',
                                       'item_prices')),
  add column min_value numeric,
  add column max_value numeric,
  add constraint settings_bounds check (min_value <= max_value);
comment on column stardust.settings.kind is
  'The rule of the value (docs/API.md "Settings"): integer (a whole number), number, '
  'boolean, range ([low, high] numbers), per_rarity ({"R", "SR", "SSR"}: whole numbers), '
  'per_tier_range ({"R", "SR", "SSR", "UR"}: [low, high] whole numbers), per_tier_item '
  '({"R", "SR", "SSR", "UR"}: an item of stardust.items), item_prices (item -> whole '
  'number). Numbers lie within [min_value, max_value].';
comment on column stardust.settings.min_value is
  'Lowest number the value may hold (each of its numbers for a range or an object).';
comment on column stardust.settings.max_value is
  'Highest number the value may hold (each of its numbers for a range or an object).';

-- giving the rules is not a change of value: the audit trigger (created by the function
-- files, so absent on a new database) would record 39 rows of nothing
do $$
begin
  if exists (select from pg_trigger where tgname = 'settings_audit'
                and tgrelid = 'stardust.settings'::regclass) then
    alter table stardust.settings disable trigger settings_audit;
  end if;
end
$$;
update stardust.settings s
   set kind = r.kind, min_value = r.lo, max_value = r.hi
  from (values
    -- a number past 2^31 - 1 overflows the functions' integer reads; lower bounds keep the
    -- game working (a zero divides, a zero pull_max refuses every pull), upper bounds
    -- below 2^31 - 1 keep one call's work or the battle formulas bounded
    ('signup_gems', 'integer', 0, 2147483647),
    ('signup_coins', 'integer', 0, 2147483647),
    ('rank_ssr_max', 'integer', 0, 2147483647),
    ('rank_sr_max', 'integer', 0, 2147483647),
    ('pull_cost', 'integer', 0, 2147483647),
    -- the work of one call: pull_max and starter_pulls draws, scrap_max_units units
    ('pull_max', 'integer', 1, 100),
    ('rate_ssr', 'number', 0, 1),
    ('rate_sr', 'number', 0, 1),
    ('pity_hard', 'integer', 1, 2147483647),
    ('ten_pull_guarantee', 'boolean', null, null),
    -- unit_power takes dupe and bond levels up to 1,000
    ('dupe_cap', 'integer', 0, 1000),
    ('scrap_gems', 'per_rarity', 0, 2147483647),
    ('scrap_coins', 'per_rarity', 0, 2147483647),
    ('starter_pulls', 'integer', 1, 100),
    ('scrap_max_units', 'integer', 1, 100000),
    ('battle_variance', 'range', 0, 10),
    ('bounty_keys_max', 'integer', 1, 2147483647),
    -- (minutes x 60 must fit an integer)
    ('bounty_key_minutes', 'integer', 1, 10080),
    ('bounty_board_minutes', 'integer', 1, 10080),
    ('bounty_ur_chance', 'number', 0, 1),
    ('bounty_power', 'per_tier_range', 1, 2147483647),
    ('bounty_rewards', 'per_tier_item', null, null),
    ('bounty_ur_gems', 'integer', 0, 2147483647),
    ('bounty_ur_coins', 'integer', 0, 2147483647),
    ('bond_cap', 'integer', 0, 1000),
    ('preset_max', 'integer', 0, 2147483647),
    ('checkin_gems', 'integer', 0, 2147483647),
    ('expedition_min_claim_seconds', 'integer', 0, 86400),
    ('expedition_max_hours', 'number', 0, 8760),
    ('shop_prices', 'per_rarity', 0, 2147483647),
    ('shop_discount_level', 'integer', 0, 2147483647),
    ('shop_discount', 'number', 0, 1),
    ('item_shop', 'item_prices', 1, 2147483647),
    ('raid_tickets', 'integer', 0, 2147483647),
    ('raid_reward_gems', 'integer', 0, 2147483647),
    ('raid_reward_coins', 'integer', 0, 2147483647),
    ('raid_kill_gems', 'integer', 0, 2147483647),
    ('bot_grant_daily_gems', 'integer', 0, 2147483647),
    ('bot_grant_daily_coins', 'integer', 0, 2147483647)
  ) r(key, kind, lo, hi)
 where r.key = s.key;
do $$
begin
  if exists (select from pg_trigger where tgname = 'settings_audit'
                and tgrelid = 'stardust.settings'::regclass) then
    alter table stardust.settings enable trigger settings_audit;
  end if;
end
$$;
-- a setting without a rule is refused: a later migration that adds one must give its rule
alter table stardust.settings alter column kind set not null;
