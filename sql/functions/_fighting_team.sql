create or replace function stardust._fighting_team(p_user_id bigint)
returns jsonb
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
-- The player's own team as battle units (_team_units); SDTEM when it is empty.
declare
  v_team jsonb := stardust._team_units(p_user_id);
begin
  if jsonb_array_length(v_team) = 0 then
    raise exception 'Your team is empty' using errcode = 'SDTEM',
      hint = 'Choose up to five units with /team set.';
  end if;
  return v_team;
end
$$;
revoke all on function stardust._fighting_team(bigint) from public;
comment on function stardust._fighting_team(bigint) is
  'Internal: the player''s team as battle units; SDTEM if empty.';
