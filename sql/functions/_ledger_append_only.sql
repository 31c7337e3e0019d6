create or replace function stardust._ledger_append_only()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  -- One exception: stardust.erase_user deletes an erased player's own rows. It sets the
  -- transaction-local marker stardust.erasing to that player's id just for its DELETE (and
  -- clears it after), and only rows of that id pass. The bot's role cannot abuse the marker:
  -- anyone may set a custom setting, but the bot has no privilege on any table (no DELETE,
  -- no TRUNCATE; RLS is on), so its only way to the ledger is through the functions, and of
  -- those only erase_user deletes from it. UPDATE and TRUNCATE are always refused.
  if tg_op = 'DELETE' then
    if old.user_id::text = current_setting('stardust.erasing', true) then
      return old;
    end if;
  end if;
  raise exception 'The ledger is append-only (% refused)', tg_op
    using errcode = 'SDARG',
          hint = 'Correct a balance with stardust.grant(), which writes a new ledger row.';
end
$$;
revoke all on function stardust._ledger_append_only() from public;
comment on function stardust._ledger_append_only() is
  'Trigger: refuses UPDATE, DELETE and TRUNCATE on stardust.ledger, except the DELETE of an '
  'erased player''s rows by stardust.erase_user.';

create or replace trigger ledger_append_only
  before update or delete on stardust.ledger
  for each row execute function stardust._ledger_append_only();
create or replace trigger ledger_no_truncate
  before truncate on stardust.ledger
  for each statement execute function stardust._ledger_append_only();
