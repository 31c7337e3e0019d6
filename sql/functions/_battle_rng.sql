create or replace function stardust._battle_rng(p_seed bigint, p_draw integer)
returns double precision
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- the p_draw-th number in [0, 1) of the battle seeded p_seed: 52 bits of md5(seed:draw),
  -- the same on every server and every version (md5 never changes)
  select ('x' || substr(md5(p_seed::text || ':' || p_draw::text), 1, 13))::bit(52)::bigint
         / 4503599627370496.0::double precision
$$;
revoke all on function stardust._battle_rng(bigint, integer) from public;
comment on function stardust._battle_rng(bigint, integer) is
  'Internal: the deterministic random number generator of battles: draw n of seed s, in [0, 1).';
