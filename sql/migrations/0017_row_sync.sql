-- A lighter 10-pull (issue 12 section 2), continued: the statement trigger that ran after
-- every update of stardust.inventory (with transition tables of every updated row) is
-- replaced by a row trigger filtered by its WHEN clause (sql/functions/_inventory_sync_row.sql),
-- which a pull's copies of units outside the team never fire.
drop trigger if exists inventory_sync_update on stardust.inventory;
