create or replace function stardust._settings_check()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Every write of a setting, by set_setting or by hand: the value must keep its rule.
declare
  v_problem text;
begin
  if new.kind is null then
    return new;        -- settings.kind is not null: the constraint names what is missing
  end if;
  v_problem := stardust._setting_problem(new.kind, new.min_value, new.max_value, new.value);
  if v_problem is not null then
    raise exception 'Setting %: %', new.key, v_problem
      using errcode = 'SDARG',
            detail = format('Given: %s', coalesce(new.value::text, 'NULL')),
            hint = case when tg_op = 'UPDATE' then format('Current value: %s', old.value)
                        else 'See docs/API.md, "Settings".' end;
  end if;
  return new;
end
$$;
revoke all on function stardust._settings_check() from public;
comment on function stardust._settings_check() is
  'Trigger: refuses (SDARG) a setting value that breaks its rule (kind, min_value, '
  'max_value), whoever writes it: set_setting or a hand-made INSERT/UPDATE.';

create or replace trigger settings_check
  before insert or update on stardust.settings
  for each row execute function stardust._settings_check();
