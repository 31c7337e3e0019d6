create or replace function stardust._credit(
  p_user_id    bigint,
  p_gems       bigint,
  p_coins      bigint,
  p_reason     text,
  p_request_id text default null)
returns stardust.users
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- How gems and coins change: balance update and ledger row together, never below zero. The
-- caller holds the users row lock. (pull, the hot path, settles its charge and refund in its
-- own single update with both ledger rows; tests check every balance against the ledger.)
declare
  v_user stardust.users;
begin
  if coalesce(p_gems, 0) = 0 and coalesce(p_coins, 0) = 0 then
    return null;                      -- nothing moves, nothing is written
  end if;
  -- Bounds (docs/API.md): at most 10^15 a move, balances at most 10^18, so no sum overflows
  if coalesce(p_gems, 0) not between -1000000000000000 and 1000000000000000
     or coalesce(p_coins, 0) not between -1000000000000000 and 1000000000000000 then
    raise exception 'At most 10^15 gems and 10^15 coins can move at once' using errcode = 'SDARG',
      hint = 'Split the amount.';
  end if;
  update stardust.users u
     set gems = u.gems + coalesce(p_gems, 0),
         coins = u.coins + coalesce(p_coins, 0)
   where u.user_id = p_user_id
     and u.gems::numeric + coalesce(p_gems, 0) >= 0
     and u.coins::numeric + coalesce(p_coins, 0) >= 0
     and (coalesce(p_gems, 0) <= 0 or u.gems::numeric + p_gems <= 1000000000000000000)
     and (coalesce(p_coins, 0) <= 0 or u.coins::numeric + p_coins <= 1000000000000000000)
  returning * into v_user;
  if not found then
    select * into v_user from stardust.users u where u.user_id = p_user_id;
    if not found then
      raise exception 'User % does not exist', p_user_id using errcode = 'SDARG',
        hint = 'Call stardust.get_user first.';
    end if;
    if (coalesce(p_gems, 0) > 0 and v_user.gems::numeric + p_gems > 1000000000000000000)
       or (coalesce(p_coins, 0) > 0 and v_user.coins::numeric + p_coins > 1000000000000000000) then
      raise exception 'That would take a balance past its maximum (10^18)' using errcode = 'SDARG',
        hint = 'Gems and coins are capped at 1,000,000,000,000,000,000.';
    end if;
    if v_user.gems + coalesce(p_gems, 0) < 0 then
      raise exception 'Not enough gems: % needed, % held', -p_gems, v_user.gems
        using errcode = 'SDNSF',
              detail = format('missing_gems=%s', -p_gems - v_user.gems),
              hint = 'Claim your daily or scrap duplicates.';
    end if;
    raise exception 'Not enough coins: % needed, % held', -p_coins, v_user.coins
      using errcode = 'SDNSF',
            detail = format('missing_coins=%s', -p_coins - v_user.coins),
            hint = 'Coins come from scrapping units and bounties.';
  end if;
  insert into stardust.ledger (user_id, gems_delta, coins_delta, reason, request_id)
  values (p_user_id, coalesce(p_gems, 0), coalesce(p_coins, 0), p_reason, p_request_id);
  return v_user;
end
$$;
revoke all on function stardust._credit(bigint, bigint, bigint, text, text) from public;
comment on function stardust._credit(bigint, bigint, bigint, text, text) is
  'Internal: add (or take, when negative) gems and coins and write the ledger row; SDNSF '
  'when a balance would go below zero, SDARG for a move over 10^15 or a balance over 10^18. '
  'Caller holds the users row lock.';
