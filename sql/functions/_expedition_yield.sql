create or replace function stardust._expedition_yield(
  p_user_id bigint,
  p_from    timestamptz,
  p_to      timestamptz,
  out o_power    bigint,
  out o_per_hour numeric,
  out o_mult     numeric,
  out o_hours    numeric,
  out o_gems     bigint,
  out o_xp       bigint)
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
-- What an expedition has earned between two moments. The deployed units' total power P
-- gives pulls per day: P < 20k: P/20,000 x 10; P < 60k: 10 + (P - 20,000)/4,000; else
-- min(25, 20 + (P - 60,000)/4,000); gems per hour = that x 1,000 / 24, x (1 + Hardworker
-- per deployed unit + Master of Coin per owned unit + The Long Road x min(hours, 24)/24 once
-- if a deployed unit has it: it does not stack), accruing for at most expedition_max_hours. 1 team XP per minute.
-- The Master of Coin share (per owned unit) is the one fixed when the expedition started
-- (expeditions.owned_bonus), so this reads the deployed units only, never the collection.
declare
  v_max numeric := (stardust._setting('expedition_max_hours'))::numeric;
  v_pd  numeric;
begin
  select coalesce(sum(stardust.unit_power(c.true_power, i.dupe_level, i.bond_level,
                                          u.team_level)), 0)
    into o_power
    from stardust.inventory i
    join stardust.characters c on c.anilist_id = i.anilist_id
    join stardust.users u on u.user_id = i.user_id
   where i.user_id = p_user_id and i.expedition_slot is not null;
  v_pd := case when o_power < 20000 then o_power / 20000.0 * 10
               when o_power < 60000 then 10 + (o_power - 20000) / 4000.0
               else least(25, 20 + (o_power - 60000) / 4000.0) end;
  o_per_hour := v_pd * 1000 / 24;
  o_hours := least(v_max, greatest(0, extract(epoch from p_to - p_from) / 3600));
  -- each unit's share per skill; a skill that stacks adds its shares, one that does not
  -- (skills.stacks = false, e.g. The Long Road) counts once, at its largest share
  -- deployed units' skills (at most 5 units) plus the owned-unit share fixed at start
  select 1 + coalesce(sum(x.share), 0)
         + coalesce((select e.owned_bonus from stardust.expeditions e
                      where e.user_id = p_user_id),
                    stardust._expedition_owned_bonus(p_user_id))
    into o_mult
    from (select case when bool_and(s.stacks) then sum(y.share) else max(y.share) end as share
            from (select s.name,
                         case s.params ->> 'per'
                           when 'deployed' then (s.params ->> 'pct')::numeric
                           when 'hours' then (s.params ->> 'pct')::numeric
                                  * least(o_hours, (s.params ->> 'hours')::numeric)
                                  / (s.params ->> 'hours')::numeric
                         end as share
                    from stardust.inventory i
                    join stardust.characters c on c.anilist_id = i.anilist_id
                    cross join lateral unnest(c.ability_tags) t(name)
                    join stardust.skills s on s.name = t.name and s.kind = 'expedition_yield'
                   where i.user_id = p_user_id and i.expedition_slot is not null
                     and s.params ->> 'per' <> 'owned') y
            join stardust.skills s on s.name = y.name
           group by s.name) x;
  -- divide by 24 last: o_per_hour is a rounded quotient, and 24 h x a rounded rate fell a
  -- gem short (60,000 power paid 19,999 for a day, not 20,000)
  o_gems := floor(v_pd * 1000 * o_hours * o_mult / 24);
  o_xp := floor(o_hours * 60);
end
$$;
revoke all on function stardust._expedition_yield(bigint, timestamptz, timestamptz) from public;
comment on function stardust._expedition_yield(bigint, timestamptz, timestamptz) is
  'Internal: an expedition''s power, rate, multiplier and the gems and team XP earned '
  'between two moments (capped at expedition_max_hours).';
