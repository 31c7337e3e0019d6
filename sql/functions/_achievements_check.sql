create or replace function stardust._achievements_check()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Achievements are defined by hand in the SQL editor (there is no function for it), and a
-- reward is paid inside the function that unlocks it, a pull among them: a reward that does
-- not read ({"gems": "lots"}, an item that does not exist) would make that pull fail for
-- every player who reaches the threshold. So every written reward is checked here, as
-- create_gift_code checks a code's: SDARG, nothing written. {} is a badge without a reward.
begin
  if new.reward is distinct from '{}'::jsonb then
    new.reward := stardust._check_rewards(new.reward);
  end if;
  return new;
end
$$;
revoke all on function stardust._achievements_check() from public;
comment on function stardust._achievements_check() is
  'Trigger: checks and normalises an achievement''s reward as _check_rewards does (SDARG, '
  'nothing written); {} (a badge without a reward) stays as it is.';

create or replace trigger achievements_check
  before insert or update of reward on stardust.achievements
  for each row execute function stardust._achievements_check();
