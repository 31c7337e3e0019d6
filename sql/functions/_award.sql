create or replace function stardust._award(
  p_user_id    bigint,
  p_source     text,
  p_banner     stardust.banners,
  p_request_id text,
  p_cfg        jsonb,
  p_rarities   text[],
  p_is_pity    boolean[],
  p_fixed      integer[],
  p_u          double precision[],
  -- the provably fair draw's record (null for spark and shop): seed, first nonce, client
  -- seed, and for rate-up picks the list size and index (pool picks get theirs here)
  p_seed_id     integer default null,
  p_nonce       bigint default null,
  p_client_seed text default null,
  p_list_n      integer[] default null,
  p_list_idx    integer[] default null,
  -- true: the caller adds the new units to the users counters in its own users update (a
  -- pull: one users row version per 10-pull instead of two); the rows are inserted with
  -- inventory.precounted and the counters' trigger skips them
  p_precounted  boolean default false,
  out o_units   stardust.pull_result[],
  out o_pull_id bigint,
  out o_gems    bigint,
  out o_coins   bigint,
  out o_team    boolean)
language plpgsql volatile
set search_path = pg_catalog, pg_temp
-- The statement is index probes per draw whatever the parameters: left to choose, plpgsql
-- re-plans it on every call, which costs more than running it. And a generic plan made while
-- the inventory is still small would scan it sequentially for every draw and keep doing so
-- as it grows (measured: 0.2 ms -> 2.4 ms per call within 2,000 pulls), so sequential scans
-- are ruled out here.
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
as $$
-- Gives the drawn characters to the user: a new character enters at dupe level 0, an owned
-- one gains +1 per copy up to dupe_cap, copies past the cap are auto-scrapped (refund per
-- copy by rarity, returned in o_gems/o_coins for the caller to credit, logged in one
-- scrap_log row). Records the call in the pull history. Caller holds the user lock, which
-- serialises every change to this user's inventory.
--
-- One statement, one snapshot (consistent even while the catalogue is being re-imported):
-- draws -> characters -> what the user owns -> outcome of each copy (the n-th copy of a
-- character in this call raises its level n times) -> inventory upsert, scrap log and
-- history row. A draw the catalogue cannot resolve writes nothing for it and raises SDCAT
-- afterwards, which rolls the whole statement back.
declare
  v_cap     integer := (p_cfg ->> 'dupe_cap')::integer;
  -- the clock read once and written explicitly: a column default calls _now() once per row
  -- (a function with a SET clause is never inlined), 20-odd calls per 10-pull otherwise
  v_now     timestamptz := stardust._now();
  v_missing text;
begin
  with sizes as materialized (
    -- once per statement (inlined, the planner evaluated them twice)
    select (select max(p.pool_idx) + 1 from stardust.characters p where p.rarity = 'SSR') as ssr,
           (select max(p.pool_idx) + 1 from stardust.characters p where p.rarity = 'SR') as sr,
           (select max(p.pool_idx) + 1 from stardust.characters p where p.rarity = 'R') as r
  ), draws as (
    select d.ord::integer as pos, d.rarity as drawn, d.fixed,
           coalesce(p_list_n[d.ord], z.size) as size,
           coalesce(p_list_idx[d.ord], floor(d.u * z.size)::integer) as idx
      from unnest(p_rarities, p_fixed, p_u) with ordinality d(rarity, fixed, u, ord)
     cross join sizes s
     cross join lateral (select case when d.u is null then null
                                     when d.rarity = 'SSR' then s.ssr
                                     when d.rarity = 'SR' then s.sr
                                     else s.r end as size) z
  ), owned as (
    -- one probe per draw: a pool pick by (rarity, pool_idx), a fixed one by anilist_id
    -- (the other join's key is null and probes nothing)
    select dr.pos, dr.drawn, dr.fixed, dr.size, dr.idx, c.anilist_id, c.name, c.series,
           c.image_url, c.rarity, c.true_power,
           i.id as owned_id, i.team_slot,
           coalesce(i.dupe_level::integer, -1)
             + row_number() over (partition by c.anilist_id order by dr.pos)::integer as raw
      from draws dr
      left join stardust.characters cp
        on cp.rarity = dr.drawn and cp.pool_idx = case when dr.fixed is null then dr.idx end
      left join stardust.characters cf on cf.anilist_id = dr.fixed
      cross join lateral (select coalesce(cf.anilist_id, cp.anilist_id) as anilist_id,
                                 coalesce(cf.name, cp.name) as name,
                                 coalesce(cf.series, cp.series) as series,
                                 case when cf.anilist_id is not null then cf.image_url
                                      else cp.image_url end as image_url,
                                 coalesce(cf.rarity, cp.rarity) as rarity,
                                 coalesce(cf.true_power, cp.true_power) as true_power) c
      left join stardust.inventory i on i.user_id = p_user_id and i.anilist_id = c.anilist_id
  ), outcome as (
    select o.*, o.raw > v_cap as scrapped,
           least(o.raw, v_cap) as level,
           case when o.raw > v_cap
                then (p_cfg -> 'scrap_gems' ->> o.rarity)::bigint else 0 end as gems,
           case when o.raw > v_cap
                then (p_cfg -> 'scrap_coins' ->> o.rarity)::bigint else 0 end as coins
      from owned o
  ), up as (
    -- new units and raised dupe levels; a character only scrapped is left as it is
    -- the unit's copy of its character's rarity, power and name comes with it (the fill
    -- trigger then has nothing to do)
    insert into stardust.inventory as inv (user_id, anilist_id, dupe_level, char_rarity,
                                           char_power, char_name, obtained_at, updated_at,
                                           precounted)
    select p_user_id, o.anilist_id, max(o.level), min(o.rarity), min(o.true_power),
           min(o.name), v_now, v_now, coalesce(p_precounted, false)
      from outcome o where o.anilist_id is not null
     group by o.anilist_id
    on conflict (user_id, anilist_id) do update
       set dupe_level = excluded.dupe_level, updated_at = excluded.updated_at
     where inv.dupe_level <> excluded.dupe_level
    returning inv.id, inv.anilist_id
  ), units as (
    select array_agg(row(o.pos, o.anilist_id, o.name, o.rarity,
                         coalesce(o.anilist_id = any(p_banner.rate_up_ids), false),
                         case when o.scrapped then 'scrapped' when o.level = 0 then 'new'
                              else 'dupe' end,
                         o.level, o.gems, o.coins, o.series, o.image_url,
                         coalesce(o.owned_id, up.id), p_is_pity[o.pos],
                         p_seed_id, p_nonce + o.pos - 1,
                         case when p_seed_id is not null then p_client_seed end,
                         o.size, o.idx,
                         case when p_seed_id is not null then p_list_n[o.pos] is not null end
                        )::stardust.pull_result order by o.pos) as units,
           sum(o.gems)::bigint as gems, sum(o.coins)::bigint as coins,
           bool_or(o.team_slot is not null) as team,
           min(case when o.fixed is null then o.drawn || ' characters'
                    else 'character ' || o.fixed end) filter (where o.anilist_id is null)
             as missing,
           count(*) filter (where o.scrapped) as copies,
           array_agg(o.anilist_id order by o.pos) filter (where o.scrapped) as scrapped_ids
      from outcome o left join up on up.anilist_id = o.anilist_id
  ), log as (
    insert into stardust.scrap_log (user_id, reason, request_id, copies, gems, coins,
                                    anilist_ids, scrapped_at)
    select p_user_id, 'auto_scrap', p_request_id, u.copies, u.gems, u.coins, u.scrapped_ids,
           v_now
      from units u where u.copies > 0 and u.missing is null
  ), hist as (
    insert into stardust.pulls (user_id, banner_id, source, request_id, units, pulled_at)
    select p_user_id, p_banner.id, p_source, p_request_id, u.units, v_now
      from units u where u.missing is null
    returning id
  )
  select u.units, (select h.id from hist h), u.gems, u.coins, coalesce(u.team, false),
         u.missing
    into o_units, o_pull_id, o_gems, o_coins, o_team, v_missing
    from units u;
  if v_missing is not null then
    raise exception 'The catalogue has no %', v_missing
      using errcode = 'SDCAT',
            hint = 'An admin must import the catalogue (stardust import-characters).';
  end if;
end
$$;
revoke all on function stardust._award(bigint, text, stardust.banners, text, jsonb, text[], boolean[], integer[], double precision[], integer, bigint, text, integer[], integer[], boolean) from public;
comment on function stardust._award(bigint, text, stardust.banners, text, jsonb, text[], boolean[], integer[], double precision[], integer, bigint, text, integer[], integer[], boolean) is
  'Internal: resolve drawn rarities/positions to characters and give them to the user '
  '(dupe levels, auto-scrap past the cap), record the call in the pull history (with the '
  'fair draw''s seed, nonces, client seed, pool size and index); returns the '
  'units in order, the pulls row id, the auto-scrap refund for the caller to credit and '
  'whether a team member was drawn again (its power rose). With p_precounted the caller '
  'adds the new units to the users counters itself.';
