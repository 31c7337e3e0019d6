create or replace function stardust._now()
returns timestamptz
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  -- The clock seam: every time rule (UTC days, the top of the hour, 24 h caps, streak gaps,
  -- expiries, column defaults) reads the time here and nowhere else. It reads nothing a
  -- session can set (no GUC, no table): a leaked bot login cannot move the game's clock.
  -- Tests pin it by replacing this function in their own database as the owner;
  -- `stardust migrate` restores this body.
  select pg_catalog.now()
$$;
revoke all on function stardust._now() from public;
comment on function stardust._now() is
  'Internal: the game''s clock (the clock seam): the transaction''s start time, now(). Every '
  'time rule and timestamp column default reads it; tests pin it by replacing this function '
  'in their own database. Reads nothing a session can set.';
