-- Erasing a player (stardust.erase_user, /forget-me): the record of erasures, and the
-- columns that let another player's history outlive an erased player's id.

-- One row per erase_user call. The player is named only by user_hash, the lower-case hex
-- sha256 of the decimal user id: enough to recognise a retried request (the player's own
-- idempotency records are deleted with them) and to answer "was this id erased?", but a
-- pseudonym, not anonymity: whoever holds the id can compute its hash.
create table stardust.erasures (
  id          bigint generated always as identity primary key,
  user_hash   text not null check (user_hash ~ '^[0-9a-f]{64}$'),
  request_id  text check (length(request_id) between 1 and 100),
  counts      jsonb not null,              -- {"table": {"deleted": n, "anonymised": m}, …}
  erased_at   timestamptz not null default now(),
  erased_by   text not null default session_user,
  constraint erasures_request_key unique (user_hash, request_id)
);
comment on table stardust.erasures is
  'One row per stardust.erase_user call: sha256 of the erased user id, the request id, '
  'when, by which login, and how many rows each table lost or had anonymised.';
alter table stardust.erasures enable row level security;

-- A PvP battle stays in the defender's history with the erased attacker's id set to null,
-- and a raid attack stays (its damage is part of the boss's HP arithmetic) with its player
-- set to null: both columns become nullable.
alter table stardust.battles alter column attacker_id drop not null;
alter table stardust.raid_attacks alter column user_id drop not null;
-- The grants audit (0005) outlives an erased player too, with the player (as recipient or
-- as acting admin) set to null: what was granted and when stays auditable, and the bot
-- role's daily caps (stardust.bot_grant_days) are not given back by an erasure.
alter table stardust.admin_grants alter column user_id drop not null;
