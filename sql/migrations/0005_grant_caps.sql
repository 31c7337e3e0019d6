-- Grants: a leaked bot login must not mint currency without bound. Grants made through the
-- bot role are capped per UTC day (settings bot_grant_daily_gems/coins, summed over all of
-- them) and every grant is audited with the acting admin's Discord id; the owner, in the SQL
-- editor, is not capped (docs/SECURITY.md). Also: functions the migrating role creates later
-- are not executable by PUBLIC.

insert into stardust.settings (key, value, description) values
  ('bot_grant_daily_gems', '1000000',
   'Gems that grants made through the bot role (/admin grant) may give per UTC day, summed '
   'over all of them; past it they are refused (SDARG). Taking away does not count; the '
   'owner in the SQL editor is not capped.'),
  ('bot_grant_daily_coins', '100000',
   'Coins that grants made through the bot role (/admin grant) may give per UTC day, summed '
   'over all of them; past it they are refused (SDARG). Taking away does not count; the '
   'owner in the SQL editor is not capped.');

-- What grants through the bot role gave per UTC day: the shared row every capped grant
-- updates (after the users row lock) with a guarded upsert.
create table stardust.bot_grant_days (
  day   date primary key,
  gems  bigint not null default 0 check (gems >= 0),
  coins bigint not null default 0 check (coins >= 0)
);
comment on table stardust.bot_grant_days is
  'Gems and coins given by grants made through the bot role, per UTC day (the daily caps '
  'bot_grant_daily_gems/coins are checked against this row).';

-- Every grant, through the bot or by the owner.
create table stardust.admin_grants (
  id         bigint generated always as identity primary key,
  user_id    bigint not null references stardust.users (user_id),
  admin_id   bigint check (admin_id > 0),
  gems       bigint not null,
  coins      bigint not null,
  reason     text not null,
  request_id text,
  via        text not null check (via in ('bot', 'owner')),
  db_role    text not null,
  granted_at timestamptz not null default now()
);
create index admin_grants_user_idx on stardust.admin_grants (user_id, id);
create index admin_grants_admin_idx on stardust.admin_grants (admin_id, id);
comment on table stardust.admin_grants is
  'Audit of stardust.grant: who (admin_id: the acting admin''s Discord id, required through '
  'the bot; db_role: the database role), for whom, how much, why, and whether the call came '
  'through the bot role (capped) or from the owner.';

alter table stardust.bot_grant_days enable row level security;
alter table stardust.admin_grants   enable row level security;

-- grant gains p_admin_id (named parameters with defaults, no overloads)
drop function if exists stardust.grant(bigint, bigint, bigint, text, text);

-- 0001's `alter default privileges in schema stardust revoke ... from public` does nothing
-- (per-schema defaults can only add to the global ones). Revoke it globally for the
-- migrating role, so a function it creates later by hand is not executable by PUBLIC.
alter default privileges revoke execute on functions from public;
