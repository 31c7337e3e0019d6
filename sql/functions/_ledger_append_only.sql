create or replace function stardust._ledger_append_only()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception 'The ledger is append-only (% refused)', tg_op
    using errcode = 'SDARG',
          hint = 'Correct a balance with stardust.grant(), which writes a new ledger row.';
end
$$;
revoke all on function stardust._ledger_append_only() from public;
comment on function stardust._ledger_append_only() is
  'Trigger: refuses UPDATE, DELETE and TRUNCATE on stardust.ledger.';

create or replace trigger ledger_append_only
  before update or delete on stardust.ledger
  for each row execute function stardust._ledger_append_only();
create or replace trigger ledger_no_truncate
  before truncate on stardust.ledger
  for each statement execute function stardust._ledger_append_only();
