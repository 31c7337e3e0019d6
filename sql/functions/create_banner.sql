create or replace function stardust.create_banner(
  p_name           text,
  p_rate_up_ids    integer[],
  p_ends_at        timestamptz,
  p_starts_at      timestamptz default stardust._now(),
  p_rate_up_chance numeric default 0.5,
  p_spark_cost     integer default 300)
returns stardust.banners
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_missing integer;
  v_r       integer;
  v_banner  stardust.banners;
begin
  if p_name is null or length(btrim(p_name)) not between 1 and 100 then
    raise exception 'Banner name must be 1-100 characters' using errcode = 'SDARG',
      hint = 'e.g. ''Frieren: Beyond Journey''''s End''.';
  end if;
  if array_ndims(p_rate_up_ids) > 1 then    -- first: array_position refuses 2-D arrays
    raise exception 'Rate-up ids are a flat list' using errcode = 'SDARG',
      hint = 'p_rate_up_ids => array[anilist ids of SSR or SR characters].';
  end if;
  if p_rate_up_ids is null or cardinality(p_rate_up_ids) = 0
     or array_position(p_rate_up_ids, null) is not null then
    raise exception 'A banner needs one or more rate-up characters' using errcode = 'SDARG',
      hint = 'p_rate_up_ids => array[anilist ids of SSR or SR characters].';
  end if;
  if cardinality(p_rate_up_ids) <> (select count(distinct x) from unnest(p_rate_up_ids) x) then
    raise exception 'Rate-up characters are listed twice' using errcode = 'SDARG',
      hint = 'List each AniList id once.';
  end if;
  select x into v_missing from unnest(p_rate_up_ids) x
   where not exists (select 1 from stardust.characters c where c.anilist_id = x) limit 1;
  if v_missing is not null then
    raise exception 'Character % is not in the catalogue', v_missing using errcode = 'SDARG',
      hint = 'Import it first (stardust import-characters).';
  end if;
  select c.anilist_id into v_r from stardust.characters c
   where c.anilist_id = any(p_rate_up_ids) and c.rarity = 'R' limit 1;
  if v_r is not null then
    raise exception 'Character % is R: rate-up applies to SSR and SR draws', v_r
      using errcode = 'SDARG', hint = 'Feature SSR or SR characters.';
  end if;
  if p_starts_at is null or p_ends_at is null or p_ends_at <= p_starts_at
     or p_ends_at <= stardust._now() then
    raise exception 'A banner must end after it starts, and in the future'
      using errcode = 'SDARG', hint = 'p_ends_at => now() + interval ''14 days''.';
  end if;
  if p_rate_up_chance is null or p_rate_up_chance not between 0 and 1 then
    raise exception 'Rate-up chance must be between 0 and 1' using errcode = 'SDARG',
      hint = '0.5 means half of SSR/SR draws are rate-up units.';
  end if;
  if p_spark_cost is null or p_spark_cost < 1 then
    raise exception 'Spark cost must be a positive number of points' using errcode = 'SDARG',
      hint = 'The default is 300.';
  end if;
  insert into stardust.banners (name, rate_up_ids, rate_up_chance, spark_cost, starts_at,
                                ends_at)
  values (btrim(p_name), p_rate_up_ids, p_rate_up_chance, p_spark_cost, p_starts_at, p_ends_at)
  returning * into v_banner;
  return v_banner;
end
$$;
revoke all on function stardust.create_banner(text, integer[], timestamptz, timestamptz, numeric, integer) from public;
comment on function stardust.create_banner(text, integer[], timestamptz, timestamptz, numeric, integer) is
  E'Admin: open a limited banner featuring SSR/SR catalogue characters. Pulls on it add '
  'spark points; spark_cost points buy a rate-up unit.\n'
  'select * from stardust.create_banner(p_name => ''Frieren'', p_rate_up_ids => '
  'array[176754, 184311], p_ends_at => now() + interval ''14 days'');';
