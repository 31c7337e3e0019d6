create or replace function stardust._hmac_sha256(p_key bytea, p_message bytea)
returns bytea
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- HMAC-SHA256 (RFC 2104) from the built-in sha256(): H((K xor opad) || H((K xor ipad) ||
  -- m)). pgcrypto's hmac() is not on every server (Supabase keeps it in schema extensions,
  -- plain PostgreSQL may not have it at all); this works on any PostgreSQL 11+. Checked
  -- against Python's hmac module in tests/sql/test_fairness.py.
  select sha256(p.o_opad || sha256(p.o_ipad || p_message)) from stardust._hmac_pads(p_key) p
$$;
revoke all on function stardust._hmac_sha256(bytea, bytea) from public;
comment on function stardust._hmac_sha256(bytea, bytea) is
  'Internal: HMAC-SHA256(key, message) built from sha256(), for the provably fair draw.';
