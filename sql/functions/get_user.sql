create or replace function stardust.get_user(p_user_id bigint)
returns stardust.users
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_user stardust.users;
begin
  select * into v_user from stardust.users u where u.user_id = p_user_id;
  if found then
    return v_user;
  end if;
  return stardust._lock_user(p_user_id);
end
$$;
revoke all on function stardust.get_user(bigint) from public;
grant execute on function stardust.get_user(bigint) to stardust_bot;
comment on function stardust.get_user(bigint) is
  E'The player''s row (balances, pity, spark points, team level, keys). Created on first call '
  'with the starting gems (setting signup_gems) as a signup ledger row.\n'
  'select * from stardust.get_user(p_user_id => 42);';
