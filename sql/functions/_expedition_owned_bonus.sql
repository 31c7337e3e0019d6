create or replace function stardust._expedition_owned_bonus(p_user_id bigint)
returns numeric
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  -- the multiplier's share from expedition skills counted over every owned unit (Master of
  -- Coin: per = owned): a skill that stacks adds its share per unit, one that does not counts
  -- once. Read over the whole collection, so expedition_start computes it once and stores it
  -- on the expedition (expeditions.owned_bonus); status and claim never rescan the units.
  select coalesce(sum(x.share), 0)
    from (select case when bool_and(s.stacks) then sum((s.params ->> 'pct')::numeric)
                      else max((s.params ->> 'pct')::numeric) end as share
            from stardust.inventory i
            join stardust.characters c on c.anilist_id = i.anilist_id
            cross join lateral unnest(c.ability_tags) t(name)
            join stardust.skills s on s.name = t.name and s.kind = 'expedition_yield'
           where i.user_id = p_user_id and s.params ->> 'per' = 'owned'
           group by s.name) x
$$;
revoke all on function stardust._expedition_owned_bonus(bigint) from public;
comment on function stardust._expedition_owned_bonus(bigint) is
  'Internal: the expedition multiplier''s share from skills counted over every owned unit '
  '(fixed at expedition_start).';
