create or replace function stardust._active_seed(
  out o_id   integer,
  out o_seed bytea)
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- The active server seed (newest unrevealed), with the seed lock held SHARED until the
-- caller commits: a transaction-level advisory lock on (hashtext('stardust.server_seeds'),
-- 0). Callers hold their users row lock (lock order: users, then this shared lock).
-- rotate_seed takes the same lock EXCLUSIVELY before it reveals: it waits for every draw in
-- flight, so a seed is never revealed while a draw that uses it is in flight, and draws that
-- come later queue behind the rotation and then read the new seed (the read below takes a
-- new snapshot, after the lock). An advisory lock, not FOR SHARE on the row (as before
-- issue 12): a row share lock wrote the row (WAL) on every pull, and concurrent pulls of
-- different players turned it into a multixact growing with every sharer.
begin
  perform pg_advisory_xact_lock_shared(hashtext('stardust.server_seeds'), 0);
  select s.id, s.seed into o_id, o_seed
    from stardust.server_seeds s
   where s.revealed_at is null
   order by s.id desc
   limit 1;
  if not found then
    raise exception 'No active server seed'
      using errcode = 'P0002',
            hint = 'The owner must create one: select * from stardust.rotate_seed();';
  end if;
end
$$;
revoke all on function stardust._active_seed() from public;
comment on function stardust._active_seed() is
  'Internal: the active server seed, with the seed lock held shared until the caller commits '
  '(so no rotation reveals it before then; rotate_seed takes the lock exclusively).';
