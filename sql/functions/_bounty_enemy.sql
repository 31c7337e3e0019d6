create or replace function stardust._bounty_enemy(
  p_board bigint,
  p_slot  integer,
  p_tier  text,
  p_power bigint)
returns jsonb
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- a bounty fights as a band of five sharing the slot's power (the remainder with the
  -- first): single-target effects (Kamikaze, Ox, the Onyx Moon) take a fifth, as they take
  -- one unit of a team, instead of the whole bounty
  select jsonb_agg(jsonb_build_object(
           'key', format('bounty:%s:%s:%s', p_board, p_slot, n), 'slot', n,
           'name', format('%s bounty %s', p_tier, n), 'rarity', p_tier,
           'power', p_power / 5 + case when n = 1 then p_power % 5 else 0 end,
           'skills', '[]'::jsonb) order by n)
    from generate_series(1, 5) n
$$;
revoke all on function stardust._bounty_enemy(bigint, integer, text, bigint) from public;
comment on function stardust._bounty_enemy(bigint, integer, text, bigint) is
  'Internal: a bounty slot as battle units: five sharing its enemy power.';
