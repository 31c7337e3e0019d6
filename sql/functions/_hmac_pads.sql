create or replace function stardust._hmac_pads(
  p_key      bytea,
  out o_ipad bytea,
  out o_opad bytea)
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- HMAC-SHA256's two padded keys (RFC 2104): K is the key, or sha256(key) when longer than
  -- the 64-byte block, zero-padded to 64 bytes; o_ipad = K xor 0x3636..., o_opad = K xor
  -- 0x5c5c... The xor runs on eight 64-bit words (bigint has xor, bytea has not). Computed
  -- once per draw, so that each unit drawn costs two sha256 calls.
  select decode(string_agg(lpad(to_hex(w.word # 3906369333256140342), 16, '0'), ''
                           order by w.i), 'hex'),
         decode(string_agg(lpad(to_hex(w.word # 6655295901103053916), 16, '0'), ''
                           order by w.i), 'hex')
    from (select substr(case when octet_length(p_key) > 64 then sha256(p_key) else p_key end
                        || decode(repeat('00', 64), 'hex'), 1, 64) as k) kk
   cross join lateral (
     select g.i, ('x' || encode(substr(kk.k, 8 * g.i + 1, 8), 'hex'))::bit(64)::bigint as word
       from generate_series(0, 7) g(i)) w
$$;
revoke all on function stardust._hmac_pads(bytea) from public;
comment on function stardust._hmac_pads(bytea) is
  'Internal: the inner and outer padded keys of HMAC-SHA256 for this key (see _hmac_sha256).';
