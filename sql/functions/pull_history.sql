create or replace function stardust.pull_history(
  p_user_id bigint,
  p_limit   integer default 50,
  p_before  bigint default null)
returns table (pull_id bigint, pulled_at timestamptz, source text, banner_id integer,
               banner_name text, "position" integer, anilist_id integer, name text,
               rarity text, is_rate_up boolean, is_pity boolean, outcome text,
               dupe_level integer, gems_refund bigint, coins_refund bigint,
               seed_id integer, nonce bigint, client_seed text, pool_size integer,
               pool_idx integer, rate_up_pick boolean)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- Pages hold whole calls (a 10-pull is never split), newest first, at most p_limit units
-- (at least one call).
begin
  perform stardust._valid_id(p_user_id);         -- SDARG: no user has this id
  if p_limit is null or p_limit not between 1 and 500 then
    raise exception 'History pages hold 1-500 pulls' using errcode = 'SDARG',
      hint = 'p_limit => 50; next page with p_before => the smallest pull_id shown.';
  end if;
  return query
  with calls as (
    select p.id, p.pulled_at, p.source, p.banner_id, p.units,
           sum(cardinality(p.units)) over (order by p.id desc) as upto
      from (select * from stardust.pulls q
             where q.user_id = p_user_id and (p_before is null or q.id < p_before)
             order by q.id desc
             limit p_limit) p
  )
  select c.id, c.pulled_at, c.source, c.banner_id, b.name, u.position, u.anilist_id,
         u.name, u.rarity, u.is_rate_up, u.is_pity, u.outcome, u.dupe_level, u.gems_refund,
         u.coins_refund, u.seed_id, u.nonce, u.client_seed, u.pool_size, u.pool_idx,
         u.rate_up_pick
    from calls c
    cross join lateral unnest(c.units) u
    left join stardust.banners b on b.id = c.banner_id
   where c.upto - cardinality(c.units) < p_limit
     and (c.upto <= p_limit or c.upto = cardinality(c.units))
   order by c.id desc, u.position;
end
$$;
revoke all on function stardust.pull_history(bigint, integer, bigint) from public;
grant execute on function stardust.pull_history(bigint, integer, bigint) to stardust_bot;
comment on function stardust.pull_history(bigint, integer, bigint) is
  E'The user''s pulls (pull, spark, starter), newest first, with banner, rarity, outcome '
  'and time, and for drawn units (pull, starter) the provably fair record: server seed id, '
  'nonce, client seed, and the pool size and index picked (rate_up_pick: from the banner''s '
  'rate-up units of that rarity). A page holds whole calls, at most p_limit units; the next page is '
  'p_before => the smallest pull_id shown.\n'
  'select * from stardust.pull_history(p_user_id => 42, p_limit => 20);';
