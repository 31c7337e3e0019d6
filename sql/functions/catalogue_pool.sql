create or replace function stardust.catalogue_pool(p_rarity text)
returns table (pool_idx integer, anilist_id integer, name text)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- The pool a fair draw picks from: the rarity's characters by pool_idx (0 .. size - 1), so
-- that a verifier can map a recorded pool index to its character.
begin
  if p_rarity is null or p_rarity not in ('R', 'SR', 'SSR') then
    raise exception 'Rarity must be R, SR or SSR, got %', coalesce(p_rarity, 'NULL')
      using errcode = 'SDARG', hint = 'p_rarity => ''SSR''';
  end if;
  return query
  select c.pool_idx, c.anilist_id, c.name from stardust.characters c
   where c.rarity = p_rarity
   order by c.pool_idx;
end
$$;
revoke all on function stardust.catalogue_pool(text) from public;
grant execute on function stardust.catalogue_pool(text) to stardust_bot;
comment on function stardust.catalogue_pool(text) is
  E'The characters of one rarity in draw order (pool_idx 0 .. n-1): a fair draw of that '
  'rarity picks index floor(u3 * n). For verifiers (stardust verify). SDARG bad rarity.\n'
  'select * from stardust.catalogue_pool(p_rarity => ''SSR'');';
