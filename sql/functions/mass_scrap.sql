create or replace function stardust.mass_scrap(
  p_user_id    bigint,
  p_rarity     text,
  p_request_id text default null)
returns table (scrapped integer, gems bigint, coins bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_cfg    jsonb := stardust._gacha_config();
  v_args   jsonb := jsonb_build_object('rarity', p_rarity);
  v_result jsonb;
  v_gems   bigint;
  v_coins  bigint;
  v_del    record;
begin
  if p_rarity is null or p_rarity not in ('R', 'SR') then
    raise exception 'Mass scrap takes R or SR, not %', coalesce(p_rarity, 'NULL')
      using errcode = 'SDARG', hint = 'Scrap SSR units one by one with /scrap.';
  end if;
  v_gems := (v_cfg -> 'scrap_gems' ->> p_rarity)::bigint;
  v_coins := (v_cfg -> 'scrap_coins' ->> p_rarity)::bigint;
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'mass_scrap', v_args);
  if v_result is null then
    -- one set-based delete: never locked units, team or expedition members
    with del as (
      -- char_rarity is on the unit: an index range over this player's units of that rarity,
      -- never a join with the catalogue
      delete from stardust.inventory i
       where i.user_id = p_user_id
         and i.char_rarity = p_rarity
         and not i.is_locked
         and i.team_slot is null
         and i.expedition_slot is null
      returning i.id, i.anilist_id, i.dupe_level
    )
    select count(*)::integer as n, array_agg(d.id) as ids, array_agg(d.anilist_id) as aids,
           array_agg(d.dupe_level) as levels,
           coalesce(sum(1 + d.dupe_level), 0) as copies
      into v_del from del d;
    perform stardust._pay_scrap(p_user_id, 'mass_scrap', p_request_id, v_del.ids, v_del.aids,
                                v_del.levels, v_del.copies, v_del.copies * v_gems,
                                v_del.copies * v_coins);
    v_result := jsonb_build_object('scrapped', v_del.n, 'gems', v_del.copies * v_gems,
                                   'coins', v_del.copies * v_coins);
    perform stardust._idem_put(p_user_id, p_request_id, 'mass_scrap', v_args, v_result);
  end if;
  return query select (v_result ->> 'scrapped')::integer, (v_result ->> 'gems')::bigint,
                      (v_result ->> 'coins')::bigint;
end
$$;
revoke all on function stardust.mass_scrap(bigint, text, text) from public;
grant execute on function stardust.mass_scrap(bigint, text, text) to stardust_bot;
comment on function stardust.mass_scrap(bigint, text, text) is
  E'Scrap every R (or every SR) unit of the user except locked ones and those in the team '
  'or on an expedition, refunding (1 + dupe_level) copies each; one set-based delete. SSR '
  'is refused (SDARG). Preview with mass_scrap_preview.\n'
  'select * from stardust.mass_scrap(p_user_id => 42, p_rarity => ''R'');';
