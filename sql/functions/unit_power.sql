create or replace function stardust.unit_power(
  p_true_power integer,
  p_dupe_level integer,
  p_bond_level integer,
  p_team_level integer)
returns bigint
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- The one power formula (DESIGN.md "Power"), exact in numeric.
  select floor(p_true_power::numeric * (1 + 0.05 * p_dupe_level) * (1 + 0.005 * p_bond_level)
               * (1 + 0.01 * p_team_level))::bigint
$$;
revoke all on function stardust.unit_power(integer, integer, integer, integer) from public;
grant execute on function stardust.unit_power(integer, integer, integer, integer) to stardust_bot;
comment on function stardust.unit_power(integer, integer, integer, integer) is
  E'Power of one unit: floor(true_power * (1 + 0.05 dupe_level) * (1 + 0.005 bond_level) * '
  '(1 + 0.01 team_level)). Used by inventory, teams, battles and expeditions alike.\n'
  'select stardust.unit_power(10000, 3, 1, 1);';
