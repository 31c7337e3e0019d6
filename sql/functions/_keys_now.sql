create or replace function stardust._keys_now(
  p_keys      integer,
  p_regen_at  timestamptz,
  p_now       timestamptz,
  p_max       integer,
  p_minutes   integer,
  out o_keys     integer,
  out o_regen_at timestamptz)
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- keys regenerate one per full period since keys_regen_at, up to p_max; the clock moves
  -- on by the periods used (at the cap it stops mattering: spending from the cap restarts it)
  select least(p_max, p_keys + n)::integer,
         case when p_keys + n >= p_max then p_now
              else p_regen_at + n * make_interval(mins => p_minutes) end
    from (select greatest(0, floor(extract(epoch from p_now - p_regen_at)
                                   / (60 * p_minutes)))::integer as n) x
$$;
revoke all on function stardust._keys_now(integer, timestamptz, timestamptz, integer, integer) from public;
comment on function stardust._keys_now(integer, timestamptz, timestamptz, integer, integer) is
  'Internal: bounty keys after lazy regeneration (+1 per full period, capped) and the new '
  'regeneration clock.';
