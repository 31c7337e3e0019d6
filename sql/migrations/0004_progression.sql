-- Progression and economy: check-in streaks, daily tasks, expeditions and team XP, the
-- shops, gift codes, achievements, guild raids.

alter table stardust.users
  add column checkin_streak integer not null default 0 check (checkin_streak >= 0),
  add column last_checkin date,
  add column pulls_made bigint not null default 0 check (pulls_made >= 0),
  add column ssr_pulled bigint not null default 0 check (ssr_pulled >= 0),
  add column bounties_cleared bigint not null default 0 check (bounties_cleared >= 0),
  add column ur_cleared bigint not null default 0 check (ur_cleared >= 0);

-- Daily battle tasks: what each pays; claims, once per user per UTC day.
create table stardust.daily_task_defs (
  task        text primary key,
  description text not null,
  gems        bigint not null check (gems > 0),
  sort        integer not null
);
insert into stardust.daily_task_defs (task, description, gems, sort) values
  ('easy', 'Win an easy NPC battle', 500, 1),
  ('normal', 'Win a normal NPC battle', 1000, 2),
  ('hard', 'Win a hard NPC battle', 1500, 3),
  ('expert', 'Win an expert NPC battle', 2500, 4),
  ('nightmare', 'Win a nightmare NPC battle', 3500, 5),
  ('hell', 'Win a hell NPC battle', 5000, 6),
  ('pvp', 'Fight a PvP battle', 500, 7);

create table stardust.task_claims (
  user_id    bigint not null references stardust.users (user_id),
  day        date not null,
  task       text not null references stardust.daily_task_defs (task),
  gems       bigint not null,
  claimed_at timestamptz not null default now(),
  primary key (user_id, day, task)
);

-- Expeditions: one running per user; its units carry inventory.expedition_slot.
create table stardust.expeditions (
  user_id       bigint primary key references stardust.users (user_id),
  started_at    timestamptz not null default now(),
  last_claim_at timestamptz not null default now()
);

-- The daily shop: one listing per UTC day for everyone, bought at most once per user.
create table stardust.shop_listings (
  day        date not null,
  slot       smallint not null check (slot between 1 and 10),
  anilist_id integer not null references stardust.characters (anilist_id),
  rarity     text not null check (rarity in ('R', 'SR', 'SSR')),
  primary key (day, slot)
);
create table stardust.shop_purchases (
  user_id      bigint not null references stardust.users (user_id),
  day          date not null,
  slot         smallint not null,
  price        bigint not null,
  purchased_at timestamptz not null default now(),
  primary key (user_id, day, slot),
  foreign key (day, slot) references stardust.shop_listings (day, slot)
);

insert into stardust.items (item, name, description, bond_exp) values
  ('ssr_token', 'SSR Token', 'Use it on an owned SSR below dupe 10: +1 dupe.', null);

-- Units bought in the daily shop enter the pull history like sparked ones.
alter table stardust.pulls drop constraint pulls_source_check;
alter table stardust.pulls add constraint pulls_source_check
  check (source in ('pull', 'spark', 'starter', 'shop'));

-- Gift codes.
create table stardust.gift_codes (
  code        text primary key check (code ~ '^[A-Z0-9_-]{3,32}$'),
  rewards     jsonb not null,
  usage_limit integer not null check (usage_limit > 0),
  used        integer not null default 0,
  expires_at  timestamptz,
  created_at  timestamptz not null default now(),
  check (used between 0 and usage_limit)
);
create table stardust.code_redemptions (
  code        text not null references stardust.gift_codes (code),
  user_id     bigint not null references stardust.users (user_id),
  redeemed_at timestamptz not null default now(),
  primary key (code, user_id)
);

-- Achievements: definitions, and who unlocked what.
create table stardust.achievements (
  key         text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
  name        text not null,
  description text not null,
  condition   text not null check (condition in ('pulls_made', 'ssr_pulled', 'team_power',
                'bounties_cleared', 'ur_cleared', 'checkin_streak', 'collection')),
  threshold   bigint not null check (threshold > 0),
  reward      jsonb not null default '{}'
);
insert into stardust.achievements (key, name, description, condition, threshold, reward) values
  ('first_ssr', 'Lucky Star', 'Pull your first SSR.', 'ssr_pulled', 1, '{"gems": 2000}'),
  ('ssr_10', 'Star Collector', 'Pull 10 SSRs.', 'ssr_pulled', 10, '{"gems": 10000}'),
  ('pulls_100', 'Dedicated', 'Make 100 pulls.', 'pulls_made', 100, '{"gems": 3000}'),
  ('pulls_1000', 'Whale Watcher', 'Make 1,000 pulls.', 'pulls_made', 1000, '{"gems": 20000}'),
  ('power_1k', 'A Team', 'Reach 1,000 team power.', 'team_power', 1000, '{"gems": 500}'),
  ('power_20k', 'Squad Goals', 'Reach 20,000 team power.', 'team_power', 20000, '{"gems": 3000}'),
  ('power_50k', 'Powerhouse', 'Reach 50,000 team power.', 'team_power', 50000, '{"gems": 10000}'),
  ('bounty_1', 'Bounty Hunter', 'Clear a bounty.', 'bounties_cleared', 1, '{"coins": 50}'),
  ('bounty_25', 'Head Hunter', 'Clear 25 bounties.', 'bounties_cleared', 25, '{"coins": 500}'),
  ('ur_takedown', 'Giant Slayer', 'Clear a UR bounty.', 'ur_cleared', 1, '{"gems": 10000}'),
  ('streak_7', 'Regular', 'Check in 7 days in a row.', 'checkin_streak', 7, '{"gems": 5000}'),
  ('streak_30', 'Devoted', 'Check in 30 days in a row.', 'checkin_streak', 30, '{"gems": 30000}'),
  ('collection_25', 'Collector', 'Own 25 units.', 'collection', 25, '{"gems": 2000}'),
  ('collection_100', 'Curator', 'Own 100 units.', 'collection', 100, '{"gems": 10000}'),
  ('collection_250', 'Archivist', 'Own 250 units.', 'collection', 250, '{"gems": 25000}');

create table stardust.user_achievements (
  user_id     bigint not null references stardust.users (user_id),
  key         text not null references stardust.achievements (key),
  unlocked_at timestamptz not null default now(),
  primary key (user_id, key)
);

-- Raids: a shared boss per guild; attacks use daily tickets; rewards paid once at the end.
create table stardust.raids (
  id          bigint generated always as identity primary key,
  guild_id    bigint not null references stardust.guilds (guild_id),
  name        text not null check (length(btrim(name)) between 1 and 100),
  boss_hp     bigint not null check (boss_hp > 0),
  hp          bigint not null check (hp between 0 and boss_hp),
  starts_at   timestamptz not null default now(),
  ends_at     timestamptz not null,
  killed_by   bigint references stardust.users (user_id),
  killed_at   timestamptz,
  ended_at    timestamptz,
  check (ends_at > starts_at)
);
create unique index raids_one_open_per_guild on stardust.raids (guild_id) where ended_at is null;
create table stardust.raid_attacks (
  id         bigint generated always as identity primary key,
  raid_id    bigint not null references stardust.raids (id),
  user_id    bigint not null references stardust.users (user_id),
  damage     bigint not null check (damage >= 0),
  battle_id  bigint not null references stardust.battles (id),
  killing    boolean not null default false,
  attacked_at timestamptz not null default now()
);
create index raid_attacks_raid_idx on stardust.raid_attacks (raid_id, user_id);
create index raid_attacks_user_idx on stardust.raid_attacks (user_id, attacked_at);
create table stardust.raid_rewards (
  raid_id bigint not null references stardust.raids (id),
  user_id bigint not null references stardust.users (user_id),
  damage  bigint not null,
  gems    bigint not null,
  coins   bigint not null,
  primary key (raid_id, user_id)
);

insert into stardust.settings (key, value, description) values
  ('checkin_gems', '1500', 'Gems for the daily check-in.'),
  ('expedition_min_claim_seconds', '60', 'Seconds between expedition claims.'),
  ('expedition_max_hours', '24', 'Expedition yield accrues for at most this many hours.'),
  ('shop_prices', '{"R": 1000, "SR": 20000, "SSR": 100000}', 'Daily shop prices, by rarity.'),
  ('shop_discount_level', '30', 'Team level from which the daily shop is discounted.'),
  ('shop_discount', '0.25', 'The daily shop discount at that level.'),
  ('item_shop', '{"ssr_token": 2000}', 'The item shop: item -> price in coins.'),
  ('raid_tickets', '3', 'Raid attacks per user per UTC day.'),
  ('raid_reward_gems', '100000', 'Gems shared among a raid''s attackers by damage.'),
  ('raid_reward_coins', '1000', 'Coins shared among a raid''s attackers by damage.'),
  ('raid_kill_gems', '10000', 'Extra gems for the killing blow.');

-- profile() gains columns, _award an out parameter: drop them so the function deploy can
-- create the new shapes.
drop function if exists stardust.profile(bigint);
drop function if exists stardust._award(bigint, text, stardust.banners, text, jsonb, text[], boolean[], integer[],
  double precision[]);

alter table stardust.daily_task_defs   enable row level security;
alter table stardust.task_claims       enable row level security;
alter table stardust.expeditions       enable row level security;
alter table stardust.shop_listings     enable row level security;
alter table stardust.shop_purchases    enable row level security;
alter table stardust.gift_codes        enable row level security;
alter table stardust.code_redemptions  enable row level security;
alter table stardust.achievements      enable row level security;
alter table stardust.user_achievements enable row level security;
alter table stardust.raids             enable row level security;
alter table stardust.raid_attacks      enable row level security;
alter table stardust.raid_rewards      enable row level security;
