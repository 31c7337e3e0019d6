create or replace function stardust._pay_scrap(
  p_user_id     bigint,
  p_reason      text,
  p_request_id  text,
  p_unit_ids    bigint[],
  p_anilist_ids integer[],
  p_dupe_levels smallint[],
  p_copies      bigint,
  p_gems        bigint,
  p_coins       bigint)
returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Units just deleted by scrap/mass_scrap: one scrap_log row for the operation, one ledger
-- row for the refund. Nothing when nothing was scrapped.
begin
  if coalesce(cardinality(p_unit_ids), 0) = 0 then
    return;
  end if;
  insert into stardust.scrap_log (user_id, reason, request_id, copies, gems, coins,
                                  anilist_ids, inventory_ids, dupe_levels)
  values (p_user_id, p_reason, p_request_id,
          p_copies, p_gems, p_coins, p_anilist_ids, p_unit_ids, p_dupe_levels);
  perform stardust._credit(p_user_id, p_gems, p_coins, p_reason, p_request_id);
end
$$;
revoke all on function stardust._pay_scrap(bigint, text, text, bigint[], integer[], smallint[], bigint, bigint, bigint) from public;
comment on function stardust._pay_scrap(bigint, text, text, bigint[], integer[], smallint[], bigint, bigint, bigint) is
  'Internal: log a scrap operation (one scrap_log row) and credit its refund (one ledger '
  'row).';
