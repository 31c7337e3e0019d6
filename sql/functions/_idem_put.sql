create or replace function stardust._idem_put(
  p_user_id    bigint,
  p_request_id text,
  p_fn         text,
  p_args       jsonb,
  p_result     jsonb)
returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_request_id is null then
    return;
  end if;
  -- the id's length was checked by _idem_get, which every caller runs first (and the
  -- table's check constraint stands behind it)
  insert into stardust.requests (user_id, request_id, fn, args, result)
  values (p_user_id, p_request_id, p_fn, p_args, coalesce(p_result, 'null'::jsonb));
end
$$;
revoke all on function stardust._idem_put(bigint, text, text, jsonb, jsonb) from public;
comment on function stardust._idem_put(bigint, text, text, jsonb, jsonb) is
  'Internal idempotency: record the result of a call made with a request id.';
