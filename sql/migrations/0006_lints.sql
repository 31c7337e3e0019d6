-- Supabase's database linter (splinter), checked by tests/test_lints.py: every foreign key
-- gets a covering index (0001), every table a primary key (0004).

-- Foreign keys without an index: deleting or re-keying a referenced row (erasing a user,
-- ending a season of banners, pruning boards) scanned the whole referencing table, under
-- lock, once per row. Tables whose existing index already starts with the key's columns
-- (ledger, inventory, requests, pulls by user, ...) need none.
create index battles_defender_idx          on stardust.battles (defender_id);
create index bounty_clears_battle_idx      on stardust.bounty_clears (battle_id);
create index bounty_clears_user_idx        on stardust.bounty_clears (user_id);
create index code_redemptions_user_idx     on stardust.code_redemptions (user_id);
create index guilds_board_idx              on stardust.guilds (board_id);
create index pulls_banner_idx              on stardust.pulls (banner_id);
create index raid_attacks_battle_idx       on stardust.raid_attacks (battle_id);
create index raid_rewards_user_idx         on stardust.raid_rewards (user_id);
create index raids_guild_idx               on stardust.raids (guild_id);
create index raids_killed_by_idx           on stardust.raids (killed_by);
create index shop_listings_anilist_idx     on stardust.shop_listings (anilist_id);
create index shop_purchases_day_slot_idx   on stardust.shop_purchases (day, slot);
create index task_claims_task_idx          on stardust.task_claims (task);
create index user_achievements_key_idx     on stardust.user_achievements (key);
create index user_items_item_idx           on stardust.user_items (item);
create index users_points_banner_idx       on stardust.users (points_banner_id);

-- A preset is identified by its owner and its name, case-insensitively (save_preset,
-- load_preset and delete_preset match lower(name)): that pair becomes the primary key,
-- replacing the unique index on the same expression.
alter table stardust.team_presets
  add column name_key text not null generated always as (lower(name)) stored;
alter table stardust.team_presets
  add constraint team_presets_pkey primary key (user_id, name_key);
drop index stardust.team_presets_name_idx;
comment on column stardust.team_presets.name_key is
  'lower(name): with user_id the primary key (preset names are case-insensitive).';
