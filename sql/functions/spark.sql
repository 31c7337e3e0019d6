create or replace function stardust.spark(
  p_user_id    bigint,
  p_banner_id  integer,
  p_anilist_id integer,
  p_request_id text default null)
returns setof stardust.pull_result
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_cfg    jsonb := stardust._gacha_config();
  v_args   jsonb := jsonb_build_object('banner_id', p_banner_id, 'anilist_id', p_anilist_id);
  v_user   stardust.users;
  v_banner stardust.banners;
  v_result jsonb;
  v_award  record;
  v_points integer;
begin
  v_user := stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'spark', v_args);
  if v_result is not null then
    -- a retry of the same request: the first call's units, nothing charged again
    return query select * from stardust._pull_units((v_result ->> 'pull_id')::bigint);
    return;
  end if;
  v_banner := stardust._check_banner(p_banner_id);
  if p_anilist_id is null or not (p_anilist_id = any(v_banner.rate_up_ids)) then
    raise exception 'Character % is not a rate-up unit of banner "%"',
      coalesce(p_anilist_id::text, 'NULL'), v_banner.name
      using errcode = 'SDARG',
            hint = format('Rate-up units: %s.', array_to_string(v_banner.rate_up_ids, ', '));
  end if;
  v_points := case when v_user.points_banner_id = p_banner_id then v_user.banner_points
                   else 0 end;
  if v_points < v_banner.spark_cost then
    raise exception 'Not enough spark points: % of % on banner "%"', v_points,
      v_banner.spark_cost, v_banner.name
      using errcode = 'SDSPK', hint = 'Each pull on this banner adds one spark point.';
  end if;
  if exists (select 1 from stardust.inventory i
              where i.user_id = p_user_id and i.anilist_id = p_anilist_id
                and i.dupe_level >= (v_cfg ->> 'dupe_cap')::integer) then
    raise exception 'You already hold this unit at the highest dupe level'
      using errcode = 'SDARG',
            hint = 'Spark another rate-up unit; your points are kept.';
  end if;
  update stardust.users u set banner_points = u.banner_points - v_banner.spark_cost
   where u.user_id = p_user_id;
  v_award := stardust._award(p_user_id, 'spark', v_banner, p_request_id, v_cfg,
                             array[null::text], array[false], array[p_anilist_id],
                             array[null::double precision]);
  -- a sparked SSR counts as pulled (the spark is the pulls that earned it)
  update stardust.users u
     set ssr_pulled = u.ssr_pulled
                      + (select count(*) from unnest(v_award.o_units) x where x.rarity = 'SSR')
   where u.user_id = p_user_id;
  perform stardust._achieve(p_user_id, array['ssr_pulled', 'collection', 'team_power'],
                            p_request_id);
  perform stardust._idem_put(p_user_id, p_request_id, 'spark', v_args,
                             jsonb_build_object('pull_id', v_award.o_pull_id));
  return query select * from unnest(v_award.o_units);
end
$$;
revoke all on function stardust.spark(bigint, integer, integer, text) from public;
grant execute on function stardust.spark(bigint, integer, integer, text) to stardust_bot;
comment on function stardust.spark(bigint, integer, integer, text) is
  E'Trade spark_cost (300) spark points of an active banner for one of its rate-up units '
  '(same columns as pull). Refused, points kept, if that unit is already at the top dupe '
  'level. SDBNR banner not running, SDARG not a rate-up unit, SDSPK not enough points.\n'
  'select * from stardust.spark(p_user_id => 42, p_banner_id => 1, p_anilist_id => 176754);';
