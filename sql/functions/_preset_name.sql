create or replace function stardust._preset_name(p_name text)
returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_name is null or length(btrim(p_name)) not between 1 and 15 or p_name ~ '[[:cntrl:]]' then
    raise exception 'Preset names have 1-15 characters, no control characters'
      using errcode = 'SDARG',
      hint = 'e.g. ''bounty'' or ''pvp''.';
  end if;
  return btrim(p_name);
end
$$;
revoke all on function stardust._preset_name(text) from public;
comment on function stardust._preset_name(text) is
  'Internal: a valid preset name (1-15 characters, trimmed) or SDARG.';
