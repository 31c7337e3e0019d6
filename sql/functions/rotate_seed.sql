create or replace function stardust.rotate_seed()
returns table (id integer, seed text, commitment text, created_at timestamptz,
               revealed_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Reveal the active seed (and any older unrevealed one) and make a new active seed.
-- Locks: the seed lock EXCLUSIVELY (a transaction-level advisory lock that every draw holds
-- shared until it commits, see _active_seed): it waits for every draw in flight, and draws
-- that come later wait for this transaction, then use the new seed; it also serialises
-- rotations (a second rotation then sees the first one's new seed). revealed_at is read
-- after that wait, so it is later than every draw made with the seed.
begin
  perform pg_advisory_xact_lock(hashtext('stardust.server_seeds'), 0);
  return query
  with revealed as (
    update stardust.server_seeds s set revealed_at = stardust._now()
     where s.revealed_at is null
    returning s.id, s.seed, s.commitment, s.created_at, s.revealed_at
  ), fresh as (
    insert into stardust.server_seeds (seed, commitment)
    select x.s, encode(sha256(x.s), 'hex') from (select stardust._new_server_seed() as s) x
  )
  select r.id, encode(r.seed, 'hex'), r.commitment, r.created_at, r.revealed_at
    from revealed r
   order by r.id;
end
$$;
revoke all on function stardust.rotate_seed() from public;
comment on function stardust.rotate_seed() is
  E'Owner only. Reveal the active server seed and start a new one; returns the revealed '
  'seed (hex) with its commitment, so players can check every pull drawn with it. Waits '
  'for pulls in flight on the old seed. Run it daily, e.g. with pg_cron: '
  'select cron.schedule(''stardust-seed'', ''0 0 * * *'', '
  '''select stardust.rotate_seed()'').\n'
  'select * from stardust.rotate_seed();';
