create or replace function stardust.load_preset(
  p_user_id    bigint,
  p_name       text,
  p_request_id text default null)
returns table (slot integer, inventory_id bigint, anilist_id integer, name text,
               rarity text, power bigint, image_url text)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_name    text := stardust._preset_name(p_name);
  v_preset  stardust.team_presets;
  v_missing bigint;
  v_args    jsonb := jsonb_build_object('name', v_name);
  v_result  jsonb;
begin
  perform stardust._lock_user(p_user_id);
  -- a retry answers the team the first call set and loads nothing again
  v_result := stardust._idem_get(p_user_id, p_request_id, 'load_preset', v_args);
  if v_result is null then
    select * into v_preset from stardust.team_presets t
     where t.user_id = p_user_id and lower(t.name) = lower(v_name);
    if not found then
      raise exception 'You have no preset named "%"', v_name using errcode = 'SDARG',
        hint = 'See your presets with /preset list.';
    end if;
    select x into v_missing from unnest(v_preset.inventory_ids) x
     where x is not null
       and not exists (select 1 from stardust.inventory i
                        where i.id = x and i.user_id = p_user_id)
     limit 1;
    if v_missing is not null then
      raise exception 'Preset "%" holds unit #%, which you no longer own', v_preset.name,
        v_missing using errcode = 'SDOWN', hint = 'Save the preset again with your current units.';
    end if;
    -- no request id inside: this call's request is recorded here, as a load_preset
    select coalesce(jsonb_agg(to_jsonb(t) order by t.slot), '[]'::jsonb) into v_result
      from stardust.set_team(p_user_id, v_preset.inventory_ids, null) t;
    perform stardust._idem_put(p_user_id, p_request_id, 'load_preset', v_args, v_result);
  end if;
  return query
  select x.slot, x.inventory_id, x.anilist_id, x.name, x.rarity, x.power, x.image_url
    from jsonb_to_recordset(v_result) as x(slot integer, inventory_id bigint,
                                            anilist_id integer, name text, rarity text,
                                            power bigint, image_url text)
   order by x.slot;
end
$$;
revoke all on function stardust.load_preset(bigint, text, text) from public;
grant execute on function stardust.load_preset(bigint, text, text) to stardust_bot;
comment on function stardust.load_preset(bigint, text, text) is
  E'Make a saved preset the team. Fails, changing nothing, when one of its units was '
  'scrapped since (SDOWN) or is on an expedition (SDLCK). Same p_request_id = same result.\n'
  'select * from stardust.load_preset(p_user_id => 42, p_name => ''bounty'');';
