create or replace function stardust._inventory_power(p_inventory_id bigint)
returns bigint
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  select stardust.unit_power(c.true_power, i.dupe_level, i.bond_level, u.team_level)
    from stardust.inventory i
    join stardust.characters c on c.anilist_id = i.anilist_id
    join stardust.users u on u.user_id = i.user_id
   where i.id = p_inventory_id
$$;
revoke all on function stardust._inventory_power(bigint) from public;
comment on function stardust._inventory_power(bigint) is
  'Internal: one unit''s power now (DESIGN.md''s formula, its owner''s team level), by '
  'inventory id; null for no such unit.';
