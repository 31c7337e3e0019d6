-- Foundation: schema, bot role, settings, users, catalogue, inventory, banners, ledger,
-- idempotency records and pull history.
-- Functions live in sql/functions/ and are (re)deployed after migrations.

create schema stardust;
comment on schema stardust is
  'Stardust game engine: tables and functions. Call the functions; every rule that moves '
  'currency or characters is one of them.';
revoke all on schema stardust from public;

-- The bot's role: EXECUTE on API functions only, no table privileges (RLS is on, with no
-- policies). Give the bot's login role membership: grant stardust_bot to my_bot_login;
do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'stardust_bot') then
    create role stardust_bot nologin;
  end if;
end
$$;
grant usage on schema stardust to stardust_bot;

-- Functions created in this schema by the migrating role are not executable by PUBLIC
-- (every function file also revokes explicitly).
alter default privileges in schema stardust revoke execute on functions from public;

-- ---------------------------------------------------------------------------------------
-- Settings: every tunable of the game, changeable from the SQL editor, with history.
create table stardust.settings (
  key         text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
  value       jsonb not null,
  description text not null,
  updated_at  timestamptz not null default now(),
  updated_by  text not null default current_user
);
comment on table stardust.settings is
  'Game tunables. Change with stardust.set_setting(key, value) or a plain UPDATE; every '
  'change is recorded in stardust.settings_history.';

create table stardust.settings_history (
  id          bigint generated always as identity primary key,
  key         text not null,
  old_value   jsonb,
  new_value   jsonb,
  changed_at  timestamptz not null default now(),
  changed_by  text not null
);
create index settings_history_key_idx on stardust.settings_history (key, changed_at desc);

insert into stardust.settings (key, value, description) values
  ('signup_gems',   '10000', 'Gems a new player starts with (a signup ledger row).'),
  ('signup_coins',  '0',     'Coins a new player starts with.'),
  ('rank_ssr_max',  '250',   'Catalogue ranks 1..rank_ssr_max are SSR.'),
  ('rank_sr_max',   '1500',  'Catalogue ranks rank_ssr_max+1..rank_sr_max are SR; the rest R.');

-- ---------------------------------------------------------------------------------------
create table stardust.users (
  user_id            bigint primary key check (user_id > 0),
  gems               bigint not null default 0 check (gems >= 0),
  coins              bigint not null default 0 check (coins >= 0),
  pity_counter       integer not null default 0 check (pity_counter >= 0),
  banner_points      integer not null default 0 check (banner_points >= 0),
  points_banner_id   integer,
  team_level         integer not null default 1 check (team_level >= 1),
  team_xp            bigint not null default 0 check (team_xp >= 0),
  bounty_keys        integer not null default 3 check (bounty_keys >= 0),
  keys_regen_at      timestamptz not null default now(),
  starter_claimed_at timestamptz,
  created_at         timestamptz not null default now()
) with (fillfactor = 70);      -- room for HOT updates: this row changes on every action
comment on table stardust.users is
  'One row per Discord user, created by stardust.get_user(). gems/coins always equal the '
  'sum of the user''s ledger rows.';

create table stardust.characters (
  anilist_id    integer primary key check (anilist_id > 0),
  name          text not null check (length(btrim(name)) between 1 and 200),
  series        text,
  image_url     text,
  favorites     bigint not null default 0 check (favorites >= 0),
  rank          integer not null check (rank >= 1),
  rarity        text not null check (rarity in ('R', 'SR', 'SSR')),
  true_power    integer not null check (true_power > 0),
  ability_tags  text[] not null default '{}',
  is_overridden boolean not null default false,
  -- dense 0..n-1 index within the rarity, so a uniform pick is one index lookup;
  -- maintained by a statement trigger (see sql/functions/_characters_renumber.sql)
  pool_idx      integer,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  constraint characters_pool_key unique (rarity, pool_idx) deferrable initially deferred
);
comment on table stardust.characters is
  'The catalogue (from AniList). rarity and true_power are derived from rank and '
  'favorites unless is_overridden.';

create table stardust.banners (
  id              integer generated always as identity primary key,
  name            text not null check (length(btrim(name)) between 1 and 100),
  rate_up_ids     integer[] not null default '{}',
  rate_up_chance  numeric not null default 0.5 check (rate_up_chance between 0 and 1),
  spark_cost      integer not null default 300 check (spark_cost > 0),
  starts_at       timestamptz not null default now(),
  ends_at         timestamptz not null,
  created_at      timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index banners_active_idx on stardust.banners (ends_at, starts_at);

alter table stardust.users
  add constraint users_points_banner_fk foreign key (points_banner_id)
  references stardust.banners (id);

create table stardust.inventory (
  id          bigint generated always as identity primary key,
  user_id     bigint not null references stardust.users (user_id),
  anilist_id  integer not null references stardust.characters (anilist_id),
  dupe_level  smallint not null default 0 check (dupe_level between 0 and 10),
  bond_level  smallint not null default 1 check (bond_level between 1 and 50),
  bond_exp    integer not null default 0 check (bond_exp >= 0),
  is_locked   boolean not null default false,
  obtained_at timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (user_id, anilist_id)
) with (fillfactor = 80);      -- room for HOT updates of dupe/bond levels and locks
create index inventory_anilist_idx on stardust.inventory (anilist_id);

create table stardust.ledger (
  id          bigint generated always as identity primary key,
  user_id     bigint not null references stardust.users (user_id),
  gems_delta  bigint not null default 0,
  coins_delta bigint not null default 0,
  reason      text not null check (length(reason) between 1 and 100),
  request_id  text,
  created_at  timestamptz not null default now(),
  check (gems_delta <> 0 or coins_delta <> 0)
);
create index ledger_user_idx on stardust.ledger (user_id, id);
comment on table stardust.ledger is
  'Append-only record of every gems/coins change: for every user, users.gems = '
  'sum(gems_delta) and users.coins = sum(coins_delta).';

-- Idempotency: the first result of a (user, request id), returned again on a retry.
create table stardust.requests (
  user_id     bigint not null references stardust.users (user_id),
  request_id  text not null check (length(request_id) between 1 and 100),
  fn          text not null,
  args        jsonb not null,
  result      jsonb not null,
  created_at  timestamptz not null default now(),
  primary key (user_id, request_id)
);
create index requests_created_idx on stardust.requests (created_at);

-- One unit obtained by pull, spark or starter pack (DESIGN.md's columns first).
create type stardust.pull_result as (
  "position"    integer,
  anilist_id    integer,
  name          text,
  rarity        text,
  is_rate_up    boolean,
  outcome       text,
  dupe_level    integer,
  gems_refund   bigint,
  coins_refund  bigint,
  -- extensions: what a front end needs to draw the result without another query
  series        text,
  image_url     text,
  inventory_id  bigint,
  is_pity       boolean
);
comment on type stardust.pull_result is
  'One unit obtained by pull/spark/claim_starter: outcome new (dupe_level 0), dupe '
  '(dupe_level raised) or scrapped (past the dupe cap; gems_refund/coins_refund paid).';

-- Pull history, auditable by players: one row per call (a 10-pull is one row holding its
-- ten units in order), which costs a tenth of per-unit rows to write.
create table stardust.pulls (
  id          bigint generated always as identity primary key,
  user_id     bigint not null references stardust.users (user_id),
  banner_id   integer references stardust.banners (id),
  source      text not null check (source in ('pull', 'spark', 'starter')),
  request_id  text,
  units       stardust.pull_result[] not null check (cardinality(units) between 1 and 100),
  pulled_at   timestamptz not null default now()
);
create index pulls_user_idx on stardust.pulls (user_id, id desc);

-- RLS on every table, no policies: only the owner and the owner's (security definer)
-- functions touch rows.
alter table stardust.settings         enable row level security;
alter table stardust.settings_history enable row level security;
alter table stardust.users            enable row level security;
alter table stardust.characters       enable row level security;
alter table stardust.banners          enable row level security;
alter table stardust.inventory        enable row level security;
alter table stardust.ledger           enable row level security;
alter table stardust.requests         enable row level security;
alter table stardust.pulls            enable row level security;
