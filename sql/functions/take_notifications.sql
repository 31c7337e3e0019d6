create or replace function stardust.take_notifications(p_user_id bigint)
returns table (id bigint, kind text, payload jsonb, created_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- What the player has yet to be told, oldest first, deleted as it is returned: each
-- notification is returned once. The bot calls it after every successful command of the
-- player, so the usual call (nothing pending) is one index probe: no lock, no write, and a
-- player who does not exist is not created. When something is pending, the users row is
-- locked first (the lock order of every mutating function; _achieve queues under it) and
-- the rows are taken after the lock.
-- kind 'achievement': payload {"key", "name", "reward": {"gems", "coins", "items"}}.
begin
  perform stardust._valid_id(p_user_id);
  if not exists (select 1 from stardust.notifications n where n.user_id = p_user_id) then
    return;
  end if;
  perform 1 from stardust.users u where u.user_id = p_user_id for no key update;
  return query
  with taken as (
    delete from stardust.notifications n where n.user_id = p_user_id
    returning n.id, n.kind, n.payload, n.created_at
  )
  select t.id, t.kind, t.payload, t.created_at from taken t order by t.id;
end
$$;
revoke all on function stardust.take_notifications(bigint) from public;
grant execute on function stardust.take_notifications(bigint) to stardust_bot;
comment on function stardust.take_notifications(bigint) is
  E'Delete and return the player''s pending notifications, oldest first (kind achievement: '
  'payload {key, name, reward}); each is returned once. The bot calls it after every '
  'successful command to announce what the command unlocked. To look without taking: '
  'select * from stardust.notifications where user_id = 42. SDARG for a bad id.\n'
  'select * from stardust.take_notifications(p_user_id => 42);';
