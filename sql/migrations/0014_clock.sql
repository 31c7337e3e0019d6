-- The clock seam (issue 16, 3): stardust._now() is the one clock every time rule reads, so
-- tests can pin it (in their own database) at 23:59:59 / 00:00:00 UTC and the top of the
-- hour. It is created here, before sql/functions is deployed, because the timestamp columns'
-- defaults below read it (sql/functions/_now.sql redeploys the same definition). It reads
-- nothing a session can set: a leaked bot login cannot move the clock.
create or replace function stardust._now()
returns timestamptz
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  -- The clock seam: every time rule (UTC days, the top of the hour, 24 h caps, streak gaps,
  -- expiries, column defaults) reads the time here and nowhere else. It reads nothing a
  -- session can set (no GUC, no table): a leaked bot login cannot move the game's clock.
  -- Tests pin it by replacing this function in their own database as the owner;
  -- `stardust migrate` restores this body.
  select pg_catalog.now()
$$;
revoke all on function stardust._now() from public;
comment on function stardust._now() is
  'Internal: the game''s clock (the clock seam): the transaction''s start time, now(). Every '
  'time rule and timestamp column default reads it; tests pin it by replacing this function '
  'in their own database. Reads nothing a session can set.';

-- every timestamp default reads the same clock as the rules that compare with it
alter table stardust.admin_grants alter column granted_at set default stardust._now();
alter table stardust.banners alter column created_at set default stardust._now();
alter table stardust.banners alter column starts_at set default stardust._now();
alter table stardust.battles alter column fought_at set default stardust._now();
alter table stardust.bounty_clears alter column cleared_at set default stardust._now();
alter table stardust.characters alter column created_at set default stardust._now();
alter table stardust.characters alter column updated_at set default stardust._now();
alter table stardust.code_redemptions alter column redeemed_at set default stardust._now();
alter table stardust.erasures alter column erased_at set default stardust._now();
alter table stardust.expeditions alter column last_claim_at set default stardust._now();
alter table stardust.expeditions alter column started_at set default stardust._now();
alter table stardust.gift_codes alter column created_at set default stardust._now();
alter table stardust.guilds alter column created_at set default stardust._now();
alter table stardust.inventory alter column obtained_at set default stardust._now();
alter table stardust.inventory alter column updated_at set default stardust._now();
alter table stardust.ledger alter column created_at set default stardust._now();
alter table stardust.notifications alter column created_at set default stardust._now();
alter table stardust.pulls alter column pulled_at set default stardust._now();
alter table stardust.raid_attacks alter column attacked_at set default stardust._now();
alter table stardust.raids alter column starts_at set default stardust._now();
alter table stardust.requests alter column created_at set default stardust._now();
alter table stardust.scrap_log alter column scrapped_at set default stardust._now();
alter table stardust.server_seeds alter column created_at set default stardust._now();
alter table stardust.settings alter column updated_at set default stardust._now();
alter table stardust.settings_history alter column changed_at set default stardust._now();
alter table stardust.shop_purchases alter column purchased_at set default stardust._now();
alter table stardust.task_claims alter column claimed_at set default stardust._now();
alter table stardust.team_presets alter column saved_at set default stardust._now();
alter table stardust.user_achievements alter column unlocked_at set default stardust._now();
alter table stardust.users alter column created_at set default stardust._now();
alter table stardust.users alter column keys_regen_at set default stardust._now();
