create or replace function stardust.raid_attack(
  p_user_id    bigint,
  p_guild_id   bigint,
  p_request_id text default null)
returns table (raid_id bigint, damage bigint, hp bigint, boss_hp bigint, killing_blow boolean,
               tickets_left integer, battle_id bigint, raid_over boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Lock order: the user, then the raid row (the shared row), which serialises the damage
-- dealt to one boss so its HP is exact and exactly one attack can bring it to zero.
declare
  v_args    jsonb := jsonb_build_object('guild', p_guild_id);
  v_result  jsonb;
  v_tickets integer := (stardust._setting('raid_tickets'))::integer;
  v_since   timestamptz := date_trunc('day', stardust._now() at time zone 'UTC') at time zone 'UTC';
  v_used    integer;
  v_raid    stardust.raids;
  v_team    jsonb;
  v_battle  stardust.battles;
  v_damage  bigint;
begin
  perform stardust._valid_id(p_guild_id, 'server');
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'raid_attack', v_args);
  if v_result is null then
    -- checked here without a lock, so refusals are cheap, and again under the raid row's
    -- lock, taken only after the battle: attackers queue on that row for an UPDATE, not
    -- for a whole battle
    for v_pass in 1 .. 2 loop
      if v_pass = 1 then
        select * into v_raid from stardust.raids r
         where r.guild_id = p_guild_id and r.ended_at is null;
        if not found then
          raise exception 'No raid is running in this server' using errcode = 'SDARG',
            hint = 'Admins start one with stardust.start_raid.';
        end if;
      else
        select * into v_raid from stardust.raids r where r.id = v_raid.id for no key update;
      end if;
      if v_raid.ended_at is not null then
        raise exception 'The raid has ended' using errcode = 'SDDON',
          hint = 'See who did what with /raid leaderboard.';
      end if;
      if v_raid.hp = 0 then
        raise exception '% is already defeated', v_raid.name using errcode = 'SDDON',
          hint = 'Rewards are shared by damage; see /raid leaderboard.';
      end if;
      if stardust._now() >= v_raid.ends_at then
        raise exception 'The raid on % is over', v_raid.name using errcode = 'SDDON',
          hint = 'Rewards are shared by damage; see /raid leaderboard.';
      end if;
      exit when v_pass = 2;
      select count(*) into v_used from stardust.raid_attacks a
       where a.user_id = p_user_id and a.attacked_at >= v_since;
      if v_used >= v_tickets then
        raise exception 'No raid ticket left today (% of % used)', v_used, v_tickets
          using errcode = 'SDKEY',
                hint = format('Tickets come back at 00:00 UTC (in %s).', to_char(
                  v_since + interval '1 day' - stardust._now(), 'HH24"h"MI"m"'));
      end if;
      v_team := stardust._fighting_team(p_user_id);
      v_battle := stardust._fight('raid', p_user_id, null,
                                  jsonb_build_object('guild', p_guild_id, 'raid', v_raid.id,
                                                     'boss', v_raid.name),
                                  v_team, stardust._raid_boss(v_raid, v_team), p_request_id);
    end loop;
    v_damage := least(v_raid.hp, floor((v_battle.result ->> 'attacker_power')::numeric)::bigint);
    update stardust.raids r
       set hp = r.hp - v_damage,
           killed_by = case when r.hp = v_damage then p_user_id end,
           killed_at = case when r.hp = v_damage then stardust._now() end
     where r.id = v_raid.id
    returning * into v_raid;
    insert into stardust.raid_attacks (raid_id, user_id, damage, battle_id, killing)
    values (v_raid.id, p_user_id, v_damage, v_battle.id, v_raid.hp = 0);
    v_result := jsonb_build_object(
      'raid_id', v_raid.id, 'damage', v_damage, 'hp', v_raid.hp, 'boss_hp', v_raid.boss_hp,
      'killing_blow', v_raid.hp = 0, 'tickets_left', v_tickets - v_used - 1,
      'battle_id', v_battle.id,
      -- as it stood after this attack: a retry after end_raid still says the raid was over
      'raid_over', v_raid.ended_at is null and (v_raid.hp = 0 or stardust._now() >= v_raid.ends_at));
    perform stardust._idem_put(p_user_id, p_request_id, 'raid_attack', v_args, v_result);
  end if;
  return query
  select (v_result ->> 'raid_id')::bigint, (v_result ->> 'damage')::bigint,
         (v_result ->> 'hp')::bigint, (v_result ->> 'boss_hp')::bigint,
         (v_result ->> 'killing_blow')::boolean, (v_result ->> 'tickets_left')::integer,
         (v_result ->> 'battle_id')::bigint,
         -- (records from before raid_over was stored: the raid as it is now)
         coalesce((v_result ->> 'raid_over')::boolean,
                  (select r.ended_at is null and (r.hp = 0 or stardust._now() >= r.ends_at)
                     from stardust.raids r where r.id = (v_result ->> 'raid_id')::bigint));
end
$$;
revoke all on function stardust.raid_attack(bigint, bigint, text) from public;
grant execute on function stardust.raid_attack(bigint, bigint, text) to stardust_bot;
comment on function stardust.raid_attack(bigint, bigint, text) is
  E'Attack the server''s raid boss with your team (3 tickets per UTC day): the damage is the '
  'team''s battle power (skills and variance applied, against a boss mirroring the team), '
  'never more than the HP left; the attack that brings it to 0 is the killing blow. '
  'raid_over: the boss is down or time is up and end_raid is due. SDARG no raid, SDDON '
  'defeated/over, SDKEY no ticket, SDTEM empty team.\n'
  'select * from stardust.raid_attack(p_user_id => 42, p_guild_id => 1);';
