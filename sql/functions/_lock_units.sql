create or replace function stardust._lock_units(p_user_id bigint, p_ids bigint[])
returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Locks the given inventory rows in ascending id order (after the caller's users lock) and
-- raises SDARG for a missing id, SDOWN for the first one that does not exist or is not
-- this user's.
--
-- Only THIS user's rows are locked (`user_id = p_user_id` in the locking scan: a row that
-- fails it is neither locked nor waited for). Locking every id first and checking
-- ownership after let a player who named someone else's units queue on that player's
-- rows, and deadlock with the owner's own set_team (issue 11 section 5). No function may
-- lock another player's row that it was not asked to change. Units never change owner, so
-- the rows found here are exactly the caller's.
-- Set-based statements on the caller's own units (mass_scrap's delete, _award's upsert,
-- expedition_stop's recall) take them in scan order, not by id: that cannot deadlock,
-- because only transactions holding the owner's users lock ever lock a player's units.
declare
  v_bad bigint;
begin
  if p_ids is null or array_position(p_ids, null) is not null then
    raise exception 'No unit given' using errcode = 'SDARG',
      hint = 'Name a unit by its id (see /inventory).';
  end if;
  perform 1 from stardust.inventory i
   where i.id = any(p_ids) and i.user_id = p_user_id
   order by i.id for update;
  select x.id into v_bad
    from unnest(p_ids) x(id)
   where not exists (select 1 from stardust.inventory i
                      where i.id = x.id and i.user_id = p_user_id)
   order by x.id
   limit 1;
  if v_bad is not null then
    raise exception 'Unit #% is not yours', v_bad
      using errcode = 'SDOWN', hint = 'See your units with /inventory.';
  end if;
end
$$;
revoke all on function stardust._lock_units(bigint, bigint[]) from public;
comment on function stardust._lock_units(bigint, bigint[]) is
  'Internal: lock the user''s own inventory rows among these ids by ascending id (never '
  'another player''s); SDOWN unless all are the user''s.';
