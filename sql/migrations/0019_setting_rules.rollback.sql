drop trigger if exists settings_check on stardust.settings;
drop function if exists stardust._settings_check();
drop function if exists stardust._setting_problem(text, numeric, numeric, jsonb);
alter table stardust.settings drop constraint if exists settings_bounds,
  drop column if exists kind, drop column if exists min_value, drop column if exists max_value;
-- the achievements' reward check came with the same release (function files)
drop trigger if exists achievements_check on stardust.achievements;
drop function if exists stardust._achievements_check();
drop trigger if exists gift_codes_check on stardust.gift_codes;
drop function if exists stardust._gift_codes_check();
