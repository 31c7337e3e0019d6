create or replace function stardust._idem_get(
  p_user_id    bigint,
  p_request_id text,
  p_fn         text,
  p_args       jsonb)
returns jsonb
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
-- The stored result of an earlier call with this (user, request id), or null. A request id
-- reused for another function or other arguments raises SDIDM. Caller holds the user lock,
-- so concurrent retries see the first call's committed record.
declare
  v_req stardust.requests;
begin
  if p_request_id is null then
    return null;
  end if;
  if length(p_request_id) not between 1 and 100 then      -- refused before any work
    raise exception 'Request id must be 1-100 characters' using errcode = 'SDARG',
      hint = 'Pass the Discord interaction id.';
  end if;
  select * into v_req from stardust.requests r
   where r.user_id = p_user_id and r.request_id = p_request_id;
  if not found then
    return null;
  end if;
  if v_req.fn <> p_fn or v_req.args <> p_args then
    raise exception 'Request id % was already used for another action', p_request_id
      using errcode = 'SDIDM',
            detail = format('first: %s(%s); now: %s(%s)', v_req.fn, v_req.args, p_fn, p_args),
            hint = 'Use a new request id (the Discord interaction id) for a new action.';
  end if;
  return v_req.result;
end
$$;
revoke all on function stardust._idem_get(bigint, text, text, jsonb) from public;
comment on function stardust._idem_get(bigint, text, text, jsonb) is
  'Internal idempotency: the first result stored for (user, request id), null when new; '
  'SDIDM when the id was used with another function or arguments, SDARG when it is not '
  '1-100 characters.';
