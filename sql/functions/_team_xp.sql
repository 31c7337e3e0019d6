create or replace function stardust._team_xp(p_user_id bigint, p_xp bigint,
                                             out o_level integer, out o_level_ups integer)
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Add team XP (users.team_xp is the total); level L -> L + 1 needs L^2 x 100 XP, so level L
-- is reached at 100 (L - 1) L (2L - 1) / 6 in all. Each level adds 1 % to every unit's power.
declare
  v_user stardust.users;
  v_xp   bigint;
begin
  select * into v_user from stardust.users u where u.user_id = p_user_id;
  v_xp := v_user.team_xp + greatest(p_xp, 0);
  o_level := v_user.team_level;
  while 100 * o_level::bigint * (o_level + 1) * (2 * o_level + 1) / 6 <= v_xp loop
    o_level := o_level + 1;
  end loop;
  o_level_ups := o_level - v_user.team_level;
  update stardust.users u set team_xp = v_xp, team_level = o_level where u.user_id = p_user_id;
end
$$;
revoke all on function stardust._team_xp(bigint, bigint) from public;
comment on function stardust._team_xp(bigint, bigint) is
  'Internal: add team XP and level up (L -> L + 1 needs L^2 x 100 XP).';
