create or replace function stardust.use_token(
  p_user_id      bigint,
  p_inventory_id bigint,
  p_request_id   text default null)
returns table (inventory_id bigint, name text, dupe_level integer, tokens_left integer,
               power bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- An SSR Token gives +1 dupe level to an owned SSR below the cap (locked or teamed units
-- too: nothing leaves the collection).
declare
  v_args   jsonb := jsonb_build_object('unit', p_inventory_id);
  v_result jsonb;
  v_cap    integer := (stardust._gacha_config() ->> 'dupe_cap')::integer;
  v_unit   record;
  v_held   integer;
begin
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'use_token', v_args);
  if v_result is null then
    perform stardust._lock_units(p_user_id, array[p_inventory_id]);
    select i.id, i.dupe_level, i.team_slot, c.name, c.rarity into v_unit
      from stardust.inventory i join stardust.characters c on c.anilist_id = i.anilist_id
     where i.id = p_inventory_id;
    if v_unit.rarity <> 'SSR' then
      raise exception '% is %, tokens work on SSRs only', v_unit.name, v_unit.rarity
        using errcode = 'SDARG', hint = 'Pick an SSR from /inventory rarity:SSR.';
    end if;
    if v_unit.dupe_level >= v_cap then
      raise exception '% is already at dupe level %', v_unit.name, v_cap
        using errcode = 'SDARG', hint = 'Use the token on another SSR; it was kept.';
    end if;
    update stardust.user_items ui set qty = ui.qty - 1
     where ui.user_id = p_user_id and ui.item = 'ssr_token' and ui.qty >= 1
    returning ui.qty into v_held;
    if not found then
      raise exception 'You have no SSR Token' using errcode = 'SDNSF',
        detail = 'missing_items=1', hint = 'Buy one with /shop items (2,000 coins).';
    end if;
    update stardust.inventory i set dupe_level = i.dupe_level + 1, updated_at = stardust._now()
     where i.id = p_inventory_id;
    if v_unit.team_slot is not null then
      perform stardust._achieve(p_user_id, array['team_power'], p_request_id);
    end if;
    v_result := jsonb_build_object('inventory_id', p_inventory_id, 'name', v_unit.name,
                                   'dupe_level', v_unit.dupe_level + 1, 'tokens_left', v_held,
                                   -- stored: a retry shows it even if the unit changed since
                                   'power', stardust._inventory_power(p_inventory_id));
    perform stardust._idem_put(p_user_id, p_request_id, 'use_token', v_args, v_result);
  end if;
  return query
  select (v_result ->> 'inventory_id')::bigint, v_result ->> 'name',
         (v_result ->> 'dupe_level')::integer, (v_result ->> 'tokens_left')::integer,
         -- (records from before the power was stored: the unit's power now)
         coalesce((v_result ->> 'power')::bigint,
                  stardust._inventory_power(p_inventory_id));
end
$$;
revoke all on function stardust.use_token(bigint, bigint, text) from public;
grant execute on function stardust.use_token(bigint, bigint, text) to stardust_bot;
comment on function stardust.use_token(bigint, bigint, text) is
  E'Use an SSR Token on one of your SSRs: +1 dupe level (+5 % power) up to 10. SDOWN not '
  'your unit, SDARG not an SSR or already at 10 (token kept), SDNSF no token.\n'
  'select * from stardust.use_token(p_user_id => 42, p_inventory_id => 7);';
