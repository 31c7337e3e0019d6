create or replace function stardust._setting(p_key text)
returns jsonb
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_value jsonb;
begin
  select s.value into v_value from stardust.settings s where s.key = p_key;
  if not found then
    raise exception 'Setting % is missing', p_key
      using errcode = 'P0002', hint = 'Run stardust migrate; settings are seeded by migrations.';
  end if;
  return v_value;
end
$$;
revoke all on function stardust._setting(text) from public;
comment on function stardust._setting(text) is
  'Internal: the value of one game setting (raises if the key is missing).';
