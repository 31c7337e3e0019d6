create or replace function stardust.grant(
  p_user_id    bigint,
  p_gems       bigint default 0,
  p_coins      bigint default 0,
  p_reason     text default 'admin',
  p_request_id text default null,
  p_admin_id   bigint default null)
returns stardust.users
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_user stardust.users;
  v_args jsonb := jsonb_build_object('gems', p_gems, 'coins', p_coins, 'reason', p_reason);
  v_prior jsonb;
  v_who   record;
begin
  if p_gems is null or p_coins is null or (p_gems = 0 and p_coins = 0) then
    raise exception 'Nothing to grant' using errcode = 'SDARG',
      hint = 'Give p_gems and/or p_coins (negative amounts take away).';
  end if;
  if p_gems not between -1000000000000000 and 1000000000000000      -- abs(-2^63) overflows
     or p_coins not between -1000000000000000 and 1000000000000000 then
    raise exception 'Grant at most 10^15 gems and 10^15 coins at once' using errcode = 'SDARG',
      hint = 'Amounts are -1,000,000,000,000,000 to 1,000,000,000,000,000.';
  end if;
  if p_reason is null or length(btrim(p_reason)) not between 1 and 100
     or p_reason ~ '[[:cntrl:]]' then
    raise exception 'A reason (1-100 characters, no control characters) is required'
      using errcode = 'SDARG',
      hint = 'It is written to the ledger.';
  end if;
  -- through the bot role: the acting admin's id is required and the day's caps apply
  -- (docs/SECURITY.md); the owner is not capped
  select * into v_who from stardust._invoker();
  if (p_admin_id is null and not v_who.o_owner) or p_admin_id <= 0 then
    raise exception 'A grant through the bot needs the acting admin''s Discord id'
      using errcode = 'SDARG',
            hint = 'Name the admin who asked for it by their Discord id (a positive number).';
  end if;
  v_args := v_args || jsonb_strip_nulls(jsonb_build_object('admin_id', p_admin_id));
  v_user := stardust._lock_user(p_user_id);
  v_prior := stardust._idem_get(p_user_id, p_request_id, 'grant', v_args);
  if v_prior is not null then
    return jsonb_populate_record(null::stardust.users, v_prior);
  end if;
  if not v_who.o_owner then
    perform stardust._count_bot_grant(p_gems, p_coins);
  end if;
  v_user := stardust._credit(p_user_id, p_gems, p_coins, btrim(p_reason), p_request_id);
  insert into stardust.admin_grants (user_id, admin_id, gems, coins, reason, request_id, via,
                                     db_role)
  values (p_user_id, p_admin_id, p_gems, p_coins, btrim(p_reason), p_request_id,
          case when v_who.o_owner then 'owner' else 'bot' end, v_who.o_role);
  perform stardust._idem_put(p_user_id, p_request_id, 'grant', v_args, to_jsonb(v_user));
  return v_user;
end
$$;
revoke all on function stardust.grant(bigint, bigint, bigint, text, text, bigint) from public;
grant execute on function stardust.grant(bigint, bigint, bigint, text, text, bigint) to stardust_bot;
comment on function stardust.grant(bigint, bigint, bigint, text, text, bigint) is
  E'Admin: give (or, with negative amounts, take away) gems and coins, with a ledger row. '
  'Taking more than the user holds raises SDNSF and changes nothing. Every grant is '
  'audited in stardust.admin_grants. Through the bot role p_admin_id (the acting admin''s '
  'Discord id) is required and the amounts given count against the daily caps '
  'bot_grant_daily_gems/coins (SDARG past them); the owner is not capped.\n'
  'select * from stardust.grant(p_user_id => 42, p_gems => 5000, p_reason => ''event prize'');';
