-- Flat reads (issue 12, sections 1 and 3): what a player reads costs the same with ten
-- units or fifty thousand, and the leaderboard the same with a hundred players or a million.
--
-- users: counters of units (all, per rarity) and the team's power, kept exact in the same
-- transaction as every change by statement-level triggers on stardust.inventory (transition
-- tables) and a row trigger on users.team_level; see sql/functions/_inventory_sync.sql.
-- inventory: the character's rarity, true power and name copied onto each unit (kept in step
-- with the catalogue by a trigger on stardust.characters) and the power sort key, so that
-- every sort and filter of the inventory is an index range scan.
-- expeditions: the part of the multiplier that depends on every owned unit, fixed at start.

alter table stardust.users
  add column units_total integer not null default 0 check (units_total >= 0),
  add column units_r     integer not null default 0 check (units_r >= 0),
  add column units_sr    integer not null default 0 check (units_sr >= 0),
  add column units_ssr   integer not null default 0 check (units_ssr >= 0),
  add column team_power  bigint not null default 0 check (team_power >= 0);
comment on column stardust.users.units_total is
  'Units (inventory rows) owned; kept by triggers on stardust.inventory.';
comment on column stardust.users.team_power is
  'Sum of unit_power over the team, kept exact by triggers (inventory, users.team_level, '
  'characters); what team_power() and the leaderboard read.';

alter table stardust.inventory
  add column char_rarity text collate "C",
  add column char_power  integer,
  add column char_name   text;
update stardust.inventory i
   set char_rarity = c.rarity, char_power = c.true_power, char_name = c.name
  from stardust.characters c
 where c.anilist_id = i.anilist_id;
alter table stardust.inventory
  alter column char_rarity set not null,
  alter column char_power set not null,
  alter column char_name set not null,
  add constraint inventory_char_rarity_check check (char_rarity in ('R', 'SR', 'SSR')),
  -- unit_power without the team level (common to all of a player's units, so it does not
  -- change their order): true_power x (20 + dupe) x (200 + bond); power = floor(key x
  -- (100 + team_level) / 400,000)
  add column power_key bigint generated always as
    (char_power::bigint * (20 + dupe_level) * (200 + bond_level)) stored;
comment on column stardust.inventory.char_rarity is
  'The character''s rarity, copied (a trigger on characters keeps it in step): the '
  'inventory''s filters and sorts are index scans.';
comment on column stardust.inventory.power_key is
  'Sort key of unit power: true_power x (20 + dupe_level) x (200 + bond_level).';

-- one index per sort the bot offers, rarity second: a rarity filter is a range, no filter
-- is a merge of three ranges (or, for the rarity sort, one backward scan)
create index inventory_by_date  on stardust.inventory (user_id, char_rarity, obtained_at, id);
create index inventory_by_power on stardust.inventory
  (user_id, char_rarity, power_key, obtained_at, id);
create index inventory_by_dupes on stardust.inventory
  (user_id, char_rarity, dupe_level, obtained_at, id);
create index inventory_by_name  on stardust.inventory
  (user_id, char_rarity, char_name, obtained_at desc, id desc);
-- (user_id, anilist_id) stays unique; the by-date index leads with user_id too
-- what mass_scrap may take: its cost follows the units it scraps, not the locked ones
create index inventory_scrappable on stardust.inventory (user_id, char_rarity)
  where not is_locked and team_slot is null and expedition_slot is null;

update stardust.users u
   set units_total = coalesce(x.n, 0), units_r = coalesce(x.r, 0),
       units_sr = coalesce(x.sr, 0), units_ssr = coalesce(x.ssr, 0)
  from (select i.user_id, count(*) as n,
               count(*) filter (where i.char_rarity = 'R') as r,
               count(*) filter (where i.char_rarity = 'SR') as sr,
               count(*) filter (where i.char_rarity = 'SSR') as ssr
          from stardust.inventory i group by i.user_id) x
 where x.user_id = u.user_id;
update stardust.users u
   set team_power = x.p
  from (select i.user_id,
               sum(floor(i.power_key::numeric * (100 + u2.team_level) / 400000))::bigint as p
          from stardust.inventory i join stardust.users u2 on u2.user_id = i.user_id
         where i.team_slot is not null group by i.user_id) x
 where x.user_id = u.user_id;

create index users_team_power_idx on stardust.users (team_power desc, user_id)
  where team_power > 0;
create index users_units_idx on stardust.users (units_total desc, user_id)
  where units_total > 0;

alter table stardust.expeditions add column owned_bonus numeric not null default 0;
comment on column stardust.expeditions.owned_bonus is
  'The multiplier''s share from skills counted over every owned unit (Master of Coin), '
  'fixed when the expedition started.';
update stardust.expeditions e
   set owned_bonus = coalesce((
         select sum(x.share)
           from (select case when bool_and(s.stacks) then sum((s.params ->> 'pct')::numeric)
                             else max((s.params ->> 'pct')::numeric) end as share
                   from stardust.inventory i
                   join stardust.characters c on c.anilist_id = i.anilist_id
                   cross join lateral unnest(c.ability_tags) t(name)
                   join stardust.skills s on s.name = t.name and s.kind = 'expedition_yield'
                  where i.user_id = e.user_id and s.params ->> 'per' = 'owned'
                  group by s.name) x), 0);

-- inventory() gains keyset paging (p_after, p_before)
drop function if exists stardust.inventory(bigint, text, text, integer, integer);
