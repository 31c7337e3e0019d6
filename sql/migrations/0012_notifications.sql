-- Achievements are announced (issue 13 section 1): a per-player queue of what the game has
-- to tell a player after a command. stardust._achieve writes a row when it unlocks an
-- achievement; stardust.take_notifications (the bot, after every successful command)
-- deletes and returns the player's pending rows. A row exists only between an unlock and
-- the player's next command: the table stays small.
create table stardust.notifications (
  id          bigint generated always as identity primary key,
  user_id     bigint not null references stardust.users (user_id),
  kind        text not null check (kind in ('achievement')),
  payload     jsonb not null,              -- achievement: {"key", "name", "reward"}
  created_at  timestamptz not null default now()
);
comment on table stardust.notifications is
  'What a player has yet to be told (an unlocked achievement and its reward), in order; '
  'written by stardust._achieve, taken (deleted and returned) by stardust.take_notifications.';
create index notifications_user_id_idx on stardust.notifications (user_id);
alter table stardust.notifications enable row level security;

-- _achieve gains p_announce (checkin lists its unlocks in its own result)
drop function if exists stardust._achieve(bigint, text[], text);
