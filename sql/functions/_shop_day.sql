create or replace function stardust._shop_day(p_day date)
returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- The day's listing (2 SSR, 3 SR, 5 R, distinct), made once: the first caller of the day
-- takes an advisory lock for that day, checks again, and draws it.
declare
  v_slot integer := 0;
  v_rar  text;
  v_pick integer;
begin
  if exists (select 1 from stardust.shop_listings l where l.day = p_day) then
    return;
  end if;
  perform pg_advisory_xact_lock(hashtext('stardust.shop'), (p_day - date '2000-01-01'));
  if exists (select 1 from stardust.shop_listings l where l.day = p_day) then
    return;
  end if;
  foreach v_rar in array array['SSR', 'SSR', 'SR', 'SR', 'SR', 'R', 'R', 'R', 'R', 'R'] loop
    v_slot := v_slot + 1;
    select c.anilist_id into v_pick
      from stardust.characters c
     where c.rarity = v_rar
       and not exists (select 1 from stardust.shop_listings l
                        where l.day = p_day and l.anilist_id = c.anilist_id)
     order by random()
     limit 1;
    if v_pick is not null then
      insert into stardust.shop_listings (day, slot, anilist_id, rarity)
      values (p_day, v_slot, v_pick, v_rar);
    end if;
  end loop;
end
$$;
revoke all on function stardust._shop_day(date) from public;
comment on function stardust._shop_day(date) is
  'Internal: make the day''s shop listing (2 SSR + 3 SR + 5 R) once, under an advisory lock.';
