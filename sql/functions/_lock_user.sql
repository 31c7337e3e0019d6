create or replace function stardust._lock_user(p_user_id bigint)
returns stardust.users
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Creates the user on first sight (with the signup grant), then locks the row: the first
-- lock of every mutating function (lock order: users, guild rows, inventory by id).
-- FOR NO KEY UPDATE serialises everything that changes this user, yet lets other
-- transactions' foreign-key checks on the row through: a PvP battle records the opponent,
-- and FOR UPDATE there deadlocked two players attacking each other.
declare
  v_user stardust.users;
begin
  if p_user_id is null or p_user_id <= 0 then
    raise exception 'Invalid user id %', coalesce(p_user_id::text, 'NULL')
      using errcode = 'SDARG', hint = 'User ids are Discord snowflakes (positive integers).';
  end if;
  select * into v_user from stardust.users u where u.user_id = p_user_id for no key update;
  if found then
    return v_user;
  end if;
  insert into stardust.users (user_id) values (p_user_id) on conflict do nothing;
  if found then
    perform stardust._credit(p_user_id, (stardust._setting('signup_gems'))::bigint,
                             (stardust._setting('signup_coins'))::bigint, 'signup');
  end if;
  select * into v_user from stardust.users u where u.user_id = p_user_id for no key update;
  return v_user;
end
$$;
revoke all on function stardust._lock_user(bigint) from public;
comment on function stardust._lock_user(bigint) is
  'Internal: create the user if new (starting gems as a signup ledger row) and lock its row.';
