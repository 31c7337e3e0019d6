create or replace function stardust.expedition_start(
  p_user_id       bigint,
  p_inventory_ids bigint[],
  p_request_id    text default null)
returns table (slot integer, inventory_id bigint, name text, rarity text, power bigint,
               gems_per_hour numeric)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_ids    bigint[];
  v_busy   record;
  v_args   jsonb := jsonb_build_object('units', p_inventory_ids);
  v_result jsonb;
  v_new    boolean;
begin
  if array_ndims(p_inventory_ids) > 1 then      -- first: array_position refuses 2-D arrays
    raise exception 'Unit ids are a flat list' using errcode = 'SDARG',
      hint = 'Send 1 to 5 different units, e.g. array[17, 18].';
  end if;
  if p_inventory_ids is null or cardinality(p_inventory_ids) not between 1 and 5
     or array_position(p_inventory_ids, null) is not null
     or cardinality(p_inventory_ids) <> (select count(distinct x) from unnest(p_inventory_ids) x) then
    raise exception 'Send 1 to 5 different units' using errcode = 'SDARG',
      hint = 'Units in your team stay home.';
  end if;
  v_ids := p_inventory_ids;
  perform stardust._lock_user(p_user_id);
  -- a retry of the same request returns the rows the first call returned, stored with its
  -- request record (not the expedition out now: it may have been stopped and another sent)
  v_result := stardust._idem_get(p_user_id, p_request_id, 'expedition_start', v_args);
  v_new := v_result is null;
  if v_new then
    if exists (select 1 from stardust.expeditions e where e.user_id = p_user_id) then
      raise exception 'You already have an expedition out' using errcode = 'SDDON',
        hint = 'Claim it, or stop it to send other units.';
    end if;
    perform stardust._lock_units(p_user_id, (select array_agg(x order by x) from unnest(v_ids) x));
    select i.id, i.team_slot is not null as in_team into v_busy
      from stardust.inventory i
     where i.id = any(v_ids) and (i.team_slot is not null or i.expedition_slot is not null)
     order by i.id limit 1;
    if found then
      raise exception 'Unit #% is %', v_busy.id,
        case when v_busy.in_team then 'in your team' else 'already away' end
        using errcode = 'SDLCK', hint = 'Units in your team stay home.';
    end if;
    update stardust.inventory i set expedition_slot = s.ord
      from unnest(v_ids) with ordinality s(id, ord)
     where i.id = s.id;
    insert into stardust.expeditions (user_id, owned_bonus)
    values (p_user_id, stardust._expedition_owned_bonus(p_user_id));
  end if;
  if v_result is null or jsonb_typeof(v_result) <> 'array' then
    -- a new expedition (or a record from before results were stored, '{}': show the
    -- expedition out now, as those versions did)
    select coalesce(jsonb_agg(jsonb_build_object(
             'slot', i.expedition_slot, 'inventory_id', i.id, 'name', c.name,
             'rarity', c.rarity,
             'power', stardust.unit_power(c.true_power, i.dupe_level, i.bond_level,
                                          u.team_level),
             'gems_per_hour', round((stardust._expedition_yield(p_user_id, stardust._now(), stardust._now()))
                                      .o_per_hour, 1))
             order by i.expedition_slot), '[]'::jsonb)
      into v_result
      from stardust.inventory i
      join stardust.characters c on c.anilist_id = i.anilist_id
      join stardust.users u on u.user_id = i.user_id
     where i.user_id = p_user_id and i.expedition_slot is not null;
    if v_new then
      perform stardust._idem_put(p_user_id, p_request_id, 'expedition_start', v_args,
                                 v_result);
    end if;
  end if;
  return query
  select x.slot, x.inventory_id, x.name, x.rarity, x.power, x.gems_per_hour
    from jsonb_to_recordset(v_result) as x(slot integer, inventory_id bigint, name text,
                                            rarity text, power bigint, gems_per_hour numeric)
   order by x.slot;
end
$$;
revoke all on function stardust.expedition_start(bigint, bigint[], text) from public;
grant execute on function stardust.expedition_start(bigint, bigint[], text) to stardust_bot;
comment on function stardust.expedition_start(bigint, bigint[], text) is
  E'Send 1-5 units (not in the team) on an expedition; they earn gems from their power '
  '(see expedition_status) and cannot be scrapped or teamed while away. SDLCK in the team '
  'or away, SDOWN not yours, SDDON one is already out.\n'
  'select * from stardust.expedition_start(p_user_id => 42, p_inventory_ids => array[5, 6, 7]);';
