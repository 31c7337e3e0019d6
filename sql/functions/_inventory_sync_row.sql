create or replace function stardust._inventory_sync_row()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- The update half of _inventory_sync, per row, for the rare updates that change what the
-- users counters hold (issue 12, the lighter 10-pull): the trigger's WHEN clause lets
-- through only a unit that changed hands or rarity (SQL editor, catalogue) and a team
-- member that came, went or changed power. A pull's copies raise dupe levels of units that
-- are not in the team: no trigger runs for them at all (a statement trigger with transition
-- tables ran for every 10-pull and found nothing to do).
-- Row triggers run at the end of the statement, in the order of the rows: the team's power
-- is recomputed from the table as the statement left it (at most 5 rows), so the first row
-- of a team change writes the exact value and the others find nothing to change. Users
-- rows are updated in ascending user_id order.
begin
  if (old.user_id, old.char_rarity) is distinct from (new.user_id, new.char_rarity) then
    -- per user (an UPDATE ... FROM applies one joined row per target row: the unit's
    -- owner appears twice when only its rarity changed)
    update stardust.users u
       set units_total = u.units_total + d.n, units_r = u.units_r + d.r,
           units_sr = u.units_sr + d.sr, units_ssr = u.units_ssr + d.ssr
      from (select x.user_id, sum(x.s)::integer as n,
                   coalesce(sum(x.s) filter (where x.rarity = 'R'), 0)::integer as r,
                   coalesce(sum(x.s) filter (where x.rarity = 'SR'), 0)::integer as sr,
                   coalesce(sum(x.s) filter (where x.rarity = 'SSR'), 0)::integer as ssr
              from (values (old.user_id, old.char_rarity, -1),
                           (new.user_id, new.char_rarity, 1)) x(user_id, rarity, s)
             group by x.user_id
             order by x.user_id) d
     where u.user_id = d.user_id;
  end if;
  if old.team_slot is not null or new.team_slot is not null then
    perform stardust._team_power_refresh(array[old.user_id, new.user_id]);
  end if;
  return null;
end
$$;
revoke all on function stardust._inventory_sync_row() from public;
comment on function stardust._inventory_sync_row() is
  'Trigger (row, after update, WHEN filtered): moves a unit''s count between users or '
  'rarities and recomputes team_power when a team member came, went or changed power.';

create or replace trigger inventory_sync_row
  after update on stardust.inventory
  for each row
  when ((old.user_id, old.char_rarity) is distinct from (new.user_id, new.char_rarity)
        or ((old.team_slot is not null or new.team_slot is not null)
            and (old.team_slot, old.power_key, old.user_id)
                  is distinct from (new.team_slot, new.power_key, new.user_id)))
  execute function stardust._inventory_sync_row();
