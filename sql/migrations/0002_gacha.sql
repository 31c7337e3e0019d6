-- Gacha engine: team and expedition membership of units (such units cannot be scrapped),
-- the scrap log and the gacha's tunables.

-- Team and expedition membership live on the unit itself: a unit that is scrapped (its row
-- deleted) cannot stay in a team or on an expedition, by construction, and deleting units
-- fires no foreign-key checks. One unit per slot per user; never both at once.
alter table stardust.inventory
  add column team_slot smallint check (team_slot between 1 and 5),
  add column expedition_slot smallint check (expedition_slot between 1 and 5),
  add constraint inventory_team_or_expedition
    check (team_slot is null or expedition_slot is null);
create unique index inventory_team_idx on stardust.inventory (user_id, team_slot)
  where team_slot is not null;
create unique index inventory_expedition_idx on stardust.inventory (user_id, expedition_slot)
  where expedition_slot is not null;

-- Every scrap operation (by hand, in bulk, or the copies a pull auto-scrapped past the dupe
-- cap), one row each, so that "where did my unit go?" always has an answer.
create table stardust.scrap_log (
  id            bigint generated always as identity primary key,
  user_id       bigint not null references stardust.users (user_id),
  reason        text not null check (reason in ('scrap', 'mass_scrap', 'auto_scrap')),
  request_id    text,
  copies        integer not null check (copies >= 1),
  gems          bigint not null check (gems >= 0),
  coins         bigint not null check (coins >= 0),
  anilist_ids   integer[] not null,   -- one per unit (per copy for auto_scrap)
  inventory_ids bigint[],             -- the units deleted; null for auto_scrap
  dupe_levels   smallint[],           -- their dupe levels; null for auto_scrap
  scrapped_at   timestamptz not null default now(),
  check (inventory_ids is null or cardinality(inventory_ids) = cardinality(anilist_ids))
);
create index scrap_log_user_idx on stardust.scrap_log (user_id, id desc);
-- a mass scrap logs 10,000 ids in one row: ids barely compress, and pglz spent more time on
-- them than the delete itself (measured 11 ms of 22), so they are stored uncompressed
alter table stardust.scrap_log
  alter column anilist_ids set storage external,
  alter column inventory_ids set storage external,
  alter column dupe_levels set storage external;

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

alter table stardust.scrap_log enable row level security;
