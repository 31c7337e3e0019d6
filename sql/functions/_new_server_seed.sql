create or replace function stardust._new_server_seed()
returns bytea
language sql volatile
set search_path = pg_catalog, pg_temp
as $$
  -- 32 bytes from the server's cryptographically strong random source (never random()):
  -- gen_random_uuid() (built in since PostgreSQL 13) reads pg_strong_random, i.e. OpenSSL
  -- or the OS; three uuids carry 366 random bits, hashed to 32 uniform bytes.
  select sha256(pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
                || pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
                || pg_catalog.uuid_send(pg_catalog.gen_random_uuid()))
$$;
revoke all on function stardust._new_server_seed() from public;
comment on function stardust._new_server_seed() is
  'Internal: a new server seed, 32 bytes from the strong random source.';
