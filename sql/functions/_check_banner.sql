create or replace function stardust._check_banner(p_banner_id integer)
returns stardust.banners
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
-- The banner, if it exists and is running now (starts_at <= now() < ends_at); else SDBNR.
declare
  v_banner stardust.banners;
begin
  select * into v_banner from stardust.banners b where b.id = p_banner_id;
  if not found then
    raise exception 'Banner % does not exist', coalesce(p_banner_id::text, 'NULL')
      using errcode = 'SDBNR', hint = 'See the running banners with /banner.';
  end if;
  if stardust._now() < v_banner.starts_at then
    raise exception 'Banner "%" has not started yet', v_banner.name
      using errcode = 'SDBNR',
            hint = format('It opens at %s UTC.', to_char(v_banner.starts_at at time zone 'UTC',
                                                          'YYYY-MM-DD HH24:MI'));
  end if;
  if stardust._now() >= v_banner.ends_at then
    raise exception 'Banner "%" has ended', v_banner.name
      using errcode = 'SDBNR', hint = 'See the running banners with /banner.';
  end if;
  return v_banner;
end
$$;
revoke all on function stardust._check_banner(integer) from public;
comment on function stardust._check_banner(integer) is
  'Internal: the banner if it exists and is active now, else SDBNR.';
