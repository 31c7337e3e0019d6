create or replace function stardust._hmac_pads(
  p_key      bytea,
  out o_ipad bytea,
  out o_opad bytea)
language plpgsql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
-- HMAC-SHA256's two padded keys (RFC 2104): K is the key, or sha256(key) when longer than
-- the 64-byte block, zero-padded to 64 bytes; o_ipad = K xor 0x3636..., o_opad = K xor
-- 0x5c5c... The xor runs on eight 64-bit words (bigint has xor, bytea has not). Computed
-- once per draw, so that each unit drawn costs two sha256 calls. PL/pgSQL, not SQL: a SQL
-- function that is not inlined is planned again on every call (3x slower here, measured).
declare
  v_k bytea := substr(case when octet_length(p_key) > 64 then sha256(p_key) else p_key end
                      || decode(repeat('00', 64), 'hex'), 1, 64);
  v_w bigint;
begin
  o_ipad := '\x'::bytea;
  o_opad := '\x'::bytea;
  for i in 0 .. 7 loop
    v_w := ('x' || encode(substr(v_k, 8 * i + 1, 8), 'hex'))::bit(64)::bigint;
    o_ipad := o_ipad || int8send(v_w # 3906369333256140342);       -- 0x3636363636363636
    o_opad := o_opad || int8send(v_w # 6655295901103053916);       -- 0x5c5c5c5c5c5c5c5c
  end loop;
end
$$;
revoke all on function stardust._hmac_pads(bytea) from public;
comment on function stardust._hmac_pads(bytea) is
  'Internal: the inner and outer padded keys of HMAC-SHA256 for this key (see _hmac_sha256).';
