create or replace function stardust._count_bot_grant(p_gems bigint, p_coins bigint)
returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Counts a grant made through the bot role against today's (UTC) caps, or refuses it: SDARG,
-- nothing counted, the hint and DETAIL (left_gems=, left_coins=) say what is left today.
-- Only amounts given count; taking away does not. The caller holds the users row lock; the
-- day's shared row comes after it (lock order: users, then shared rows). The upsert's guard
-- is evaluated on the row it locked, so parallel grants can never pass the cap together.
declare
  v_day       date := (stardust._now() at time zone 'UTC')::date;
  v_gems      bigint := greatest(coalesce(p_gems, 0), 0);
  v_coins     bigint := greatest(coalesce(p_coins, 0), 0);
  v_cap_gems  bigint := (stardust._setting('bot_grant_daily_gems'))::bigint;
  v_cap_coins bigint := (stardust._setting('bot_grant_daily_coins'))::bigint;
  v_left_gems  bigint;
  v_left_coins bigint;
begin
  if v_gems = 0 and v_coins = 0 then
    return;
  end if;
  if v_gems <= v_cap_gems and v_coins <= v_cap_coins then
    insert into stardust.bot_grant_days as d (day, gems, coins)
    values (v_day, v_gems, v_coins)
    on conflict (day) do update
       set gems = d.gems + excluded.gems, coins = d.coins + excluded.coins
     -- written as subtractions: no bigint overflow
     where excluded.gems <= v_cap_gems - d.gems and excluded.coins <= v_cap_coins - d.coins;
    if found then
      return;
    end if;
  end if;
  select greatest(v_cap_gems - coalesce(max(d.gems), 0), 0),
         greatest(v_cap_coins - coalesce(max(d.coins), 0), 0)
    into v_left_gems, v_left_coins
    from stardust.bot_grant_days d where d.day = v_day;
  raise exception 'Grants through the bot are limited to % gems and % coins a day',
    to_char(v_cap_gems, 'FM999,999,999,999,999,999,990'),
    to_char(v_cap_coins, 'FM999,999,999,999,999,999,990')
    using errcode = 'SDARG',
          detail = format('left_gems=%s left_coins=%s', v_left_gems, v_left_coins),
          hint = format('%s gems and %s coins can still be granted through the bot today '
                        '(the limit resets at 00:00 UTC); the owner can grant more from the '
                        'SQL editor.', to_char(v_left_gems, 'FM999,999,999,999,999,999,990'),
                        to_char(v_left_coins, 'FM999,999,999,999,999,999,990'));
end
$$;
revoke all on function stardust._count_bot_grant(bigint, bigint) from public;
comment on function stardust._count_bot_grant(bigint, bigint) is
  'Internal: count a grant made through the bot role against today''s caps '
  '(bot_grant_daily_gems/coins; only amounts given count), or refuse it (SDARG, DETAIL '
  'left_gems=N left_coins=M). Caller holds the users row lock.';
