create or replace function stardust.skills()
returns table (name text, scope text, description text)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  -- the skills players can read about (/skills, /skill): battle skills first, then the rest
  select s.name, s.scope, s.description
    from stardust.skills s
   order by (s.scope <> 'battle'), s.name;
$$;
revoke all on function stardust.skills() from public;
grant execute on function stardust.skills() to stardust_bot;
comment on function stardust.skills() is
  E'Every skill a character can carry: name, scope (battle, expedition, global) and the '
  'description players read (/skills, /skill). Read-only.\nselect * from stardust.skills();';
