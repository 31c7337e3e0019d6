create or replace function stardust.achievements(p_user_id bigint)
returns table (key text, name text, description text, condition text, threshold bigint,
               progress bigint, reward jsonb, unlocked_at timestamptz)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  with u as (
    select coalesce(max(x.pulls_made), 0) as pulls_made,
           coalesce(max(x.ssr_pulled), 0) as ssr_pulled,
           coalesce(max(x.bounties_cleared), 0) as bounties_cleared,
           coalesce(max(x.ur_cleared), 0) as ur_cleared,
           coalesce(max(x.checkin_streak), 0) as checkin_streak,
           coalesce(max(x.team_power), 0) as team_power,
           coalesce(max(x.units_total), 0) as collection
      from stardust.users x where x.user_id = p_user_id
  ), v as (
    select jsonb_build_object(
             'pulls_made', u.pulls_made, 'ssr_pulled', u.ssr_pulled,
             'bounties_cleared', u.bounties_cleared, 'ur_cleared', u.ur_cleared,
             'checkin_streak', u.checkin_streak, 'team_power', u.team_power,
             'collection', u.collection) as val
      from u
  )
  select a.key, a.name, a.description, a.condition, a.threshold,
         -- an unlocked one stays complete even if the count fell since (scrapped units,
         -- a broken streak)
         case when ua.unlocked_at is not null then a.threshold
              else least((v.val ->> a.condition)::bigint, a.threshold) end,
         a.reward, ua.unlocked_at
    from stardust.achievements a
   cross join v
    left join stardust.user_achievements ua on ua.user_id = p_user_id and ua.key = a.key
   order by ua.unlocked_at is null, a.condition, a.threshold
$$;
revoke all on function stardust.achievements(bigint) from public;
grant execute on function stardust.achievements(bigint) to stardust_bot;
comment on function stardust.achievements(bigint) is
  E'Every achievement with this player''s progress towards it (capped at the threshold) and '
  'when it was unlocked (null: not yet); unlocked first.\n'
  'select * from stardust.achievements(p_user_id => 42);';
