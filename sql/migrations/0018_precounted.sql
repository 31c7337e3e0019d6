-- A lighter 10-pull (issue 12 section 2), continued: one users row version per 10-pull.
-- The counters' insert trigger (_inventory_sync) updated the users row a second time after
-- the pull's own update; under a hot player's lock that second version cost about a quarter
-- of the throughput (bench/pull_variants.py). A pull now adds its new units to the counters
-- in its own users update and inserts them precounted; the trigger skips precounted rows.
-- The bot cannot insert units (no table privileges): only the game's functions set it.
alter table stardust.inventory add column precounted boolean not null default false;
comment on column stardust.inventory.precounted is
  'True when the inserting statement''s caller added this unit to the users counters itself '
  '(pull); the counters'' trigger then skips it. Leave it false in the SQL editor.';
-- _award gained p_precounted
drop function if exists stardust._award(bigint, text, stardust.banners, text, jsonb, text[], boolean[], integer[], double precision[], integer, bigint, text, integer[], integer[]);
