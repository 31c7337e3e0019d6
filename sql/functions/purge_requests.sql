create or replace function stardust.purge_requests(
  p_older_than interval default interval '7 days')
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- An idempotency record (stardust.requests) exists for the retries of one Discord
-- interaction, and Discord stops delivering those after 15 minutes (an interaction token
-- lives that long). Older records only take room, one row per command forever: this
-- deletes those older than p_older_than, at least a day, so that no retry in flight can
-- lose its record. The pull history and the ledger keep their request ids for audits.
declare
  v_n bigint;
begin
  if p_older_than is null or p_older_than not between interval '1 day' and interval '100 years' then
    raise exception 'Keep between one day and 100 years of request ids, got %',
      coalesce(p_older_than::text, 'NULL')
      using errcode = 'SDARG',
            hint = 'Discord retries an interaction for 15 minutes; the default keeps 7 days.';
  end if;
  delete from stardust.requests r where r.created_at < stardust._now() - p_older_than;
  get diagnostics v_n = row_count;
  return v_n;
end
$$;
revoke all on function stardust.purge_requests(interval) from public;
comment on function stardust.purge_requests(interval) is
  E'Admin maintenance: delete the idempotency records (request ids) older than p_older_than '
  '(at least 1 day; default 7 days) and return how many. Run it daily, e.g. with pg_cron: '
  'select cron.schedule(''stardust-requests'', ''17 4 * * *'', '
  '''select stardust.purge_requests()''). SDARG under a day.\n'
  'select stardust.purge_requests(p_older_than => interval ''7 days'');';
