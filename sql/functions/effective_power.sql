create or replace function stardust.effective_power(p_favorites bigint, p_rarity text)
returns integer
language plpgsql immutable parallel safe security definer
set search_path = pg_catalog, pg_temp
as $$
-- DESIGN.md "Catalogue", in exact numeric arithmetic, truncated to an integer.
declare
  v_favs numeric := greatest(coalesce(p_favorites, 0), 0);
begin
  if p_favorites is null or p_favorites < 0 then
    raise exception 'Favourites must be zero or more, got %', coalesce(p_favorites::text, 'NULL')
      using errcode = 'SDARG', hint = 'AniList favourites count.';
  end if;
  case p_rarity
    when 'SSR' then
      return trunc(greatest(10000, 10200 + (log(greatest(v_favs, 1)) - 4.17) * 1780));
    when 'SR' then
      return trunc(stardust._squash(7000 + v_favs / 6, 9000, 9900));
    when 'R' then
      return trunc(stardust._squash(4000 + v_favs / 2, 5000, 6250));
    else
      raise exception 'Unknown rarity %', coalesce(p_rarity, 'NULL')
        using errcode = 'SDARG', hint = 'Rarity is R, SR or SSR.';
  end case;
end
$$;
revoke all on function stardust.effective_power(bigint, text) from public;
grant execute on function stardust.effective_power(bigint, text) to stardust_bot;
comment on function stardust.effective_power(bigint, text) is
  E'A character''s true_power from its AniList favourites and rarity (DESIGN.md): '
  'SSR max(10000, 10200 + (log10(max(favs,1)) - 4.17) * 1780); SR squash(7000 + favs/6, '
  '9000, 9900); R squash(4000 + favs/2, 5000, 6250); truncated.\n'
  'select stardust.effective_power(p_favorites => 50000, p_rarity => ''SSR'');';
