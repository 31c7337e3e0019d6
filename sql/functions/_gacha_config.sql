create or replace function stardust._gacha_config()
returns jsonb
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
-- The gacha's tunables in one read of their rows (settings is a small table), checking
-- they are all there.
declare
  v_keys    constant text[] := array['pull_cost', 'pull_max', 'rate_ssr', 'rate_sr',
                                     'pity_hard', 'ten_pull_guarantee', 'dupe_cap',
                                     'scrap_gems', 'scrap_coins', 'starter_pulls',
                                     'scrap_max_units'];
  v_cfg     jsonb;
  v_missing text;
begin
  select jsonb_object_agg(s.key, s.value) into v_cfg
    from stardust.settings s where s.key = any(v_keys);
  if not coalesce(v_cfg ?& v_keys, false) then
    select k into v_missing from unnest(v_keys) k where not coalesce(v_cfg ? k, false) limit 1;
    raise exception 'Setting % is missing', v_missing
      using errcode = 'P0002', hint = 'Run stardust migrate; settings are seeded by migrations.';
  end if;
  return v_cfg;
end
$$;
revoke all on function stardust._gacha_config() from public;
comment on function stardust._gacha_config() is
  'Internal: the gacha''s settings as one JSON object, checking they are all present.';
