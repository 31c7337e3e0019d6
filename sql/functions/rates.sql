create or replace function stardust.rates(p_banner_id integer default null)
returns table (rarity text, base_rate numeric, consolidated_rate numeric,
               featured_rate numeric, featured_ids integer[], note text)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- Disclosure. With base SSR rate p and hard pity N, pulls per SSR average
-- E = (1 - (1-p)^N) / p, so the consolidated SSR rate is 1/E; the share of pulls that pity
-- forces is f = (1-p)^(N-1) / E, and SR and R keep their base rates on the other 1 - f.
declare
  v_cfg    jsonb := stardust._gacha_config();
  v_p      numeric := (v_cfg ->> 'rate_ssr')::numeric;
  v_sr     numeric := (v_cfg ->> 'rate_sr')::numeric;
  v_n      integer := (v_cfg ->> 'pity_hard')::integer;
  v_e      numeric;
  v_f      numeric;
  v_banner stardust.banners;
begin
  if p_banner_id is not null then
    select * into v_banner from stardust.banners b where b.id = p_banner_id;
    if not found then
      raise exception 'Banner % does not exist', p_banner_id
        using errcode = 'SDBNR', hint = 'See the banners with /banner.';
    end if;
  end if;
  v_e := case when v_p > 0 then (1 - power(1 - v_p, v_n)) / v_p else v_n end;
  v_f := power(1 - v_p, v_n - 1) / v_e;
  return query
  with rows(rarity, base, consolidated, ord) as (
    values ('SSR', v_p, 1 / v_e, 1),
           ('SR', v_sr, v_sr * (1 - v_f), 2),
           ('R', 1 - v_p - v_sr, (1 - v_p - v_sr) * (1 - v_f), 3)
  ), pool as (
    select c.rarity, count(*) as size,
           coalesce(array_agg(c.anilist_id order by c.anilist_id)
                      filter (where c.anilist_id = any(v_banner.rate_up_ids)), '{}') as featured
      from stardust.characters c group by c.rarity
  )
  select r.rarity, round(r.base, 6), round(r.consolidated, 6),
         case when v_banner.id is null or cardinality(coalesce(p.featured, '{}')) = 0 then 0
              else round(r.consolidated * (v_banner.rate_up_chance
                         + (1 - v_banner.rate_up_chance) * cardinality(p.featured) / p.size), 6)
         end,
         coalesce(p.featured, '{}'),
         case r.rarity
           when 'SSR' then format('Hard pity: the %sth pull without an SSR is an SSR, so SSRs '
                                  'come at least every %s pulls and %s %% of pulls on average.',
                                  v_n, v_n, round(100 / v_e, 3))
           when 'SR' then 'A 10-pull whose first nine are R draws its tenth from SR or better, '
                          'so 10-pulls give slightly more SR than single pulls.'
           else 'R is every pull that is not SSR or SR. Every pull is provably fair: '
                'it is drawn from a server seed committed in advance and your client seed, '
                'and can be checked once the seed is revealed (see /fairness).'
         end
    from rows r left join pool p on p.rarity = r.rarity
   order by r.ord;
end
$$;
revoke all on function stardust.rates(integer) from public;
grant execute on function stardust.rates(integer) to stardust_bot;
comment on function stardust.rates(integer) is
  E'The disclosed probabilities per pull: base rates, the consolidated rates with hard pity '
  'included (single pulls), and on a banner the chance per pull of a featured unit of each '
  'rarity. Pulls are provably fair (see fairness()). SDBNR for an unknown banner.\nselect * from stardust.rates();';
