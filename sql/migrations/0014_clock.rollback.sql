-- Timestamp defaults back to now(). stardust._now() itself stays: the deployed functions
-- (sql/functions, redeployed by every `stardust migrate`) call it and create_banner's
-- p_starts_at defaults to it, and it is exactly now() unless a test replaced it.
alter table stardust.admin_grants alter column granted_at set default now();
alter table stardust.banners alter column created_at set default now();
alter table stardust.banners alter column starts_at set default now();
alter table stardust.battles alter column fought_at set default now();
alter table stardust.bounty_clears alter column cleared_at set default now();
alter table stardust.characters alter column created_at set default now();
alter table stardust.characters alter column updated_at set default now();
alter table stardust.code_redemptions alter column redeemed_at set default now();
alter table stardust.erasures alter column erased_at set default now();
alter table stardust.expeditions alter column last_claim_at set default now();
alter table stardust.expeditions alter column started_at set default now();
alter table stardust.gift_codes alter column created_at set default now();
alter table stardust.guilds alter column created_at set default now();
alter table stardust.inventory alter column obtained_at set default now();
alter table stardust.inventory alter column updated_at set default now();
alter table stardust.ledger alter column created_at set default now();
alter table stardust.notifications alter column created_at set default now();
alter table stardust.pulls alter column pulled_at set default now();
alter table stardust.raid_attacks alter column attacked_at set default now();
alter table stardust.raids alter column starts_at set default now();
alter table stardust.requests alter column created_at set default now();
alter table stardust.scrap_log alter column scrapped_at set default now();
alter table stardust.server_seeds alter column created_at set default now();
alter table stardust.settings alter column updated_at set default now();
alter table stardust.settings_history alter column changed_at set default now();
alter table stardust.shop_purchases alter column purchased_at set default now();
alter table stardust.task_claims alter column claimed_at set default now();
alter table stardust.team_presets alter column saved_at set default now();
alter table stardust.user_achievements alter column unlocked_at set default now();
alter table stardust.users alter column created_at set default now();
alter table stardust.users alter column keys_regen_at set default now();
