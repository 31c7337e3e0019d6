create or replace function stardust._gift_codes_check()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- A code written by hand (an INSERT in the SQL editor rather than create_gift_code) gets
-- the same check of its rewards: one that does not read would fail every redemption.
begin
  new.rewards := stardust._check_rewards(new.rewards);
  return new;
end
$$;
revoke all on function stardust._gift_codes_check() from public;
comment on function stardust._gift_codes_check() is
  'Trigger: checks and normalises a gift code''s rewards as _check_rewards does (SDARG, '
  'nothing written), however the code is written.';

create or replace trigger gift_codes_check
  before insert or update of rewards on stardust.gift_codes
  for each row execute function stardust._gift_codes_check();
