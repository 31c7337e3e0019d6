create or replace function stardust._check_rewards(p_rewards jsonb)
returns jsonb
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
-- Validates a rewards object {"gems": n, "coins": n, "items": {"item": qty}} and returns it
-- normalised (zero amounts dropped, whole numbers written as integers: 1000.0 -> 1000);
-- SDARG with the first problem otherwise.
declare
  v_key  text;
  v_item record;
  v_out  jsonb := '{}'::jsonb;
begin
  if p_rewards is null or jsonb_typeof(p_rewards) <> 'object' then
    raise exception 'Rewards must be an object' using errcode = 'SDARG',
      hint = '{"gems": 5000, "coins": 100, "items": {"ssr_token": 1}}';
  end if;
  for v_key in select jsonb_object_keys(p_rewards) loop
    if v_key not in ('gems', 'coins', 'items') then
      raise exception 'Unknown reward "%"', v_key using errcode = 'SDARG',
        hint = 'Rewards are gems, coins and items.';
    end if;
  end loop;
  foreach v_key in array array['gems', 'coins'] loop
    if p_rewards ? v_key then
      if jsonb_typeof(p_rewards -> v_key) <> 'number'
         or (p_rewards ->> v_key)::numeric <> floor((p_rewards ->> v_key)::numeric)
         or (p_rewards ->> v_key)::numeric not between 0 and 1000000000 then
        raise exception 'Reward % must be a whole number from 0 to 1,000,000,000', v_key
          using errcode = 'SDARG', hint = '{"gems": 5000}';
      end if;
      -- (through numeric: 1000.0 is whole, but its text does not cast to bigint)
      if (p_rewards ->> v_key)::numeric > 0 then
        v_out := v_out || jsonb_build_object(v_key, (p_rewards ->> v_key)::numeric::bigint);
      end if;
    end if;
  end loop;
  if p_rewards ? 'items' then
    if jsonb_typeof(p_rewards -> 'items') <> 'object' then
      raise exception 'Reward items must be an object of item -> quantity'
        using errcode = 'SDARG', hint = '{"items": {"ssr_token": 1}}';
    end if;
    for v_item in select * from jsonb_each(p_rewards -> 'items') loop
      if not exists (select 1 from stardust.items i where i.item = v_item.key) then
        raise exception 'Unknown item "%"', v_item.key using errcode = 'SDARG',
          hint = 'See stardust.items.';
      end if;
      if jsonb_typeof(v_item.value) <> 'number'
         or (v_item.value #>> '{}')::numeric <> floor((v_item.value #>> '{}')::numeric)
         or (v_item.value #>> '{}')::numeric not between 1 and 10000 then
        raise exception 'Quantity of % must be a whole number from 1 to 10,000', v_item.key
          using errcode = 'SDARG', hint = '{"items": {"ssr_token": 1}}';
      end if;
    end loop;
    -- quantities as integers: 1.0 is whole, but its text '1.0' does not cast to integer
    -- (no items, {}: nothing to add, as a zero amount)
    v_out := v_out || coalesce((
      select jsonb_build_object('items',
                                jsonb_object_agg(i.key, (i.value #>> '{}')::numeric::integer))
        from jsonb_each(p_rewards -> 'items') i
      having count(*) > 0), '{}'::jsonb);
  end if;
  if v_out = '{}'::jsonb then
    raise exception 'Rewards are empty' using errcode = 'SDARG',
      hint = '{"gems": 5000, "coins": 100, "items": {"ssr_token": 1}}';
  end if;
  return v_out;
end
$$;
revoke all on function stardust._check_rewards(jsonb) from public;
comment on function stardust._check_rewards(jsonb) is
  'Internal: validate and normalise a rewards object (gems, coins, items); SDARG otherwise.';
