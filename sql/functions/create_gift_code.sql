create or replace function stardust.create_gift_code(
  p_code        text,
  p_rewards     jsonb,
  p_usage_limit integer,
  p_expires_at  timestamptz default null)
returns stardust.gift_codes
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_code text := upper(btrim(p_code));
  v_row  stardust.gift_codes;
begin
  if v_code is null or v_code !~ '^[A-Z0-9_-]{3,32}$' then
    raise exception 'A code is 3 to 32 letters, digits, _ or -' using errcode = 'SDARG',
      hint = 'For example WELCOME2026.';
  end if;
  if p_usage_limit is null or p_usage_limit < 1 then
    raise exception 'The usage limit must be at least 1' using errcode = 'SDARG',
      hint = 'p_usage_limit => 100';
  end if;
  if p_expires_at is not null and p_expires_at <= stardust._now() then
    raise exception 'The code would expire in the past (%)', p_expires_at
      using errcode = 'SDARG', hint = 'p_expires_at => now() + interval ''7 days''';
  end if;
  insert into stardust.gift_codes (code, rewards, usage_limit, expires_at)
  values (v_code, stardust._check_rewards(p_rewards), p_usage_limit, p_expires_at)
  on conflict (code) do nothing
  returning * into v_row;
  if not found then
    raise exception 'Code % already exists', v_code using errcode = 'SDDON',
      hint = 'Pick another code.';
  end if;
  return v_row;
end
$$;
revoke all on function stardust.create_gift_code(text, jsonb, integer, timestamptz) from public;
comment on function stardust.create_gift_code(text, jsonb, integer, timestamptz) is
  E'Admin: create a gift code (case-insensitive, stored upper-case) paying p_rewards '
  '{"gems", "coins", "items": {item: qty}} once per player, to at most p_usage_limit players, '
  'until p_expires_at (null: never). SDARG bad code/rewards/limit/expiry, SDDON exists.\n'
  'select * from stardust.create_gift_code(''WELCOME'', ''{"gems": 5000}'', 100, '
  'now() + interval ''7 days'');';
