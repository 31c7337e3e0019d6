create or replace function stardust.claim_starter(
  p_user_id    bigint,
  p_request_id text default null)
returns setof stardust.pull_result
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_cfg    jsonb := stardust._gacha_config();
  v_user   stardust.users;
  v_result jsonb;
  v_award  record;
  v_draw   record;
  v_seed   record;
  v_client text;
  v_n      integer := (v_cfg ->> 'starter_pulls')::integer;
  v_empty  stardust.banners;
begin
  v_user := stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'claim_starter', '{}'::jsonb);
  if v_result is not null then
    -- a retry of the same request: the first call's units, nothing given twice
    return query select * from stardust._pull_units((v_result ->> 'pull_id')::bigint);
    return;
  end if;
  if v_user.starter_claimed_at is not null then
    raise exception 'Starter pack already claimed'
      using errcode = 'SDDON',
            hint = format('You claimed it on %s UTC.',
                          to_char(v_user.starter_claimed_at at time zone 'UTC', 'YYYY-MM-DD'));
  end if;
  -- free standard-pool pulls, provably fair like pull's (one nonce each), that neither use
  -- nor move the pity counter; if none is an SSR, the last one is (a forced SSR, flagged
  -- is_pity, still picked by its u3)
  v_seed := stardust._active_seed();
  v_client := coalesce(v_user.client_seed, p_user_id::text);
  v_draw := stardust._draw(v_n, 0, v_cfg, v_empty, v_seed.o_seed, v_client, v_user.nonce);
  if not ('SSR' = any(v_draw.o_rarities)) then
    v_draw.o_rarities[v_n] := 'SSR';
    v_draw.o_is_pity[v_n] := true;
  end if;
  v_award := stardust._award(p_user_id, 'starter', v_empty, p_request_id, v_cfg,
                             v_draw.o_rarities, v_draw.o_is_pity, v_draw.o_fixed, v_draw.o_u,
                             v_seed.o_id, v_user.nonce, v_client, v_draw.o_list_n,
                             v_draw.o_list_idx);
  perform stardust._credit(p_user_id, v_award.o_gems, v_award.o_coins, 'auto_scrap',
                           p_request_id);
  -- the starter's pulls count as pulls made, its SSR as pulled
  update stardust.users u
     set starter_claimed_at = stardust._now(),
         nonce = u.nonce + v_n,
         pulls_made = u.pulls_made + v_n,
         ssr_pulled = u.ssr_pulled
                      + (select count(*) from unnest(v_award.o_units) x where x.rarity = 'SSR')
   where u.user_id = p_user_id;
  perform stardust._achieve(p_user_id, array['pulls_made', 'ssr_pulled', 'collection',
                                             'team_power'], p_request_id);
  perform stardust._idem_put(p_user_id, p_request_id, 'claim_starter', '{}'::jsonb,
                             jsonb_build_object('pull_id', v_award.o_pull_id));
  return query select * from unnest(v_award.o_units);
end
$$;
revoke all on function stardust.claim_starter(bigint, text) from public;
grant execute on function stardust.claim_starter(bigint, text) to stardust_bot;
comment on function stardust.claim_starter(bigint, text) is
  E'The starter pack, once per user: starter_pulls (10) free standard-pool pulls with at '
  'least one SSR (flagged is_pity when forced); they do not touch pity or spark points and '
  'are provably fair like pull''s. Same columns as pull. SDDON if '
  'already claimed.\nselect * from stardust.claim_starter(p_user_id => 42);';
