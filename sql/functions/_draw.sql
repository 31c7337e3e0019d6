create or replace function stardust._draw(
  p_count       integer,
  p_pity        integer,
  p_cfg         jsonb,
  p_banner      stardust.banners,
  p_seed        bytea,
  p_client_seed text,
  p_nonce       bigint,
  out o_rarities text[],
  out o_is_pity  boolean[],
  out o_fixed    integer[],
  out o_u        double precision[],
  out o_pity     integer,
  out o_list_n   integer[],
  out o_list_idx integer[])
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Every random decision of a pull, in order, from the provably fair stream (DESIGN.md,
-- "Provably fair pulls"; docs/FAIRNESS.md): unit i uses nonce p_nonce + i - 1 and
-- h = HMAC-SHA256(key = server seed, message = client seed || ':' || nonce) read as
-- u1, u2, u3 = big-endian bytes 0-5, 6-11, 12-17 of h over 2^48, and nothing else:
--  * rarity: SSR if u1 < rate_ssr, SR if u1 < rate_ssr + rate_sr, else R; p_pity = pulls
--    since the last SSR before this call, and the pity_hard-th pull without an SSR is an
--    SSR whatever u1 (flagged is_pity; any SSR resets the count); in a 10-pull whose first
--    nine are R the tenth is at least SR (keeping its SSR chance);
--  * on a limited banner with rate-up units of that rarity, the unit is a rate-up pick when
--    u2 < rate_up_chance: the rate-up units of that rarity by anilist_id, index
--    floor(u3 * n) (o_fixed, o_list_n = n, o_list_idx = the index);
--  * otherwise o_u = u3 picks the character whose pool_idx is floor(u3 * pool size) (in
--    _award, which records the size and index).
-- Comparisons and products are IEEE doubles, as in any other language's verifier.
declare
  v_ssr       double precision := (p_cfg ->> 'rate_ssr')::double precision;
  v_sr        double precision := (p_cfg ->> 'rate_sr')::double precision;
  v_hard      integer := (p_cfg ->> 'pity_hard')::integer;
  v_guarantee boolean := (p_cfg ->> 'ten_pull_guarantee')::boolean and p_count = 10;
  v_chance    double precision := coalesce(p_banner.rate_up_chance, 0)::double precision;
  v_pads      record := stardust._hmac_pads(p_seed);
  v_high      boolean := false;
  v_ru_ssr    integer[] := '{}'::integer[];
  v_ru_sr     integer[] := '{}'::integer[];
  v_list      integer[];
  v_forced    boolean;
  v_rarity    text;
  v_hex       text;
  v_u1        double precision;
  v_u2        double precision;
  v_u3        double precision;
  v_idx       integer;
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
  o_list_n := '{}'::integer[];
  o_list_idx := '{}'::integer[];
  for i in 1 .. p_count loop
    v_hex := encode(substr(sha256(v_pads.o_opad || sha256(v_pads.o_ipad
               || convert_to(p_client_seed || ':' || (p_nonce + i - 1)::text, 'UTF8'))),
                           1, 18), 'hex');
    v_u1 := ('x' || substr(v_hex, 1, 12))::bit(48)::bigint / 281474976710656.0::double precision;
    v_u2 := ('x' || substr(v_hex, 13, 12))::bit(48)::bigint / 281474976710656.0::double precision;
    v_u3 := ('x' || substr(v_hex, 25, 12))::bit(48)::bigint / 281474976710656.0::double precision;
    v_forced := o_pity + 1 >= v_hard;
    if v_forced then
      v_rarity := 'SSR';
    else
      v_rarity := case when v_u1 < v_ssr then 'SSR' when v_u1 < v_ssr + v_sr then 'SR'
                       else 'R' end;
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
    if cardinality(v_list) > 0 and v_u2 < v_chance then
      v_idx := floor(v_u3 * cardinality(v_list))::integer;
      o_fixed := o_fixed || v_list[1 + v_idx];
      o_u := o_u || null::double precision;
      o_list_n := o_list_n || cardinality(v_list);
      o_list_idx := o_list_idx || v_idx;
    else
      o_fixed := o_fixed || null::integer;
      o_u := o_u || v_u3;
      o_list_n := o_list_n || null::integer;
      o_list_idx := o_list_idx || null::integer;
    end if;
  end loop;
end
$$;
revoke all on function stardust._draw(integer, integer, jsonb, stardust.banners, bytea, text, bigint) from public;
comment on function stardust._draw(integer, integer, jsonb, stardust.banners, bytea, text, bigint) is
  'Internal: the random part of p_count pulls from the provably fair stream (HMAC-SHA256 of '
  'the server seed over client_seed:nonce) - rarity (base rates, hard pity, 10-pull SR '
  'guarantee), rate-up pick or pool position - and the pity counter afterwards.';
