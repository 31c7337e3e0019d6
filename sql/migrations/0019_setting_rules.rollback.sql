drop trigger if exists settings_check on stardust.settings;
drop function if exists stardust._settings_check();
drop function if exists stardust._setting_problem(text, numeric, numeric, jsonb);
alter table stardust.settings drop constraint if exists settings_bounds,
  drop column if exists kind, drop column if exists min_value, drop column if exists max_value;
