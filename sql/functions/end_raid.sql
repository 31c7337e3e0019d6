create or replace function stardust.end_raid(p_raid_id bigint, p_force boolean default false)
returns table (user_id bigint, damage bigint, gems bigint, coins bigint, killing_blow boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Pays a raid's attackers once: gems and coins of the pool in proportion to the damage each
-- dealt out of the boss's HP (a boss left alive pays the part that was dealt), plus the
-- killing-blow bonus. Lock order: the attackers' users rows ascending, then the raid row. An
-- attack still in flight when the attackers were listed shows up once the raid row is
-- locked; the locks are then taken again (a subtransaction gives them back) with it included.
-- These are cross-player locks, and needed: ending a raid pays every attacker, so it changes
-- each one's balance (and writes their ledger row) under that player's own lock, taken in
-- the global order (users ascending, then the shared raid row) like every other function.
declare
  v_raid  stardust.raids;
  v_users bigint[];
  v_try   integer := 0;
  v_gems  bigint := (stardust._setting('raid_reward_gems'))::bigint;
  v_coins bigint := (stardust._setting('raid_reward_coins'))::bigint;
  v_kill  bigint := (stardust._setting('raid_kill_gems'))::bigint;
  v_row   record;
begin
  select * into v_raid from stardust.raids r where r.id = p_raid_id;
  if not found then
    raise exception 'There is no raid #%', coalesce(p_raid_id::text, 'NULL')
      using errcode = 'SDARG', hint = 'select * from stardust.raids order by id desc;';
  end if;
  -- ending a running raid early is the owner's (docs/SECURITY.md): through the bot role
  -- p_force does nothing
  if v_raid.ended_at is null and v_raid.hp > 0 and stardust._now() < v_raid.ends_at
     and not (coalesce(p_force, false) and (select i.o_owner from stardust._invoker() i)) then
    raise exception 'Raid #% is still running (% of % HP left)', p_raid_id, v_raid.hp,
      v_raid.boss_hp using errcode = 'SDARG',
      hint = format('It ends at %s UTC; the owner can end it now with p_force => true.',
                    to_char(v_raid.ends_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI'));
  end if;
  loop
    v_try := v_try + 1;
    begin
      -- (an erased player's attacks have no user: a null in the list would turn the
      -- "= any" test below into null and hide a new attacker)
      select array_agg(distinct a.user_id order by a.user_id) into v_users
        from stardust.raid_attacks a where a.raid_id = p_raid_id and a.user_id is not null;
      perform 1 from stardust.users u where u.user_id = any(v_users)
       order by u.user_id for no key update;
      select * into v_raid from stardust.raids r where r.id = p_raid_id for no key update;
      if exists (select 1 from stardust.raid_attacks a
                  where a.raid_id = p_raid_id
                    and not a.user_id = any(coalesce(v_users, '{}'::bigint[]))) then
        raise exception 'a new attacker: lock again' using errcode = 'SDRTY';
      end if;
      exit;
    exception when sqlstate 'SDRTY' then
      if v_try >= 10 then
        raise exception 'Raid #% is too busy to end now', p_raid_id
          using errcode = '40001', hint = 'Try again in a moment.';
      end if;
    end;
  end loop;
  if v_raid.ended_at is not null then
    raise exception 'Raid #% has already ended and paid its rewards', p_raid_id
      using errcode = 'SDDON', hint = 'See them with raid_leaderboard.';
  end if;
  update stardust.raids r set ended_at = stardust._now() where r.id = p_raid_id;
  for v_row in
    insert into stardust.raid_rewards (raid_id, user_id, damage, gems, coins)
    select p_raid_id, a.user_id, sum(a.damage),
           floor(v_gems::numeric * sum(a.damage) / v_raid.boss_hp)::bigint
             + case when bool_or(a.killing) then v_kill else 0 end,
           floor(v_coins::numeric * sum(a.damage) / v_raid.boss_hp)::bigint
      from stardust.raid_attacks a
     where a.raid_id = p_raid_id
       and a.user_id is not null              -- an erased player's attacks pay no one
     group by a.user_id
    returning *
  loop
    perform stardust._credit(v_row.user_id, v_row.gems, v_row.coins, 'raid', null);
  end loop;
  return query
  select w.user_id, w.damage, w.gems, w.coins, w.user_id is not distinct from v_raid.killed_by
    from stardust.raid_rewards w where w.raid_id = p_raid_id
   order by w.damage desc, w.user_id;
end
$$;
revoke all on function stardust.end_raid(bigint, boolean) from public;
grant execute on function stardust.end_raid(bigint, boolean) to stardust_bot;
comment on function stardust.end_raid(bigint, boolean) is
  E'End a raid whose boss is down or whose time is up (p_force: now, the owner only) and '
  'pay, exactly once, raid_reward_gems (100,000) and raid_reward_coins (1,000) times each '
  'attacker''s damage / boss HP, plus raid_kill_gems (10,000) for the killing blow. SDARG unknown or still '
  'running, SDDON already ended.\nselect * from stardust.end_raid(p_raid_id => 1);';
