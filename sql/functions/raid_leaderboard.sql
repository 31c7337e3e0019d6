create or replace function stardust.raid_leaderboard(p_guild_id bigint, p_limit integer default 10)
returns table (rank bigint, user_id bigint, damage bigint, attacks bigint, share numeric,
               killing_blow boolean, gems bigint, coins bigint)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  perform stardust._valid_id(p_guild_id, 'server');
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'Show 1 to 100 rows, got %', coalesce(p_limit::text, 'NULL')
      using errcode = 'SDARG', hint = 'p_limit => 10';
  end if;
  -- the server's open raid, else its last one; gems/coins once end_raid has paid
  return query
  with r as (
    select * from stardust.raids x where x.guild_id = p_guild_id
     order by x.ended_at is null desc, x.id desc limit 1
  ), d as (
    select a.user_id, sum(a.damage)::bigint as damage, count(*) as attacks,
           bool_or(a.killing) as killing
      from stardust.raid_attacks a join r on r.id = a.raid_id
     group by a.user_id
  )
  select rank() over (order by d.damage desc), d.user_id, d.damage, d.attacks,
         round(100.0 * d.damage / r.boss_hp, 2), d.killing, w.gems, w.coins
    from d cross join r
    left join stardust.raid_rewards w on w.raid_id = r.id and w.user_id = d.user_id
   order by d.damage desc, d.user_id
   limit p_limit;
end
$$;
revoke all on function stardust.raid_leaderboard(bigint, integer) from public;
grant execute on function stardust.raid_leaderboard(bigint, integer) to stardust_bot;
comment on function stardust.raid_leaderboard(bigint, integer) is
  E'The server''s open (else last) raid''s attackers by damage: attacks, share of the boss''s '
  'HP in %, the killing blow, and the rewards once paid. SDARG p_limit outside 1-100.\n'
  'select * from stardust.raid_leaderboard(p_guild_id => 1);';
