create or replace function stardust.pull(
  p_user_id    bigint,
  p_count      integer default 1,
  p_banner_id  integer default null,
  p_request_id text default null)
returns setof stardust.pull_result
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
-- every statement here is an index probe or less; a plan made while stardust.requests was
-- small would scan it for the request record on every pull for the life of the connection
-- (the bot's pool keeps them for hours), so sequential scans are ruled out (as in _award)
set enable_seqscan = off
as $$
-- The hot path of the game, kept light (issue 12): the users row locked by one statement
-- (_lock_user only for a player seen for the first time), the request record written by
-- the statement that charges, and the achievements measured only when the next threshold
-- stored on the users row (ach_next) says one may be reached.
declare
  v_cfg    jsonb := stardust._gacha_config();
  v_args   jsonb;
  v_user   stardust.users;
  v_banner stardust.banners;
  v_req    record;
  v_award  record;
  v_draw   record;
  v_seed   record;
  v_client text;
  v_cost   bigint;
  v_ssr    integer;
  v_new    boolean;
  v_now    timestamptz;
begin
  if p_count is null or p_count not between 1 and (v_cfg ->> 'pull_max')::integer then
    raise exception 'Pull count must be between 1 and %, got %', v_cfg ->> 'pull_max',
      coalesce(p_count::text, 'NULL')
      using errcode = 'SDARG', hint = 'Pull 1 or 10 at a time.';
  end if;
  select * into v_user from stardust.users u where u.user_id = p_user_id for no key update;
  if not found then
    v_user := stardust._lock_user(p_user_id);          -- checks the id, creates the player
  end if;
  if p_request_id is not null then
    -- _idem_get, inlined (the hot path): the first call's record, if any, under the lock
    if length(p_request_id) not between 1 and 100 then
      raise exception 'Request id must be 1-100 characters' using errcode = 'SDARG',
        hint = 'Pass the Discord interaction id.';
    end if;
    v_args := jsonb_build_object('count', p_count, 'banner_id', p_banner_id);
    select r.fn, r.args, r.result into v_req from stardust.requests r
     where r.user_id = p_user_id and r.request_id = p_request_id;
    if found then
      if v_req.fn <> 'pull' or v_req.args <> v_args then
        raise exception 'Request id % was already used for another action', p_request_id
          using errcode = 'SDIDM',
                detail = format('first: %s(%s); now: pull(%s)', v_req.fn, v_req.args, v_args),
                hint = 'Use a new request id (the Discord interaction id) for a new action.';
      end if;
      -- a retry of the same request: the first call's units, nothing charged again
      return query select * from stardust._pull_units((v_req.result ->> 'pull_id')::bigint);
      return;
    end if;
  end if;
  if p_banner_id is not null then
    v_banner := stardust._check_banner(p_banner_id);
  end if;
  v_cost := (v_cfg ->> 'pull_cost')::bigint * p_count;
  if v_user.gems < v_cost then
    perform stardust._credit(p_user_id, -v_cost, 0, 'pull', p_request_id);  -- raises SDNSF
  end if;
  -- provably fair: the active seed (share-locked until commit, after the users row), the
  -- client seed, and nonces v_user.nonce .. + p_count - 1, taken under the users row lock
  v_seed := stardust._active_seed();
  v_now := stardust._now();
  v_client := coalesce(v_user.client_seed, p_user_id::text);
  v_draw := stardust._draw(p_count, v_user.pity_counter, v_cfg, v_banner, v_seed.o_seed,
                           v_client, v_user.nonce);
  v_award := stardust._award(p_user_id, 'pull', v_banner, p_request_id, v_cfg, v_draw.o_rarities,
                             v_draw.o_is_pity, v_draw.o_fixed, v_draw.o_u, v_seed.o_id,
                             v_user.nonce, v_client, v_draw.o_list_n, v_draw.o_list_idx,
                             p_precounted => true);
  -- one statement for the charge, the auto-scrap refund, pity, the pull counters and the
  -- unit counters (one users row version per 10-pull: under a hot player's lock a second
  -- version per pull cost a quarter of the throughput, bench/pull_variants.py) (the users row
  -- carries 13 checks, evaluated once per statement), both ledger rows and the request
  -- record; spark points belong to one limited banner: pulling on another resets them;
  -- standard-pool pulls neither add nor reset
  with units as (
    -- a 'new' outcome is one inserted unit (a second copy of it in the same call is a dupe)
    select count(*) filter (where x.rarity = 'SSR')::integer as ssr,
           coalesce(bool_or(x.outcome = 'new'), false) as new,
           count(*) filter (where x.outcome = 'new')::integer as n_new,
           count(*) filter (where x.outcome = 'new' and x.rarity = 'R')::integer as n_r,
           count(*) filter (where x.outcome = 'new' and x.rarity = 'SR')::integer as n_sr,
           count(*) filter (where x.outcome = 'new' and x.rarity = 'SSR')::integer as n_ssr
      from unnest(v_award.o_units) x
  ), charge as (
    update stardust.users u
       set gems = u.gems - v_cost + v_award.o_gems,
           coins = u.coins + v_award.o_coins,
           pity_counter = v_draw.o_pity,
           nonce = u.nonce + p_count,
           banner_points = case when p_banner_id is null then u.banner_points
                                when u.points_banner_id = p_banner_id
                                then u.banner_points + p_count
                                else p_count end,
           points_banner_id = coalesce(p_banner_id, u.points_banner_id),
           pulls_made = u.pulls_made + p_count,
           ssr_pulled = u.ssr_pulled + n.ssr,
           -- the new units, inserted precounted by _award (the counters' trigger skips them)
           units_total = u.units_total + n.n_new,
           units_r = u.units_r + n.n_r,
           units_sr = u.units_sr + n.n_sr,
           units_ssr = u.units_ssr + n.n_ssr
      from units n
     where u.user_id = p_user_id
  ), ledger as (
    -- timestamps written, not defaulted: one _now() call (see _award)
    insert into stardust.ledger (user_id, gems_delta, coins_delta, reason, request_id,
                                 created_at)
    select p_user_id, x.gems, x.coins, x.reason, p_request_id, v_now
      from (values (1, -v_cost, 0::bigint, 'pull'),
                   (2, v_award.o_gems, v_award.o_coins, 'auto_scrap')) x(n, gems, coins, reason)
     where x.gems <> 0 or x.coins <> 0
     order by x.n
  ), request as (
    -- the id's length was checked above (and the table's check stands behind it)
    insert into stardust.requests (user_id, request_id, fn, args, result, created_at)
    select p_user_id, p_request_id, 'pull', v_args,
           jsonb_build_object('pull_id', v_award.o_pull_id), v_now
     where p_request_id is not null
  )
  select n.ssr, n.new into v_ssr, v_new from units n;
  -- measure only what this pull can have changed (the collection grows with a new unit,
  -- the team's power with a copy of a member), and only when a threshold still locked may
  -- have been reached: ach_next holds the lowest locked threshold of each condition (a
  -- condition missing has none left; null: not known yet)
  if v_user.ach_next is null
     or (v_user.ach_next ->> 'pulls_made')::numeric <= v_user.pulls_made + p_count
     or (v_ssr > 0 and (v_user.ach_next ->> 'ssr_pulled')::numeric <= v_user.ssr_pulled + v_ssr)
     or (v_new and v_user.ach_next ? 'collection')
     or (v_award.o_team and v_user.ach_next ? 'team_power') then
    perform stardust._achieve(p_user_id, array['pulls_made']
      || case when v_ssr > 0 then array['ssr_pulled'] else '{}'::text[] end
      || case when v_new then array['collection'] else '{}'::text[] end
      || case when v_award.o_team then array['team_power'] else '{}'::text[] end,
      p_request_id);
    update stardust.users u set ach_next = stardust._ach_next(p_user_id)
     where u.user_id = p_user_id;
  end if;
  return query select * from unnest(v_award.o_units);
end
$$;
revoke all on function stardust.pull(bigint, integer, integer, text) from public;
grant execute on function stardust.pull(bigint, integer, integer, text) to stardust_bot;
comment on function stardust.pull(bigint, integer, integer, text) is
  E'Pull 1-10 characters for pull_cost (1,000) gems each, on the standard pool (p_banner_id '
  'null) or an active limited banner. Rates SSR 2 %, SR 11 %, R 87 %; hard pity (the 90th '
  'pull without an SSR is an SSR); a 10-pull holds an SR or better; on a banner an SSR/SR is '
  'a rate-up unit with probability rate_up_chance, and each pull adds a spark point. Copies '
  'past dupe level 10 are auto-scrapped. Provably fair: each unit is drawn from '
  'HMAC-SHA256(server seed, client_seed:nonce), see fairness(). SDARG bad count, SDNSF not '
  'enough gems, SDBNR banner unknown/not running, SDIDM request id reused. Same p_request_id = same result.\n'
  'select * from stardust.pull(p_user_id => 42, p_count => 10);';
