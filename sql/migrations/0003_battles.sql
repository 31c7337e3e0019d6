-- Battles: skills as data, the battle record, items and bonds, team presets, guilds and the
-- bounty board.

-- Skills (SKILLS.md). kind names the plpgsql implementation; params its numbers. Admins add
-- skills of the parametrised kinds with stardust.add_skill().
create table stardust.skills (
  name        text primary key check (length(btrim(name)) between 1 and 40),
  kind        text not null check (kind in (
                'self_mult', 'chance_self_mult', 'lucky7', 'coin_flip', 'enemy_team_mult',
                'allies_mult', 'team_mult', 'synergy', 'kamikaze', 'revive', 'anchor',
                'onyx_moon', 'zodiac', 'entwined', 'expedition_yield')),
  scope       text not null check (scope in ('battle', 'expedition', 'global')),
  phase       text check (phase in ('start', 'power', 'end')),
  priority    integer not null default 0,
  stacks      boolean not null default true,
  params      jsonb not null default '{}',
  description text not null,
  check ((scope = 'battle') = (phase is not null))
);
comment on table stardust.skills is
  'Skill definitions (SKILLS.md). Characters carry skill names in characters.ability_tags.';

insert into stardust.skills (name, kind, scope, phase, priority, stacks, params, description) values
  ('Surge', 'self_mult', 'battle', 'power', 0, true, '{"mult": 1.25}', 'Self +25 %.'),
  ('Guard', 'enemy_team_mult', 'battle', 'start', 0, false, '{"mult": 0.90}',
   'Enemy team -10 %; at most one Guard counts per side.'),
  ('Berserk', 'chance_self_mult', 'battle', 'power', 0, true, '{"chance": 0.25, "mult": 1.5}',
   '25 % chance: self +50 %.'),
  ('Golden Egg', 'chance_self_mult', 'battle', 'power', 0, true, '{"chance": 0.01, "mult": 3}',
   '1 % chance: self x3.'),
  ('Lucky 7', 'lucky7', 'battle', 'power', 0, true,
   '{"chance": 0.07, "mult": 8.77, "chance2": 0.77, "flat": 7777}',
   '7 % chance self x8.77; else 77 % chance +7,777 flat.'),
  ('The Joker', 'coin_flip', 'battle', 'power', 0, true, '{"up": 1.75, "down": 0.25}',
   '50/50: self +75 % or -75 %.'),
  ('Kamikaze', 'kamikaze', 'battle', 'start', 0, true, '{}',
   'One random enemy unit x0, and this unit x0 too.'),
  ('Revive', 'revive', 'battle', 'end', 0, true, '{"chance": 0.25}',
   'Attacker side: 25 % chance a LOSS becomes a DRAW.'),
  ('Anchor', 'anchor', 'battle', 'start', 0, true, '{}', 'This unit ignores enemy debuffs.'),
  ('Royalty', 'allies_mult', 'battle', 'power', 0, true, '{"mult": 1.05}', 'Each other ally +5 %.'),
  ('Feline Fealty', 'synergy', 'battle', 'start', 0, true,
   '{"with": 207, "self": 1.10, "partner": 1.10, "enemy_team": 0.975}',
   'With Tohru (207) in the team: self +10 %, Tohru +10 %, enemy team -2.5 %.'),
  ('Eternity', 'synergy', 'battle', 'power', 0, true, '{"with": 184311, "self": 1.18}',
   'With Himmel (184311) in the team: self +18 %.'),
  ('Ephemerality', 'team_mult', 'battle', 'power', 0, true, '{"with": 176754, "mult": 1.035}',
   'With Frieren (176754) in the team: whole team +3.5 %.'),
  ('The Amber Sun', 'synergy', 'battle', 'power', 0, true,
   '{"with": 129842, "self": 1.15, "partner": 1.15}',
   'With Agott (129842) in the team: self and Agott +15 %.'),
  ('The Onyx Moon', 'onyx_moon', 'battle', 'start', 10, true,
   '{"with": 129840, "target_mult": 0.75}',
   'Disables one random enemy skill (not a zodiac/Onyx/Entwined one); with Coco (129840) in '
   'the team the target unit is also x0.75.'),
  ('Queen of the Zodiacs', 'zodiac', 'battle', 'start', 10, true, '{}',
   'One of the 12 zodiac signs at random (Rat, Ox, Tiger, Rabbit, Dragon, Snake, Horse, Sheep, '
   'Monkey, Rooster, Dog, Pig).'),
  ('Entwined Souls', 'entwined', 'battle', 'start', 10, true,
   '{"with": 209, "strength": 1.2, "signs": ["Ox", "Tiger", "Rabbit", "Rooster", "Pig", "Horse"]}',
   'With Kyo (209) in the team: one of Ox/Tiger/Rabbit/Rooster/Pig/Horse at 1.2x strength.'),
  ('Hardworker', 'expedition_yield', 'expedition', null, 0, true,
   '{"pct": 0.15, "per": "deployed"}', '+15 % expedition yield per deployed unit with it.'),
  ('Master of Coin', 'expedition_yield', 'global', null, 0, true,
   '{"pct": 0.10, "per": "owned"}', '+10 % expedition yield per owned unit with it.'),
  ('The Long Road', 'expedition_yield', 'expedition', null, 0, true,
   '{"pct": 0.24, "per": "hours", "hours": 24}', '+24 % x min(hours, 24)/24 expedition yield.');

-- Items (bond gifts, tokens) and what each user holds.
create table stardust.items (
  item        text primary key check (item ~ '^[a-z][a-z0-9_]*$'),
  name        text not null,
  description text not null,
  bond_exp    integer check (bond_exp > 0)
);
insert into stardust.items (item, name, description, bond_exp) values
  ('bond_small', 'Small bond gift', 'Gift it to a unit: 10 bond EXP.', 10),
  ('bond_med', 'Bond gift', 'Gift it to a unit: 50 bond EXP.', 50),
  ('bond_large', 'Large bond gift', 'Gift it to a unit: 250 bond EXP.', 250),
  ('bond_ur', 'Radiant bond gift', 'Gift it to a unit: 2,500 bond EXP.', 2500);

create table stardust.user_items (
  user_id bigint not null references stardust.users (user_id),
  item    text not null references stardust.items (item),
  qty     integer not null check (qty >= 0),
  primary key (user_id, item)
);

-- bond_exp is the unit's total bond EXP; bond_level follows from it (50 + 50(L-1) per level)
comment on column stardust.inventory.bond_exp is
  'Total bond EXP received; level L is reached at 25 L (L - 1) EXP, capped at level 50.';

-- Team presets: up to preset_max named copies of a team (names case-insensitive).
create table stardust.team_presets (
  user_id       bigint not null references stardust.users (user_id),
  name          text not null check (length(btrim(name)) between 1 and 15),
  inventory_ids bigint[] not null check (cardinality(inventory_ids) = 5),
  saved_at      timestamptz not null default now()
);
create unique index team_presets_name_idx on stardust.team_presets (user_id, lower(name));

-- Every battle, with what went in (units, seed, skill definitions) and what came out, so it
-- can be explained (battle_log) and replayed exactly (replay_battle).
create table stardust.battles (
  id          bigint generated always as identity primary key,
  kind        text not null check (kind in ('npc', 'pvp', 'bounty', 'raid')),
  attacker_id bigint not null references stardust.users (user_id),
  defender_id bigint references stardust.users (user_id),
  context     jsonb not null default '{}',
  seed        bigint not null,
  attacker    jsonb not null,
  defender    jsonb not null,
  skills      jsonb not null,
  result      jsonb not null,
  outcome     text not null check (outcome in ('WIN', 'LOSS', 'DRAW')),
  request_id  text,
  fought_at   timestamptz not null default now()
);
create index battles_attacker_idx on stardust.battles (attacker_id, fought_at desc);

-- Guilds and their bounty boards: a new board each hour, made by the first read after the
-- old one expired, under the guild row's lock.
create table stardust.guilds (
  guild_id   bigint primary key check (guild_id > 0),
  board_id   bigint,
  created_at timestamptz not null default now()
);

create table stardust.bounty_boards (
  id         bigint generated always as identity primary key,
  guild_id   bigint not null references stardust.guilds (guild_id),
  starts_at  timestamptz not null,
  expires_at timestamptz not null check (expires_at > starts_at)
);
create index bounty_boards_guild_idx on stardust.bounty_boards (guild_id, id desc);
alter table stardust.guilds
  add constraint guilds_board_fk foreign key (board_id) references stardust.bounty_boards (id);

create table stardust.bounty_slots (
  board_id    bigint not null references stardust.bounty_boards (id),
  slot        smallint not null check (slot between 1 and 3),
  tier        text not null check (tier in ('R', 'SR', 'SSR', 'UR')),
  enemy_power bigint not null check (enemy_power > 0),
  primary key (board_id, slot)
);

create table stardust.bounty_clears (
  board_id   bigint not null,
  slot       smallint not null,
  user_id    bigint not null references stardust.users (user_id),
  battle_id  bigint not null references stardust.battles (id),
  cleared_at timestamptz not null default now(),
  primary key (board_id, slot, user_id),
  foreign key (board_id, slot) references stardust.bounty_slots (board_id, slot)
);

insert into stardust.settings (key, value, description) values
  ('battle_variance', '[0.9, 1.1]', 'Each unit''s battle power is multiplied by a uniform draw in this range.'),
  ('bounty_keys_max', '3', 'Bounty keys a player can hold.'),
  ('bounty_key_minutes', '60', 'Minutes to regenerate one bounty key.'),
  ('bounty_board_minutes', '60', 'A new bounty board every this many minutes.'),
  ('bounty_ur_chance', '0.01', 'Chance that a bounty slot is UR.'),
  ('bounty_power', '{"R": [30000, 35000], "SR": [50000, 55000], "SSR": [75000, 80000], "UR": [90000, 90000]}',
   'Enemy power range per bounty tier.'),
  ('bounty_rewards', '{"R": "bond_small", "SR": "bond_med", "SSR": "bond_large", "UR": "bond_ur"}',
   'Item paid for clearing a bounty slot, by tier.'),
  ('bounty_ur_gems', '5000', 'Gems added to a UR bounty win.'),
  ('bounty_ur_coins', '50', 'Coins added to a UR bounty win.'),
  ('bond_cap', '50', 'Highest bond level.'),
  ('preset_max', '10', 'Team presets a player can keep.');

alter table stardust.skills        enable row level security;
alter table stardust.items         enable row level security;
alter table stardust.user_items    enable row level security;
alter table stardust.team_presets  enable row level security;
alter table stardust.battles       enable row level security;
alter table stardust.guilds        enable row level security;
alter table stardust.bounty_boards enable row level security;
alter table stardust.bounty_slots  enable row level security;
alter table stardust.bounty_clears enable row level security;
