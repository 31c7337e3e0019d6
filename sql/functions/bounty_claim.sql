create or replace function stardust.bounty_claim(
  p_user_id    bigint,
  p_guild_id   bigint,
  p_slot       integer,
  p_request_id text default null)
returns table (outcome text, team_power bigint, enemy_power bigint, gems bigint,
               coins bigint, items jsonb, keys_left integer, battle_id bigint,
               details jsonb)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Lock order: the user, then the guild (only when a new board must be made).
declare
  v_args    jsonb := jsonb_build_object('guild', p_guild_id, 'slot', p_slot);
  v_result  jsonb;
  v_user    stardust.users;
  v_max     integer := (stardust._setting('bounty_keys_max'))::integer;
  v_minutes integer := (stardust._setting('bounty_key_minutes'))::integer;
  v_keys    record;
  v_team    jsonb;
  v_board   bigint;
  v_slot    stardust.bounty_slots;
  v_battle  stardust.battles;
  v_item    text;
  v_gems    bigint := 0;
  v_coins   bigint := 0;
begin
  perform stardust._valid_id(p_guild_id, 'server');
  if p_slot is null or p_slot not between 1 and 3 then
    raise exception 'Bounty slots are 1, 2 and 3' using errcode = 'SDARG',
      hint = 'See the board with /bounty board.';
  end if;
  v_user := stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'bounty_claim', v_args);
  if v_result is null then
    v_keys := stardust._keys_now(v_user.bounty_keys, v_user.keys_regen_at, stardust._now(), v_max,
                                 v_minutes);
    v_team := stardust._fighting_team(p_user_id);
    v_board := stardust._bounty_board(p_guild_id);
    select * into v_slot from stardust.bounty_slots s
     where s.board_id = v_board and s.slot = p_slot;
    if exists (select 1 from stardust.bounty_clears c
                where c.board_id = v_board and c.slot = p_slot and c.user_id = p_user_id) then
      raise exception 'You already cleared slot % of this board', p_slot
        using errcode = 'SDDON', hint = 'A new board comes every hour.';
    end if;
    if v_keys.o_keys < 1 then
      raise exception 'No bounty key left' using errcode = 'SDKEY',
        hint = format('The next key comes at %s UTC.', to_char(
          (v_keys.o_regen_at + make_interval(mins => v_minutes)) at time zone 'UTC', 'HH24:MI'));
    end if;
    -- spend the key; spending from the cap starts the regeneration clock
    update stardust.users u
       set bounty_keys = v_keys.o_keys - 1,
           keys_regen_at = case when v_keys.o_keys >= v_max then stardust._now() else v_keys.o_regen_at end
     where u.user_id = p_user_id;
    v_battle := stardust._fight('bounty', p_user_id, null,
                                jsonb_build_object('guild', p_guild_id, 'board', v_board,
                                                   'slot', p_slot, 'tier', v_slot.tier),
                                v_team, stardust._bounty_enemy(v_board, p_slot, v_slot.tier,
                                                               v_slot.enemy_power),
                                p_request_id);
    if v_battle.outcome = 'WIN' then
      insert into stardust.bounty_clears (board_id, slot, user_id, battle_id)
      values (v_board, p_slot, p_user_id, v_battle.id);
      update stardust.users u
         set bounties_cleared = u.bounties_cleared + 1,
             ur_cleared = u.ur_cleared + (v_slot.tier = 'UR')::integer
       where u.user_id = p_user_id;
      perform stardust._achieve(p_user_id, array['bounties_cleared', 'ur_cleared'], p_request_id);
      v_item := stardust._setting('bounty_rewards') ->> v_slot.tier;
      insert into stardust.user_items as ui (user_id, item, qty) values (p_user_id, v_item, 1)
      on conflict (user_id, item) do update set qty = ui.qty + 1;
      if v_slot.tier = 'UR' then
        v_gems := (stardust._setting('bounty_ur_gems'))::bigint;
        v_coins := (stardust._setting('bounty_ur_coins'))::bigint;
        perform stardust._credit(p_user_id, v_gems, v_coins, 'bounty', p_request_id);
      end if;
    end if;
    v_result := jsonb_build_object(
      'outcome', v_battle.outcome, 'team_power', v_battle.result -> 'attacker_power',
      'enemy_power', v_battle.result -> 'defender_power', 'gems', v_gems, 'coins', v_coins,
      'items', case when v_item is null then '{}'::jsonb else jsonb_build_object(v_item, 1) end,
      'keys_left', v_keys.o_keys - 1, 'battle_id', v_battle.id);
    perform stardust._idem_put(p_user_id, p_request_id, 'bounty_claim', v_args, v_result);
  end if;
  return query select v_result ->> 'outcome', (v_result ->> 'team_power')::bigint,
                      (v_result ->> 'enemy_power')::bigint, (v_result ->> 'gems')::bigint,
                      (v_result ->> 'coins')::bigint, v_result -> 'items',
                      (v_result ->> 'keys_left')::integer, (v_result ->> 'battle_id')::bigint,
                      (select jsonb_build_object('units', b.result -> 'units', 'events', b.result -> 'events')
                         from stardust.battles b where b.id = (v_result ->> 'battle_id')::bigint);
end
$$;
revoke all on function stardust.bounty_claim(bigint, bigint, integer, text) from public;
grant execute on function stardust.bounty_claim(bigint, bigint, integer, text) to stardust_bot;
comment on function stardust.bounty_claim(bigint, bigint, integer, text) is
  E'Fight a slot of the server''s bounty board with your team for one key (3 max, +1 per '
  'hour). A win clears the slot for you on this board and pays its bond item (R small, SR '
  'medium, SSR large, UR radiant + 5,000 gems + 50 coins); a loss only costs the key. '
  'SDKEY no key, SDDON already cleared, SDTEM empty team, SDARG bad slot.\n'
  'select * from stardust.bounty_claim(p_user_id => 42, p_guild_id => 1, p_slot => 2);';
