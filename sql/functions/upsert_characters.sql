create or replace function stardust.upsert_characters(p_characters jsonb)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_bad_ord   bigint;
  v_problem   text;
  v_dup       integer;
  v_ssr_max   integer := (stardust._setting('rank_ssr_max'))::integer;
  v_sr_max    integer := (stardust._setting('rank_sr_max'))::integer;
  v_written   integer;
begin
  if p_characters is null or jsonb_typeof(p_characters) <> 'array' then
    raise exception 'p_characters must be a JSON array' using errcode = 'SDARG',
      hint = '[{"anilist_id": 1, "name": "...", "series": "...", "image_url": "...", '
             '"favorites": 0, "rank": 1}]';
  end if;

  select e.ord, stardust._character_problem(e.elem) into v_bad_ord, v_problem
    from jsonb_array_elements(p_characters) with ordinality e(elem, ord)
   where stardust._character_problem(e.elem) is not null
   order by e.ord
   limit 1;
  if v_problem is not null then
    raise exception 'Character #% of the input: %', v_bad_ord, v_problem
      using errcode = 'SDARG', hint = 'Nothing was written; fix the input and retry.';
  end if;

  select (e.elem ->> 'anilist_id')::integer into v_dup
    from jsonb_array_elements(p_characters) e(elem)
   group by 1 having count(*) > 1 limit 1;
  if v_dup is not null then
    raise exception 'AniList id % appears more than once in the input', v_dup
      using errcode = 'SDARG', hint = 'Nothing was written; deduplicate the input.';
  end if;

  select t.tag into v_problem
    from jsonb_array_elements(p_characters) e(elem)
    cross join lateral jsonb_array_elements_text(
      case when jsonb_typeof(e.elem -> 'ability_tags') = 'array' then e.elem -> 'ability_tags'
           else '[]'::jsonb end) t(tag)
   where not exists (select 1 from stardust.skills k where k.name = btrim(t.tag))
   limit 1;
  if v_problem is not null then
    raise exception 'Unknown skill % in the input', v_problem using errcode = 'SDARG',
      hint = 'Nothing was written. select name from stardust.skills; lists the skills.';
  end if;

  -- Serialise catalogue writers (pulls only read, and are not blocked by this lock).
  lock table stardust.characters in share row exclusive mode;

  with input as (
    select (e.elem ->> 'anilist_id')::integer as anilist_id,
           btrim(e.elem ->> 'name') as name,
           nullif(btrim(e.elem ->> 'series'), '') as series,
           nullif(btrim(e.elem ->> 'image_url'), '') as image_url,
           coalesce((e.elem ->> 'favorites')::bigint, 0) as favorites,
           (e.elem ->> 'rank')::integer as rank,
           case when jsonb_typeof(e.elem -> 'ability_tags') = 'array' then
             array(select btrim(t.tag) from jsonb_array_elements_text(e.elem -> 'ability_tags') t(tag))
           end as tags
      from jsonb_array_elements(p_characters) e(elem)
  ), derived as (
    select i.*,
           case when i.rank <= v_ssr_max then 'SSR'
                when i.rank <= v_sr_max then 'SR'
                else 'R' end as rarity
      from input i
  )
  insert into stardust.characters as c
         (anilist_id, name, series, image_url, favorites, rank, rarity, true_power,
          ability_tags)
  select d.anilist_id, d.name, d.series, d.image_url, d.favorites, d.rank, d.rarity,
         stardust.effective_power(d.favorites, d.rarity),
         -- tags absent from the input keep the stored ones
         coalesce(d.tags, (select ch.ability_tags from stardust.characters ch
                            where ch.anilist_id = d.anilist_id), '{}')
    from derived d
  on conflict (anilist_id) do update
     set name = excluded.name,
         series = excluded.series,
         image_url = excluded.image_url,
         favorites = excluded.favorites,
         rank = excluded.rank,
         rarity = case when c.is_overridden then c.rarity else excluded.rarity end,
         true_power = case when c.is_overridden then c.true_power else excluded.true_power end,
         ability_tags = case when c.is_overridden then c.ability_tags
                             else excluded.ability_tags end,
         updated_at = stardust._now()
   where (c.name, c.series, c.image_url, c.favorites, c.rank)
           is distinct from
         (excluded.name, excluded.series, excluded.image_url, excluded.favorites, excluded.rank)
      or (not c.is_overridden
          and (c.rarity, c.true_power, c.ability_tags)
                is distinct from (excluded.rarity, excluded.true_power, excluded.ability_tags));
  get diagnostics v_written = row_count;
  -- a catalogue import changes the rarity pools wholesale: refresh the planner's statistics
  -- now rather than when autovacuum gets to it (plans for scrap and pulls depend on them)
  if v_written >= 100 then
    analyze stardust.characters;
  end if;
  return v_written;
end
$$;
revoke all on function stardust.upsert_characters(jsonb) from public;
comment on function stardust.upsert_characters(jsonb) is
  E'Admin/importer: insert or update catalogue characters from a JSON array of '
  '{anilist_id, name, series, image_url, favorites, rank, ability_tags?}. Rarity comes from '
  'rank (settings rank_ssr_max, rank_sr_max), true_power from effective_power(); rows with '
  'is_overridden keep their rarity, power and skills. All or nothing: a bad element raises '
  'SDARG naming it. Returns the number of rows inserted or changed.\n'
  'select stardust.upsert_characters(''[{"anilist_id": 40882, "name": "Levi", "series": '
  '"Shingeki no Kyojin", "favorites": 170000, "rank": 2}]'');';
