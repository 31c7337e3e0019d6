create or replace function stardust.set_client_seed(
  p_user_id     bigint,
  p_client_seed text,
  p_request_id  text default null)
returns table (seed_id integer, commitment text, client_seed text, nonce bigint,
               rate_ssr double precision, rate_sr double precision, pity_hard integer,
               ten_pull_guarantee boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- The player's own part of the draw: 1-64 printable characters (no control characters,
-- no line or paragraph separators), used from the next nonce on. Nonces go on counting.
declare
  v_args   jsonb := jsonb_build_object('client_seed', p_client_seed);
  v_result jsonb;
begin
  if p_client_seed is null or char_length(p_client_seed) not between 1 and 64
     or p_client_seed ~ '[\x01-\x1f\x7f-\x9f\u2028\u2029]' then
    raise exception 'A client seed is 1 to 64 printable characters'
      using errcode = 'SDARG',
            hint = 'Pick any word or number you like, without line breaks.';
  end if;
  perform stardust._lock_user(p_user_id);
  v_result := stardust._idem_get(p_user_id, p_request_id, 'set_client_seed', v_args);
  if v_result is null then
    update stardust.users u set client_seed = p_client_seed where u.user_id = p_user_id;
    select to_jsonb(f) into v_result from stardust.fairness(p_user_id) f;
    perform stardust._idem_put(p_user_id, p_request_id, 'set_client_seed', v_args, v_result);
  end if;
  return query select * from jsonb_to_record(v_result)
    as x(seed_id integer, commitment text, client_seed text, nonce bigint,
        rate_ssr double precision, rate_sr double precision, pity_hard integer,
        ten_pull_guarantee boolean);
end
$$;
revoke all on function stardust.set_client_seed(bigint, text, text) from public;
grant execute on function stardust.set_client_seed(bigint, text, text) to stardust_bot;
comment on function stardust.set_client_seed(bigint, text, text) is
  E'Set the player''s client seed (1-64 printable characters; new players start with their '
  'user id) for their next pulls; returns fairness(). SDARG otherwise. Same p_request_id = '
  'same result.\n'
  'select * from stardust.set_client_seed(p_user_id => 42, p_client_seed => ''lucky'');';
