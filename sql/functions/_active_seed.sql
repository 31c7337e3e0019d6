create or replace function stardust._active_seed(
  out o_id   integer,
  out o_seed bytea)
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- The active server seed (newest unrevealed), locked FOR SHARE until the caller commits.
-- Callers hold their users row lock (lock order: users, then this shared row). rotate_seed
-- reveals seeds with an UPDATE, which waits for these share locks: a seed is never revealed
-- while a draw that uses it is in flight, and a draw never uses a revealed seed. A draw
-- that queued behind a rotation finds, once the rotation commits, its row no longer
-- unrevealed and gets no row (READ COMMITTED re-checks the locked row): it looks again,
-- with a new snapshot that sees the new seed.
begin
  for i in 1 .. 10 loop
    select s.id, s.seed into o_id, o_seed
      from stardust.server_seeds s
     where s.revealed_at is null
     order by s.id desc
     limit 1
       for share;
    if found then
      return;
    end if;
    exit when not exists (select 1 from stardust.server_seeds s where s.revealed_at is null);
  end loop;
  raise exception 'No active server seed'
    using errcode = 'P0002',
          hint = 'The owner must create one: select * from stardust.rotate_seed();';
end
$$;
revoke all on function stardust._active_seed() from public;
comment on function stardust._active_seed() is
  'Internal: the active server seed, locked FOR SHARE (so no rotation reveals it before '
  'the caller commits).';
