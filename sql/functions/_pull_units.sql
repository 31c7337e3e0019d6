create or replace function stardust._pull_units(p_pull_id bigint)
returns setof stardust.pull_result
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  -- a recorded pull's units, in order: the answer to a retried request
  select u.* from stardust.pulls p cross join unnest(p.units) u where p.id = p_pull_id
$$;
revoke all on function stardust._pull_units(bigint) from public;
comment on function stardust._pull_units(bigint) is
  'Internal: the units of one pull history row, in order (idempotent retries).';
