create or replace function stardust._draw(
  p_count   integer,
  p_pity    integer,
  p_cfg     jsonb,
  p_banner  stardust.banners,
  out o_rarities text[],
  out o_is_pity  boolean[],
  out o_fixed    integer[],
  out o_u        double precision[],
  out o_pity     integer)
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Every random decision of a pull, in order, from the session's random() (setseed makes
-- it reproducible), never inline in a WHERE clause:
--  * rarity: SSR/SR/R at the base rates; p_pity = pulls since the last SSR before this
--    call, and the pity_hard-th pull without an SSR is an SSR (any SSR resets the count);
--    in a 10-pull whose first nine are R the tenth is at least SR (keeping its SSR chance);
--  * on a limited banner an SSR or SR is, with probability rate_up_chance, a uniform pick
--    among the banner's rate-up units of that rarity (o_fixed);
--  * otherwise o_u in [0, 1) picks uniformly in the rarity's pool (characters.pool_idx),
--    rate-up units included.
declare
  v_ssr       double precision := (p_cfg ->> 'rate_ssr')::double precision;
  v_sr        double precision := (p_cfg ->> 'rate_sr')::double precision;
  v_hard      integer := (p_cfg ->> 'pity_hard')::integer;
  v_guarantee boolean := (p_cfg ->> 'ten_pull_guarantee')::boolean and p_count = 10;
  v_high      boolean := false;
  v_ru_ssr    integer[] := '{}'::integer[];
  v_ru_sr     integer[] := '{}'::integer[];
  v_list      integer[];
  v_forced    boolean;
  v_rarity    text;
  v_u         double precision;
begin
  if p_banner.id is not null then
    select coalesce(array_agg(c.anilist_id order by c.anilist_id)
                      filter (where c.rarity = 'SSR'), '{}'::integer[]),
           coalesce(array_agg(c.anilist_id order by c.anilist_id)
                      filter (where c.rarity = 'SR'), '{}'::integer[])
      into v_ru_ssr, v_ru_sr
      from stardust.characters c
     where c.anilist_id = any(p_banner.rate_up_ids);
  end if;
  o_pity := p_pity;
  o_rarities := '{}'::text[];
  o_is_pity := '{}'::boolean[];
  o_fixed := '{}'::integer[];
  o_u := '{}'::double precision[];
  for i in 1 .. p_count loop
    v_forced := o_pity + 1 >= v_hard;
    if v_forced then
      v_rarity := 'SSR';
    else
      v_u := random();
      v_rarity := case when v_u < v_ssr then 'SSR' when v_u < v_ssr + v_sr then 'SR' else 'R' end;
      if v_guarantee and i = p_count and not v_high and v_rarity = 'R' then
        v_rarity := 'SR';
      end if;
    end if;
    o_pity := case when v_rarity = 'SSR' then 0 else o_pity + 1 end;
    v_high := v_high or v_rarity <> 'R';
    o_rarities := o_rarities || v_rarity;
    o_is_pity := o_is_pity || v_forced;
    v_list := case v_rarity when 'SSR' then v_ru_ssr when 'SR' then v_ru_sr
                            else '{}'::integer[] end;
    if cardinality(v_list) > 0 and random() < p_banner.rate_up_chance then
      o_fixed := o_fixed || v_list[1 + floor(random() * cardinality(v_list))::integer];
      o_u := o_u || null::double precision;
    else
      o_fixed := o_fixed || null::integer;
      o_u := o_u || random();
    end if;
  end loop;
end
$$;
revoke all on function stardust._draw(integer, integer, jsonb, stardust.banners) from public;
comment on function stardust._draw(integer, integer, jsonb, stardust.banners) is
  'Internal: the random part of p_count pulls - rarity (base rates, hard pity, 10-pull SR '
  'guarantee), rate-up pick or pool position - and the pity counter afterwards.';
