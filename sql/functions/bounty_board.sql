create or replace function stardust.bounty_board(p_guild_id bigint, p_user_id bigint default null)
returns table (slot integer, tier text, enemy_power bigint, expires_at timestamptz,
               cleared boolean, board_id bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- volatile: the first read after expiry makes the new board
declare
  v_user  bigint := stardust._valid_id(p_user_id, 'user', true);      -- SDARG first
  v_board bigint := stardust._bounty_board(stardust._valid_id(p_guild_id, 'server'));
begin
  return query
  select s.slot::integer, s.tier, s.enemy_power, b.expires_at,
         exists (select 1 from stardust.bounty_clears c
                  where c.board_id = s.board_id and c.slot = s.slot and c.user_id = v_user),
         b.id
    from stardust.bounty_slots s
    join stardust.bounty_boards b on b.id = s.board_id
   where s.board_id = v_board
   order by s.slot;
end
$$;
revoke all on function stardust.bounty_board(bigint, bigint) from public;
grant execute on function stardust.bounty_board(bigint, bigint) to stardust_bot;
comment on function stardust.bounty_board(bigint, bigint) is
  E'The server''s bounty board: 3 slots (tier R/SR/SSR, 1 % UR; enemy power R 30-35k, SR '
  '50-55k, SSR 75-80k, UR 90k), a new board every hour; cleared = the given user already '
  'won that slot on this board.\nselect * from stardust.bounty_board(p_guild_id => 1, p_user_id => 42);';
