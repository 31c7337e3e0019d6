create or replace function stardust.scrap(
  p_user_id       bigint,
  p_inventory_ids bigint[],
  p_request_id    text default null)
returns table (scrapped integer, gems bigint, coins bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_cfg    jsonb := stardust._gacha_config();
  v_ids    bigint[] := stardust._unit_ids(p_inventory_ids, (v_cfg ->> 'scrap_max_units')::integer);
  v_args   jsonb := jsonb_build_object('ids', v_ids);
  v_result jsonb;
  v_busy   record;
  v_del    record;
begin
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'scrap', v_args);
  if v_result is null then
    perform stardust._lock_units(p_user_id, v_ids);
    select i.id,
           case when i.team_slot is not null then 'in your team'
                when i.expedition_slot is not null then 'on an expedition'
                else 'locked' end as why
      into v_busy
      from stardust.inventory i
     where i.id = any(v_ids)
       and (i.is_locked or i.team_slot is not null or i.expedition_slot is not null)
     order by i.id
     limit 1;
    if found then
      raise exception 'Unit #% is %', v_busy.id, v_busy.why
        using errcode = 'SDLCK',
              hint = 'Unlock it, or take it out of the team or expedition, first.';
    end if;
    -- each unit refunds (1 + dupe_level) copies at its rarity's scrap value
    with del as (
      delete from stardust.inventory i
       using stardust.characters c
       where i.id = any(v_ids) and c.anilist_id = i.anilist_id
      returning i.id, i.anilist_id, i.dupe_level, c.rarity
    )
    select count(*)::integer as n, array_agg(d.id) as ids, array_agg(d.anilist_id) as aids,
           array_agg(d.dupe_level) as levels, sum(1 + d.dupe_level) as copies,
           sum((1 + d.dupe_level) * (v_cfg -> 'scrap_gems' ->> d.rarity)::bigint)::bigint as gems,
           sum((1 + d.dupe_level) * (v_cfg -> 'scrap_coins' ->> d.rarity)::bigint)::bigint as coins
      into v_del from del d;
    perform stardust._pay_scrap(p_user_id, 'scrap', p_request_id, v_del.ids, v_del.aids,
                                v_del.levels, v_del.copies, v_del.gems, v_del.coins);
    v_result := jsonb_build_object('scrapped', v_del.n, 'gems', v_del.gems,
                                   'coins', v_del.coins);
    perform stardust._idem_put(p_user_id, p_request_id, 'scrap', v_args, v_result);
  end if;
  return query select (v_result ->> 'scrapped')::integer, (v_result ->> 'gems')::bigint,
                      (v_result ->> 'coins')::bigint;
end
$$;
revoke all on function stardust.scrap(bigint, bigint[], text) from public;
grant execute on function stardust.scrap(bigint, bigint[], text) to stardust_bot;
comment on function stardust.scrap(bigint, bigint[], text) is
  E'Scrap units by inventory id: each refunds (1 + dupe_level) x (R 100 gems + 5 coins, SR '
  '500 + 25, SSR 10,000 + 500). All or nothing: SDOWN if any unit is not yours, SDLCK if '
  'any is locked, in the team or on an expedition. scrapped counts units.\n'
  'select * from stardust.scrap(p_user_id => 42, p_inventory_ids => array[17, 18]);';
