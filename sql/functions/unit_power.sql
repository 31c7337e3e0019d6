create or replace function stardust.unit_power(
  p_true_power integer,
  p_dupe_level integer,
  p_bond_level integer,
  p_team_level integer)
returns bigint
language plpgsql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
begin
  -- Bounds (docs/API.md "Bounds") far above anything stored (a team level of 10^6 needs more
  -- XP than a bigint holds), low enough that the product always fits a bigint. Checked
  -- here, not by a helper: the bot calls this directly and may execute no private function.
  if p_true_power < 0 or p_dupe_level not between 0 and 1000
     or p_bond_level not between 0 and 1000 or p_team_level not between 0 and 1000000 then
    raise exception 'Unit power takes a true power of 0 or more, dupe and bond levels 0-1,000 '
                    'and a team level 0-1,000,000; got %, %, %, %',
                    p_true_power, p_dupe_level, p_bond_level, p_team_level
      using errcode = 'SDARG', hint = 'select stardust.unit_power(10000, 3, 1, 1);';
  end if;
  -- The one power formula (DESIGN.md "Power"), exact in numeric.
  return floor(p_true_power::numeric * (1 + 0.05 * p_dupe_level) * (1 + 0.005 * p_bond_level)
               * (1 + 0.01 * p_team_level))::bigint;
end
$$;
revoke all on function stardust.unit_power(integer, integer, integer, integer) from public;
grant execute on function stardust.unit_power(integer, integer, integer, integer) to stardust_bot;
comment on function stardust.unit_power(integer, integer, integer, integer) is
  E'Power of one unit: floor(true_power * (1 + 0.05 dupe_level) * (1 + 0.005 bond_level) * '
  '(1 + 0.01 team_level)). Used by inventory, teams, battles and expeditions alike. '
  'SDARG for a negative true power, dupe/bond levels outside 0-1,000, a team level outside '
  '0-1,000,000.\n'
  'select stardust.unit_power(10000, 3, 1, 1);';
