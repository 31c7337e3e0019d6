create or replace function stardust.profile(p_user_id bigint)
returns table (user_id bigint, gems bigint, coins bigint, pity_counter integer,
               banner_points integer, points_banner_id integer, team_level integer,
               team_xp bigint, bounty_keys integer, team_power bigint, units bigint,
               collection jsonb, starter_claimed boolean, created_at timestamptz)
language plpgsql volatile security definer
set search_path = ''
as $$
-- volatile: the user is created on first sight, like get_user
declare
  v_user stardust.users := stardust.get_user(p_user_id);
begin
  return query
  select v_user.user_id, v_user.gems, v_user.coins, v_user.pity_counter,
         v_user.banner_points, v_user.points_banner_id, v_user.team_level, v_user.team_xp,
         v_user.bounty_keys, stardust.team_power(p_user_id),
         (select count(*) from stardust.inventory i where i.user_id = p_user_id),
         (select jsonb_build_object('SSR', count(*) filter (where c.rarity = 'SSR'),
                                    'SR', count(*) filter (where c.rarity = 'SR'),
                                    'R', count(*) filter (where c.rarity = 'R'))
            from stardust.inventory i join stardust.characters c using (anilist_id)
           where i.user_id = p_user_id),
         v_user.starter_claimed_at is not null, v_user.created_at;
end
$$;
revoke all on function stardust.profile(bigint) from public;
grant execute on function stardust.profile(bigint) to stardust_bot;
comment on function stardust.profile(bigint) is
  E'A player''s profile: balances, pity and spark points, team level and power, keys, '
  'collection size by rarity.\nselect * from stardust.profile(p_user_id => 42);';
