-- Gacha engine: teams and expedition membership (units there cannot be scrapped), the scrap
-- log and the gacha's tunables.

-- Team: slot 1..5 -> one of the user's own units. The composite foreign key makes a team
-- holding another user's unit, or a unit that no longer exists, impossible.
create table stardust.team_slots (
  user_id      bigint not null references stardust.users (user_id),
  slot         smallint not null check (slot between 1 and 5),
  inventory_id bigint not null unique,
  primary key (user_id, slot),
  foreign key (inventory_id, user_id) references stardust.inventory (id, user_id)
);

-- Units away on an expedition (the expedition itself arrives with the progression
-- migration); scrap and set_team refuse them already.
create table stardust.expedition_units (
  user_id      bigint not null references stardust.users (user_id),
  inventory_id bigint not null unique,
  started_at   timestamptz not null default now(),
  primary key (user_id, inventory_id),
  foreign key (inventory_id, user_id) references stardust.inventory (id, user_id)
);

-- Every unit scrapped (by hand, in bulk, or a copy auto-scrapped past the dupe cap), so
-- that "where did my unit go?" always has an answer.
create table stardust.scrap_log (
  id            bigint generated always as identity primary key,
  user_id       bigint not null references stardust.users (user_id),
  inventory_id  bigint,                    -- null for auto-scrapped copies
  anilist_id    integer not null references stardust.characters (anilist_id),
  copies        integer not null check (copies >= 1),
  gems          bigint not null check (gems >= 0),
  coins         bigint not null check (coins >= 0),
  reason        text not null check (reason in ('scrap', 'mass_scrap', 'auto_scrap')),
  request_id    text,
  scrapped_at   timestamptz not null default now()
);
create index scrap_log_user_idx on stardust.scrap_log (user_id, id desc);


insert into stardust.settings (key, value, description) values
  ('pull_cost',          '1000',  'Gems per pull.'),
  ('pull_max',           '10',    'Most pulls in one call.'),
  ('rate_ssr',           '0.02',  'Base chance of SSR per pull.'),
  ('rate_sr',            '0.11',  'Base chance of SR per pull (R is the rest).'),
  ('pity_hard',          '90',    'The pity_hard-th pull without an SSR is an SSR.'),
  ('ten_pull_guarantee', 'true',  'A 10-pull whose first nine are R draws its tenth from SR.'),
  ('dupe_cap',           '10',    'Highest dupe level; copies past it are auto-scrapped.'),
  ('scrap_gems',  '{"R": 100, "SR": 500, "SSR": 10000}', 'Gems per scrapped copy, by rarity.'),
  ('scrap_coins', '{"R": 5, "SR": 25, "SSR": 500}',      'Coins per scrapped copy, by rarity.'),
  ('starter_pulls',      '10',    'Free standard-pool pulls in the starter pack (one SSR guaranteed).'),
  ('scrap_max_units',    '500',   'Most units one scrap call takes.');

alter table stardust.team_slots       enable row level security;
alter table stardust.expedition_units enable row level security;
alter table stardust.scrap_log        enable row level security;
