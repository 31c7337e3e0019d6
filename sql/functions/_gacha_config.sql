create or replace function stardust._gacha_config()
returns jsonb
language plpgsql stable
set search_path = ''
as $$
-- Every gacha tunable in one read (settings is a small table).
declare
  v_cfg jsonb;
  v_key     text;
  v_missing text;
begin
  select jsonb_object_agg(s.key, s.value) into v_cfg from stardust.settings s;
  foreach v_key in array array['pull_cost', 'pull_max', 'rate_ssr', 'rate_sr', 'pity_hard',
                               'ten_pull_guarantee', 'dupe_cap', 'scrap_gems', 'scrap_coins',
                               'starter_pulls', 'scrap_max_units'] loop
    if not coalesce(v_cfg ? v_key, false) then
      v_missing := v_key;
      exit;
    end if;
  end loop;
  if v_missing is not null then
    raise exception 'Setting % is missing', v_missing
      using errcode = 'P0002', hint = 'Run stardust migrate; settings are seeded by migrations.';
  end if;
  return v_cfg;
end
$$;
revoke all on function stardust._gacha_config() from public;
comment on function stardust._gacha_config() is
  'Internal: all settings as one JSON object, checking the gacha''s keys are present.';
