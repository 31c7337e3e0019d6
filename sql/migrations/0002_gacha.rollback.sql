-- Drop the functions that use what 0002 created (their files are redeployed by the next
-- migrate); functions that only use 0001's tables keep working and are left alone.
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'stardust'::regnamespace
       and (p.prosrc ~ '\m(team_slot|expedition_slot|scrap_log|pull_result|_gacha_config|scrap_max_units|_award|_draw|_pay_scrap|_lock_units|_unit_ids)\M'
            or p.prorettype = 'stardust.pull_result'::regtype
            or p.proname in ('_award', '_draw', '_pay_scrap', '_lock_units', '_unit_ids',
                            '_gacha_config'))
  loop
    execute format('drop function %s', f);
  end loop;
end
$$;
delete from stardust.settings where key in ('pull_cost', 'pull_max', 'rate_ssr', 'rate_sr',
  'pity_hard', 'ten_pull_guarantee', 'dupe_cap', 'scrap_gems', 'scrap_coins', 'starter_pulls',
  'scrap_max_units');
drop table stardust.scrap_log;
drop index stardust.inventory_team_idx;
drop index stardust.inventory_expedition_idx;
alter table stardust.inventory
  drop constraint inventory_team_or_expedition,
  drop column team_slot,
  drop column expedition_slot;
