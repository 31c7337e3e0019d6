create or replace function stardust._ach_next_reset()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- The achievement definitions changed: a threshold stored in users.ach_next may now be too
-- high (a new or lowered one), so every stored value is forgotten; each player's next pull
-- measures and stores it again.
begin
  update stardust.users u set ach_next = null where u.ach_next is not null;
  return null;
end
$$;
revoke all on function stardust._ach_next_reset() from public;
comment on function stardust._ach_next_reset() is
  'Trigger: forget every users.ach_next when stardust.achievements changes.';

create or replace trigger achievements_ach_next_reset
  after insert or update or delete or truncate on stardust.achievements
  for each statement execute function stardust._ach_next_reset();
