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
  out o_units   stardust.pull_result[],
  out o_pull_id bigint,
  out o_gems    bigint,
  out o_coins   bigint,
  out o_team    boolean)
language plpgsql volatile
set search_path = ''
-- The pick query is index probes per draw whatever the parameters: left to choose, plpgsql
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
declare
  v_cap      integer := (p_cfg ->> 'dupe_cap')::integer;
  v_d        record;
  -- per distinct character drawn: its dupe level so far and its inventory id
  v_chars    integer[] := '{}'::integer[];
  v_lvl      integer[] := '{}'::integer[];
  v_k        integer;
  v_level    integer;
  v_outcome  text;
  v_g        bigint;
  v_c        bigint;
  v_new_ids  bigint[];
  v_new_aids integer[];
begin
  o_units := '{}'::stardust.pull_result[];
  o_gems := 0;
  o_coins := 0;
  o_team := false;
  -- one statement, one snapshot: pool sizes, picks, character details and what the user
  -- already owns (consistent even while the catalogue is being re-imported)
  for v_d in
    with sizes as (
      select (select max(p.pool_idx) + 1 from stardust.characters p where p.rarity = 'SSR') as ssr,
             (select max(p.pool_idx) + 1 from stardust.characters p where p.rarity = 'SR') as sr,
             (select max(p.pool_idx) + 1 from stardust.characters p where p.rarity = 'R') as r
    ), draws as (
      select d.ord::integer as pos, d.rarity, d.fixed,
             case when d.fixed is null then
               floor(d.u * case d.rarity when 'SSR' then s.ssr when 'SR' then s.sr
                                         else s.r end)::integer end as idx
        from unnest(p_rarities, p_fixed, p_u) with ordinality d(rarity, fixed, u, ord)
       cross join sizes s
    )
    select dr.pos, dr.rarity as drawn, c.anilist_id, c.name, c.series, c.image_url,
           c.rarity, i.id as owned_id, i.dupe_level as owned_level, i.team_slot as owned_slot
      from draws dr
      left join stardust.characters c
        on (dr.fixed is not null and c.anilist_id = dr.fixed)
        or (dr.fixed is null and c.rarity = dr.rarity and c.pool_idx = dr.idx)
      left join lateral (
        select inv.id, inv.dupe_level, inv.team_slot from stardust.inventory inv
         where inv.user_id = p_user_id and inv.anilist_id = c.anilist_id
         limit 1) i on true
     order by dr.pos
  loop
    if v_d.anilist_id is null then
      raise exception 'The catalogue has no % characters', v_d.drawn
        using errcode = 'SDCAT',
              hint = 'An admin must import the catalogue (stardust import-characters).';
    end if;
    o_team := o_team or v_d.owned_slot is not null;
    v_k := array_position(v_chars, v_d.anilist_id);
    if v_k is null then
      v_chars := v_chars || v_d.anilist_id;
      v_lvl := v_lvl || coalesce(v_d.owned_level::integer, -1);
      v_k := cardinality(v_chars);
    end if;
    v_level := v_lvl[v_k] + 1;
    if v_level > v_cap then
      v_outcome := 'scrapped';
      v_g := (p_cfg -> 'scrap_gems' ->> v_d.rarity)::bigint;
      v_c := (p_cfg -> 'scrap_coins' ->> v_d.rarity)::bigint;
      v_level := v_cap;
    else
      v_outcome := case when v_level = 0 then 'new' else 'dupe' end;
      v_g := 0;
      v_c := 0;
    end if;
    v_lvl[v_k] := v_level;
    o_gems := o_gems + v_g;
    o_coins := o_coins + v_c;
    o_units := o_units || row(v_d.pos, v_d.anilist_id, v_d.name, v_d.rarity,
                              coalesce(v_d.anilist_id = any(p_banner.rate_up_ids), false),
                              v_outcome, v_level, v_g, v_c, v_d.series, v_d.image_url,
                              v_d.owned_id, p_is_pity[v_d.pos])::stardust.pull_result;
  end loop;

  -- new units and raised dupe levels in one statement
  with up as (
    insert into stardust.inventory as inv (user_id, anilist_id, dupe_level)
    select p_user_id, x.aid, x.lvl
      from unnest(v_chars, v_lvl) x(aid, lvl)
    on conflict (user_id, anilist_id) do update
       set dupe_level = excluded.dupe_level, updated_at = now()
     where inv.dupe_level <> excluded.dupe_level
    returning inv.id, inv.anilist_id
  )
  select array_agg(up.id), array_agg(up.anilist_id) into v_new_ids, v_new_aids from up;
  for i in 1 .. cardinality(o_units) loop
    if o_units[i].inventory_id is null then
      o_units[i].inventory_id := v_new_ids[array_position(v_new_aids, o_units[i].anilist_id)];
    end if;
  end loop;

  if o_gems > 0 or o_coins > 0 then
    insert into stardust.scrap_log (user_id, reason, request_id, copies, gems, coins,
                                    anilist_ids)
    select p_user_id, 'auto_scrap', p_request_id, count(*), o_gems, o_coins,
           array_agg(u.anilist_id order by u.position)
      from unnest(o_units) u where u.outcome = 'scrapped';
  end if;

  insert into stardust.pulls (user_id, banner_id, source, request_id, units)
  values (p_user_id, p_banner.id, p_source, p_request_id, o_units)
  returning id into o_pull_id;
end
$$;
revoke all on function stardust._award(bigint, text, stardust.banners, text, jsonb, text[], boolean[], integer[], double precision[]) from public;
comment on function stardust._award(bigint, text, stardust.banners, text, jsonb, text[], boolean[], integer[], double precision[]) is
  'Internal: resolve drawn rarities/positions to characters and give them to the user '
  '(dupe levels, auto-scrap past the cap), record the call in the pull history; returns the '
  'units in order, the pulls row id, the auto-scrap refund for the caller to credit and '
  'whether a team member was drawn again (its power rose).';
