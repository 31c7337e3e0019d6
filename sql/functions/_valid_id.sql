create or replace function stardust._valid_id(p_id bigint, p_kind text default 'user',
                                              p_optional boolean default false)
returns bigint
language plpgsql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
-- The one check of a Discord id given by a caller (user, server): a positive integer, null
-- only where the parameter is optional. Reads call it too, so that a user id the game could
-- never hold is refused everywhere alike (SDARG) rather than answered with nothing.
begin
  if p_id is null and p_optional then
    return null;
  end if;
  if p_id is null or p_id <= 0 then
    raise exception 'Invalid % id %', p_kind, coalesce(p_id::text, 'NULL')
      using errcode = 'SDARG',
            hint = format('%s ids are Discord snowflakes (positive integers).',
                          initcap(p_kind));
  end if;
  return p_id;
end
$$;
revoke all on function stardust._valid_id(bigint, text, boolean) from public;
comment on function stardust._valid_id(bigint, text, boolean) is
  'Internal: SDARG unless the id is a positive integer (null allowed when p_optional); '
  'returns it. p_kind names it in the message: user, server.';
