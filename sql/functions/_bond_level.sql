create or replace function stardust._bond_level(p_exp bigint, p_cap integer)
returns integer
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- level L needs 50 + 50 (L - 1) EXP to reach L + 1, i.e. 25 L (L - 1) in all from level 1
  select least(p_cap, max(l))::integer
    from generate_series(1, p_cap) l
   where 25::bigint * l * (l - 1) <= p_exp
$$;
revoke all on function stardust._bond_level(bigint, integer) from public;
comment on function stardust._bond_level(bigint, integer) is
  'Internal: the bond level reached with a total bond EXP (25 L (L - 1) EXP for level L), capped.';
