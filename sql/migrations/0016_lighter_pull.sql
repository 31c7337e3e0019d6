-- A lighter 10-pull (issue 12 section 2).
--
-- users.ach_next: for each achievement condition, the lowest threshold this player has not
-- unlocked yet (a condition missing: none left), so that a pull measures its achievements
-- only when one may have been reached (usually one comparison instead of a query). Null:
-- not known yet (computed by the next pull that measures). A stored value may be lower
-- than the truth (an achievement unlocked elsewhere, or deleted) and only costs a useless
-- measure; never higher: a statement trigger on stardust.achievements (_ach_next_reset,
-- in sql/functions) forgets every stored value when the definitions change.
alter table stardust.users add column ach_next jsonb;
comment on column stardust.users.ach_next is
  'Per achievement condition, the lowest threshold not yet unlocked (null: unknown); '
  'maintained by pull, forgotten when stardust.achievements changes.';
