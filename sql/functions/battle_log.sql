create or replace function stardust.battle_log(p_battle_id bigint)
returns table (line integer, kind text, side text, slot integer, name text, rarity text,
               base_power numeric, multiplier numeric, flat numeric, variance numeric,
               final_power numeric, skill text, detail text)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- Why a battle ended as it did: every unit with its numbers (final = (base x multiplier +
-- flat) x variance, before post-phase copies and swaps), then every skill event in order,
-- then the outcome.
declare
  v_b stardust.battles;
begin
  select * into v_b from stardust.battles b where b.id = p_battle_id;
  if not found then
    raise exception 'Battle % does not exist', coalesce(p_battle_id::text, 'NULL')
      using errcode = 'SDARG', hint = 'Battle ids are shown with every fight.';
  end if;
  return query
  with units as (
    select u.ord, u.val from jsonb_array_elements(v_b.result -> 'units') with ordinality u(val, ord)
  ), events as (
    select e.ord, e.val from jsonb_array_elements(v_b.result -> 'events') with ordinality e(val, ord)
  )
  select (row_number() over (order by x.grp, x.ord))::integer, x.kind, x.side, x.slot, x.name,
         x.rarity, x.base, x.mult, x.flat, x.variance, x.final, x.skill, x.detail
    from (
      select 1 as grp, u.ord, 'unit'::text as kind, u.val ->> 'side' as side,
             (u.val ->> 'slot')::integer as slot, u.val ->> 'name' as name,
             u.val ->> 'rarity' as rarity, (u.val ->> 'base')::numeric as base,
             (u.val ->> 'mult')::numeric as mult, (u.val ->> 'flat')::numeric as flat,
             (u.val ->> 'variance')::numeric as variance, (u.val ->> 'final')::numeric as final,
             null::text as skill,
             case when jsonb_array_length(u.val -> 'suppressed') > 0
                  then 'suppressed: ' || (select string_agg(s, ', ')
                                            from jsonb_array_elements_text(u.val -> 'suppressed') s)
             end as detail
        from units u
      union all
      select 2, e.ord, 'event', e.val ->> 'side', (e.val ->> 'slot')::integer, e.val ->> 'unit',
             null, null, null, null, null, null, e.val ->> 'skill',
             (e.val ->> 'phase') || ': ' || (e.val ->> 'effect')
               || case when e.val ? 'roll'
                       then format(' (roll %s)', round((e.val ->> 'roll')::numeric, 4))
                       else '' end
        from events e
      union all
      select 3, 1, 'outcome', null, null, null, null, null, null, null, null, null, null,
             format('%s: %s against %s (seed %s)', v_b.result ->> 'outcome',
                    to_char((v_b.result ->> 'attacker_power')::numeric, 'FM999,999,999,999,990'),
                    to_char((v_b.result ->> 'defender_power')::numeric, 'FM999,999,999,999,990'),
                    v_b.seed)
    ) x
   order by x.grp, x.ord;
end
$$;
revoke all on function stardust.battle_log(bigint) from public;
grant execute on function stardust.battle_log(bigint) to stardust_bot;
comment on function stardust.battle_log(bigint) is
  E'Explain a battle: each unit''s base power, multiplier, flat bonus, variance and final '
  'power, every skill that fired (with its roll), the outcome.\n'
  'select * from stardust.battle_log(p_battle_id => 7);';
