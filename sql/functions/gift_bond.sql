create or replace function stardust.gift_bond(
  p_user_id      bigint,
  p_inventory_id bigint,
  p_item         text,
  p_qty          integer default 1,
  p_request_id   text default null)
returns table (inventory_id bigint, bond_level integer, bond_exp integer,
               next_level_exp integer, items_used integer, items_left integer, power bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Gift bond items to a unit: each gives its bond EXP; level L -> L + 1 costs 50 + 50(L - 1);
-- the level stops at bond_cap and the items that would go past it are not used.
declare
  v_args   jsonb := jsonb_build_object('unit', p_inventory_id, 'item', p_item, 'qty', p_qty);
  v_result jsonb;
  v_exp    integer;
  v_cap    integer := (stardust._setting('bond_cap'))::integer;
  v_unit   stardust.inventory;
  v_held   integer;
  v_full   bigint;
  v_used   integer;
  v_total  bigint;
  v_level  integer;
begin
  select i.bond_exp into v_exp from stardust.items i where i.item = p_item;
  if v_exp is null then
    raise exception '% is not a bond gift', coalesce(p_item, 'NULL') using errcode = 'SDARG',
      hint = 'Bond gifts: bond_small, bond_med, bond_large, bond_ur.';
  end if;
  if p_qty is null or p_qty not between 1 and 10000 then
    raise exception 'Gift 1 to 10,000 items at a time' using errcode = 'SDARG',
      hint = 'p_qty => 1';
  end if;
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'gift_bond', v_args);
  if v_result is null then
    perform stardust._lock_units(p_user_id, array[p_inventory_id]);
    select * into v_unit from stardust.inventory i where i.id = p_inventory_id;
    select coalesce(max(ui.qty), 0) into v_held from stardust.user_items ui
     where ui.user_id = p_user_id and ui.item = p_item;
    if v_unit.team_slot is not null then
      perform stardust._achieve(p_user_id, array['team_power'], p_request_id);
    end if;
    if v_held < p_qty then
      raise exception 'You hold % %, not %', v_held, p_item, p_qty using errcode = 'SDNSF',
        detail = format('missing_items=%s', p_qty - v_held),
        hint = 'Bond gifts come from bounty wins.';
    end if;
    v_full := 25::bigint * v_cap * (v_cap - 1);
    if v_unit.bond_exp >= v_full then
      raise exception 'This unit''s bond is already at level %', v_cap using errcode = 'SDDON',
        hint = 'Gift the items to another unit; none were used.';
    end if;
    v_used := least(p_qty, ceil((v_full - v_unit.bond_exp)::numeric / v_exp)::integer);
    v_total := least(v_full, v_unit.bond_exp + v_used::bigint * v_exp);
    v_level := stardust._bond_level(v_total, v_cap);
    update stardust.inventory i set bond_exp = v_total, bond_level = v_level, updated_at = stardust._now()
     where i.id = p_inventory_id;
    update stardust.user_items ui set qty = ui.qty - v_used
     where ui.user_id = p_user_id and ui.item = p_item;
    if v_unit.team_slot is not null then
      perform stardust._achieve(p_user_id, array['team_power'], p_request_id);
    end if;
    v_result := jsonb_build_object(
      'inventory_id', p_inventory_id, 'bond_level', v_level, 'bond_exp', v_total,
      'next_level_exp', case when v_level >= v_cap then null else 25 * (v_level + 1) * v_level end,
      'items_used', v_used, 'items_left', v_held - v_used,
      -- the power after the gift, stored: a retry shows it even if the unit changed since
      'power', stardust._inventory_power(p_inventory_id));
    perform stardust._idem_put(p_user_id, p_request_id, 'gift_bond', v_args, v_result);
  end if;
  return query
  select (v_result ->> 'inventory_id')::bigint, (v_result ->> 'bond_level')::integer,
         (v_result ->> 'bond_exp')::integer, (v_result ->> 'next_level_exp')::integer,
         (v_result ->> 'items_used')::integer, (v_result ->> 'items_left')::integer,
         -- (records from before the power was stored: the unit's power now)
         coalesce((v_result ->> 'power')::bigint,
                  stardust._inventory_power(p_inventory_id));
end
$$;
revoke all on function stardust.gift_bond(bigint, bigint, text, integer, text) from public;
grant execute on function stardust.gift_bond(bigint, bigint, text, integer, text) to stardust_bot;
comment on function stardust.gift_bond(bigint, bigint, text, integer, text) is
  E'Gift bond items to one of your units: bond_small 10, bond_med 50, bond_large 250, '
  'bond_ur 2,500 EXP; level L -> L + 1 costs 50 + 50(L - 1) EXP, up to level 50 (items past '
  'it are kept). Bond level adds 0.5 % power per level. SDOWN not your unit, SDNSF not enough '
  'items, SDDON already at the cap.\n'
  'select * from stardust.gift_bond(p_user_id => 42, p_inventory_id => 17, p_item => ''bond_med'', p_qty => 3);';
