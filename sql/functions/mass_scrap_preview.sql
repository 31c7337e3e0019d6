create or replace function stardust.mass_scrap_preview(p_user_id bigint, p_rarity text)
returns table (scrapped integer, gems bigint, coins bigint)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_cfg jsonb := stardust._gacha_config();
begin
  perform stardust._valid_id(p_user_id);         -- SDARG: no user has this id
  if p_rarity is null or p_rarity not in ('R', 'SR') then
    raise exception 'Mass scrap takes R or SR, not %', coalesce(p_rarity, 'NULL')
      using errcode = 'SDARG', hint = 'Scrap SSR units one by one with /scrap.';
  end if;
  return query
  select count(*)::integer,
         coalesce(sum(1 + i.dupe_level), 0)::bigint * (v_cfg -> 'scrap_gems' ->> p_rarity)::bigint,
         coalesce(sum(1 + i.dupe_level), 0)::bigint * (v_cfg -> 'scrap_coins' ->> p_rarity)::bigint
    from stardust.inventory i                  -- an index range, no catalogue join
   where i.user_id = p_user_id
     and i.char_rarity = p_rarity
     and not i.is_locked
     and i.team_slot is null
     and i.expedition_slot is null;
end
$$;
revoke all on function stardust.mass_scrap_preview(bigint, text) from public;
grant execute on function stardust.mass_scrap_preview(bigint, text) to stardust_bot;
comment on function stardust.mass_scrap_preview(bigint, text) is
  E'What mass_scrap would take and pay right now, changing nothing.\n'
  'select * from stardust.mass_scrap_preview(p_user_id => 42, p_rarity => ''R'');';
