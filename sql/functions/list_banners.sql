create or replace function stardust.list_banners(p_include_ended boolean default false)
returns table (id integer, name text, rate_up_ids integer[], rate_up_names text[],
               rate_up_chance numeric, spark_cost integer, starts_at timestamptz,
               ends_at timestamptz, is_active boolean, featured jsonb)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select b.id, b.name, b.rate_up_ids,
         array(select c.name from unnest(b.rate_up_ids) with ordinality r(aid, ord)
                 join stardust.characters c on c.anilist_id = r.aid order by r.ord),
         b.rate_up_chance, b.spark_cost, b.starts_at, b.ends_at,
         b.starts_at <= stardust._now() and stardust._now() < b.ends_at,
         (select coalesce(jsonb_agg(jsonb_build_object('anilist_id', c.anilist_id,
                                    'name', c.name, 'rarity', c.rarity,
                                    'image_url', c.image_url) order by r.ord), '[]')
            from unnest(b.rate_up_ids) with ordinality r(aid, ord)
            join stardust.characters c on c.anilist_id = r.aid)
    from stardust.banners b
   where coalesce(p_include_ended, false) or b.ends_at > stardust._now()
   order by b.starts_at <= stardust._now() and stardust._now() < b.ends_at desc, b.ends_at, b.id
$$;
revoke all on function stardust.list_banners(boolean) from public;
grant execute on function stardust.list_banners(boolean) to stardust_bot;
comment on function stardust.list_banners(boolean) is
  E'Banners that are running or scheduled (and ended ones with p_include_ended), with the '
  'names and details of their rate-up units (featured); running ones first.\n'
  'select * from stardust.list_banners();';
