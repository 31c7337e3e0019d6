create or replace function stardust.set_team(
  p_user_id       bigint,
  p_inventory_ids bigint[],
  p_request_id    text default null)
returns table (slot integer, inventory_id bigint, anilist_id integer, name text,
               rarity text, power bigint, image_url text)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_ids    bigint[];
  v_away   bigint;
  v_args   jsonb := jsonb_build_object('units', p_inventory_ids);
  v_result jsonb;
begin
  if p_inventory_ids is null or cardinality(p_inventory_ids) > 5
     or array_ndims(p_inventory_ids) > 1 then
    raise exception 'A team is a list of at most 5 units' using errcode = 'SDARG',
      hint = 'Array position is the slot (1-5); null leaves a slot empty.';
  end if;
  v_ids := array(select x from unnest(p_inventory_ids) x where x is not null order by x);
  if cardinality(v_ids) <> (select count(distinct x) from unnest(v_ids) x) then
    raise exception 'A unit appears twice in the team' using errcode = 'SDARG',
      hint = 'Each unit can fill one slot.';
  end if;
  perform stardust._lock_user(p_user_id);
  -- a retry returns the team the first call set, not the team now (which a later change may
  -- have replaced: setting the first one again would revert it)
  v_result := stardust._idem_get(p_user_id, p_request_id, 'set_team', v_args);
  if v_result is null then
    -- new members must be ours (SDOWN); then the old members and the new ones are locked
    -- together in ascending id (the update below clears the old ones: locking the new ones
    -- first and the old ones in that update took inventory rows out of order, issue 11 s. 5).
    -- The team cannot change meanwhile: we hold the user's lock.
    perform stardust._lock_units(p_user_id, array(
      select x from unnest(v_ids) x
       union
      select i.id from stardust.inventory i
       where i.user_id = p_user_id and i.team_slot is not null
       order by 1));
    select i.id into v_away from stardust.inventory i
     where i.id = any(v_ids) and i.expedition_slot is not null order by i.id limit 1;
    if v_away is not null then
      raise exception 'Unit #% is on an expedition', v_away using errcode = 'SDLCK',
        hint = 'Recall it from the expedition first.';
    end if;
    update stardust.inventory i set team_slot = null
     where i.user_id = p_user_id and i.team_slot is not null;
    update stardust.inventory i set team_slot = s.ord
      from unnest(p_inventory_ids) with ordinality s(id, ord)
     where i.id = s.id;
    perform stardust._achieve(p_user_id, array['team_power']);
    select coalesce(jsonb_agg(jsonb_build_object(
             'slot', i.team_slot, 'inventory_id', i.id, 'anilist_id', i.anilist_id,
             'name', c.name, 'rarity', c.rarity,
             'power', stardust.unit_power(c.true_power, i.dupe_level, i.bond_level,
                                          u.team_level),
             'image_url', c.image_url) order by i.team_slot), '[]'::jsonb)
      into v_result
      from stardust.inventory i
      join stardust.characters c on c.anilist_id = i.anilist_id
      join stardust.users u on u.user_id = i.user_id
     where i.user_id = p_user_id and i.team_slot is not null;
    perform stardust._idem_put(p_user_id, p_request_id, 'set_team', v_args, v_result);
  end if;
  return query
  select x.slot, x.inventory_id, x.anilist_id, x.name, x.rarity, x.power, x.image_url
    from jsonb_to_recordset(v_result) as x(slot integer, inventory_id bigint,
                                            anilist_id integer, name text, rarity text,
                                            power bigint, image_url text)
   order by x.slot;
end
$$;
revoke all on function stardust.set_team(bigint, bigint[], text) from public;
grant execute on function stardust.set_team(bigint, bigint[], text) to stardust_bot;
comment on function stardust.set_team(bigint, bigint[], text) is
  E'Set the 5-slot team: array position = slot, null = empty slot, empty array = no team. '
  'Units must be yours (SDOWN), distinct and at most 5 (SDARG), not on an expedition '
  '(SDLCK). Returns the team with each unit''s power. Same p_request_id = same result '
  '(a retry never reverts a later change).\n'
  'select * from stardust.set_team(p_user_id => 42, p_inventory_ids => array[17, 18, null, 20]);';
