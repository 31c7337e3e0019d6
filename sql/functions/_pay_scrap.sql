create or replace function stardust._pay_scrap(
  p_user_id     bigint,
  p_reason      text,
  p_request_id  text,
  p_unit_ids    bigint[],
  p_anilist_ids integer[],
  p_dupe_levels integer[],
  p_cfg         jsonb,
  out o_scrapped integer,
  out o_gems     bigint,
  out o_coins    bigint)
language plpgsql volatile
set search_path = ''
as $$
-- Refund for units just deleted: (1 + dupe_level) copies x the rarity's scrap value; one
-- scrap_log row per unit, one ledger row in all.
begin
  with logged as (
    insert into stardust.scrap_log (user_id, inventory_id, anilist_id, copies, gems, coins,
                                    reason, request_id)
    select p_user_id, u.unit_id, u.anilist_id, 1 + u.dupe_level,
           (1 + u.dupe_level) * (p_cfg -> 'scrap_gems' ->> c.rarity)::bigint,
           (1 + u.dupe_level) * (p_cfg -> 'scrap_coins' ->> c.rarity)::bigint,
           p_reason, p_request_id
      from unnest(p_unit_ids, p_anilist_ids, p_dupe_levels) u(unit_id, anilist_id, dupe_level)
      join stardust.characters c on c.anilist_id = u.anilist_id
    returning gems, coins
  )
  select count(*)::integer, coalesce(sum(l.gems), 0), coalesce(sum(l.coins), 0)
    into o_scrapped, o_gems, o_coins
    from logged l;
  perform stardust._credit(p_user_id, o_gems, o_coins, p_reason, p_request_id);
end
$$;
revoke all on function stardust._pay_scrap(bigint, text, text, bigint[], integer[], integer[], jsonb) from public;
comment on function stardust._pay_scrap(bigint, text, text, bigint[], integer[], integer[], jsonb) is
  'Internal: log and pay the refund of units just deleted ((1 + dupe_level) x the rarity''s '
  'scrap value each).';
