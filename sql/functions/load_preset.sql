create or replace function stardust.load_preset(p_user_id bigint, p_name text)
returns table (slot integer, inventory_id bigint, anilist_id integer, name text,
               rarity text, power bigint, image_url text)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_name    text := stardust._preset_name(p_name);
  v_preset  stardust.team_presets;
  v_missing bigint;
begin
  perform stardust._lock_user(p_user_id);
  select * into v_preset from stardust.team_presets t
   where t.user_id = p_user_id and lower(t.name) = lower(v_name);
  if not found then
    raise exception 'You have no preset named "%"', v_name using errcode = 'SDARG',
      hint = 'See your presets with /preset list.';
  end if;
  select x into v_missing from unnest(v_preset.inventory_ids) x
   where x is not null
     and not exists (select 1 from stardust.inventory i where i.id = x and i.user_id = p_user_id)
   limit 1;
  if v_missing is not null then
    raise exception 'Preset "%" holds unit #%, which you no longer own', v_preset.name, v_missing
      using errcode = 'SDOWN', hint = 'Save the preset again with your current units.';
  end if;
  return query select * from stardust.set_team(p_user_id, v_preset.inventory_ids);
end
$$;
revoke all on function stardust.load_preset(bigint, text) from public;
grant execute on function stardust.load_preset(bigint, text) to stardust_bot;
comment on function stardust.load_preset(bigint, text) is
  E'Make a saved preset the team. Fails, changing nothing, when one of its units was '
  'scrapped since (SDOWN) or is on an expedition (SDLCK).\n'
  'select * from stardust.load_preset(p_user_id => 42, p_name => ''bounty'');';
