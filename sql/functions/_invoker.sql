create or replace function stardust._invoker(out o_role text, out o_owner boolean)
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  -- Who is calling. Inside a SECURITY DEFINER function current_user is the owner, so look
  -- at the session: the role it SET ROLE to (a connection made with role=stardust_bot), else
  -- its login (session_user, e.g. the bot's login, a member of stardust_bot). A login can
  -- only SET ROLE to roles it is a member of, and no definer function can SET ROLE, so this
  -- cannot be forged. The call is the owner's (uncapped) only if that role is a member of
  -- the role owning schema stardust (the owner itself, a superuser); anything else is a call
  -- through the bot role.
  select v.r, pg_catalog.pg_has_role(v.r, n.nspowner, 'MEMBER')
    from (select coalesce(nullif(pg_catalog.current_setting('role'), 'none'),
                          pg_catalog.session_user())::name as r) v,
         pg_catalog.pg_namespace n
   where n.nspname = 'stardust'
$$;
revoke all on function stardust._invoker() from public;
comment on function stardust._invoker() is
  'Internal: the role behind this call (its SET ROLE, else its login) and whether it is the '
  'owner''s (a member of the role owning schema stardust); any other call is a call through '
  'the bot role, and capped (docs/SECURITY.md).';
