create or replace function stardust._settings_audit()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  insert into stardust.settings_history (key, old_value, new_value, changed_by)
  values (
    coalesce(new.key, old.key),
    case when tg_op <> 'INSERT' then old.value end,
    case when tg_op <> 'DELETE' then new.value end,
    coalesce(nullif(current_setting('stardust.actor', true), ''), session_user));
  return null;
end
$$;
revoke all on function stardust._settings_audit() from public;
comment on function stardust._settings_audit() is
  'Trigger: records every insert, update or delete of stardust.settings in settings_history, '
  'with the actor (SET stardust.actor = ''name'' to sign a change made by hand).';

create or replace trigger settings_audit
  after insert or update or delete on stardust.settings
  for each row execute function stardust._settings_audit();
