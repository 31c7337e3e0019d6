-- Provably fair pulls (issue 14): server seeds committed before use and revealed after
-- rotation, each player's client seed and next nonce, and, per unit drawn, what it used.

-- The active seed is the newest unrevealed one. Nobody but the owner reads this table (no
-- grant, RLS on, no policy): the bot only ever sees commitments and revealed seeds.
create table stardust.server_seeds (
  id          integer generated always as identity primary key,
  seed        bytea not null check (octet_length(seed) = 32),
  commitment  text not null unique check (commitment = encode(sha256(seed), 'hex')),
  created_at  timestamptz not null default now(),
  revealed_at timestamptz
);
create index server_seeds_active_idx on stardust.server_seeds (id desc)
  where revealed_at is null;
comment on table stardust.server_seeds is
  'Server seeds of the provably fair draw: 32 strong random bytes each, commitment = hex '
  'sha256(seed). The newest unrevealed seed is the active one; stardust.rotate_seed() '
  'reveals it and makes a new one. Owner only: never grant this table.';
alter table stardust.server_seeds enable row level security;

-- The first seed: sha256 over three gen_random_uuid() (each 122 bits from the server's
-- strong random source, pg_strong_random), so all 32 bytes are uniform. The function
-- stardust._new_server_seed() does the same for rotations.
insert into stardust.server_seeds (seed, commitment)
select s, encode(sha256(s), 'hex')
  from (select sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())
                      || uuid_send(gen_random_uuid())) as s) x;

-- The player's client seed (null = the user id as text) and next nonce (0, 1, 2, ...,
-- one per unit drawn by pull or claim_starter, never reset).
alter table stardust.users
  add column client_seed text check (char_length(client_seed) between 1 and 64),
  add column nonce bigint not null default 0 check (nonce >= 0);

-- Per unit in the history: the seed, nonce and client seed it was drawn with, and the pool
-- (size, index) it was picked from, so a later catalogue change does not break the check.
alter type stardust.pull_result
  add attribute seed_id integer,
  add attribute nonce bigint,
  add attribute client_seed text,
  add attribute pool_size integer,
  add attribute pool_idx integer,
  add attribute rate_up_pick boolean;

-- signatures that change (the next deploy makes them again)
drop function if exists stardust._draw(integer, integer, jsonb, stardust.banners);
drop function if exists stardust._award(bigint, text, stardust.banners, text, jsonb, text[],
  boolean[], integer[], double precision[]);
drop function if exists stardust.pull_history(bigint, integer, bigint);
