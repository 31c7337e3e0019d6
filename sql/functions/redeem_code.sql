create or replace function stardust.redeem_code(
  p_user_id    bigint,
  p_code       text,
  p_request_id text default null)
returns table (code text, gems bigint, coins bigint, items jsonb)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Lock order: the user, then the code row (the shared row), which serialises redemptions of
-- one code so the limit is exact.
declare
  v_code   text := upper(btrim(p_code));
  v_args   jsonb := jsonb_build_object('code', upper(btrim(p_code)));
  v_result jsonb;
  v_gc     stardust.gift_codes;
begin
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'redeem_code', v_args);
  if v_result is null then
    select * into v_gc from stardust.gift_codes g where g.code = v_code for no key update;
    if not found then
      raise exception 'There is no code %', coalesce(v_code, 'NULL') using errcode = 'SDARG',
        hint = 'Codes are announced by the server''s admins.';
    end if;
    if exists (select 1 from stardust.code_redemptions r
                where r.code = v_code and r.user_id = p_user_id) then
      raise exception 'You already redeemed %', v_code using errcode = 'SDDON',
        hint = 'Each code works once per player.';
    end if;
    if v_gc.expires_at is not null and v_gc.expires_at <= stardust._now() then
      raise exception 'Code % expired', v_code using errcode = 'SDARG',
        hint = format('It ran until %s UTC.', to_char(v_gc.expires_at at time zone 'UTC',
                                                      'YYYY-MM-DD HH24:MI'));
    end if;
    if v_gc.used >= v_gc.usage_limit then
      raise exception 'Code % has been fully redeemed', v_code using errcode = 'SDDON',
        hint = format('All %s redemptions are taken.', v_gc.usage_limit);
    end if;
    update stardust.gift_codes g set used = g.used + 1 where g.code = v_code;
    insert into stardust.code_redemptions (code, user_id) values (v_code, p_user_id);
    perform stardust._give_rewards(p_user_id, v_gc.rewards, 'gift_code', p_request_id);
    v_result := jsonb_build_object('code', v_code,
                                   'gems', coalesce((v_gc.rewards ->> 'gems')::bigint, 0),
                                   'coins', coalesce((v_gc.rewards ->> 'coins')::bigint, 0),
                                   'items', coalesce(v_gc.rewards -> 'items', '{}'::jsonb));
    perform stardust._idem_put(p_user_id, p_request_id, 'redeem_code', v_args, v_result);
  end if;
  return query select v_result ->> 'code', (v_result ->> 'gems')::bigint,
                      (v_result ->> 'coins')::bigint, v_result -> 'items';
end
$$;
revoke all on function stardust.redeem_code(bigint, text, text) from public;
grant execute on function stardust.redeem_code(bigint, text, text) to stardust_bot;
comment on function stardust.redeem_code(bigint, text, text) is
  E'Redeem a gift code (case-insensitive): its rewards, once per player, while redemptions '
  'last and before it expires. SDARG unknown or expired, SDDON already redeemed by you or '
  'fully redeemed.\nselect * from stardust.redeem_code(p_user_id => 42, p_code => ''welcome'');';
