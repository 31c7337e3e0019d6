"""Supabase's database linter (splinter) as tests, on the migrated schema.

Each lint is a catalog query over every table, function and constraint of the project's
schemas, so tables and functions added later are covered without editing this file; one
test plants a violation of each lint (in a transaction that is rolled back) to prove that
every query finds what it looks for. The lints and their splinter numbers:
0001 unindexed foreign keys, 0004 no primary key, 0009 duplicate index, 0011 function
search_path mutable, 0013 RLS disabled (splinter looks at the schemas the REST API exposes;
we hold every table of the game's schema to it), 0014 objects/extension in public,
0028/0029 security definer function executable by anon/authenticated (anon and authenticated
are members of PUBLIC; tests/test_supabase.py also checks the real roles).
"""

from __future__ import annotations

import pytest

# schemas that are not ours: the system's, and those a Supabase project or an extension owns
SYSTEM = """('pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'vault',
             'extensions', 'graphql', 'graphql_public', 'realtime', 'supabase_functions',
             'supabase_migrations', 'pgbouncer', 'pgsodium', 'net', 'cron')"""
OURS = f"""n.nspname not in {SYSTEM} and n.nspname not like 'pg\\_temp\\_%'
           and n.nspname not like 'pg\\_toast\\_temp\\_%'"""


def not_extension(oid: str) -> str:
    """Not a member of an extension (splinter skips those too)."""
    return f"not exists (select 1 from pg_depend d where d.objid = {oid} and d.deptype = 'e')"


LINTS = {
    # An index covers a foreign key when its leading key columns are the key's columns (in
    # any order): deleting or re-keying a referenced row, and joins from the parent, then
    # find the referencing rows without scanning the table. Splinter asks for an index on
    # exactly the key's columns; a longer index that starts with them serves as well.
    "0001 foreign keys without a covering index": f"""
        select c.conrelid::regclass::text || ' ' || c.conname || ' ('
               || array_to_string(array(select a.attname from unnest(c.conkey) k
                                          join pg_attribute a on a.attrelid = c.conrelid
                                                             and a.attnum = k), ', ') || ')'
          from pg_constraint c
          join pg_class t on t.oid = c.conrelid
          join pg_namespace n on n.oid = t.relnamespace
         where c.contype = 'f' and {OURS} and {not_extension('t.oid')}
           and not exists (
                 select 1 from pg_index i
                  where i.indrelid = c.conrelid and i.indisvalid and i.indpred is null
                    and i.indnkeyatts >= cardinality(c.conkey)
                    and (string_to_array(i.indkey::text, ' ')::smallint[])
                          [1:cardinality(c.conkey)] @> c.conkey
                    and c.conkey @> (string_to_array(i.indkey::text, ' ')::smallint[])
                          [1:cardinality(c.conkey)])""",
    "0004 tables without a primary key": f"""
        select t.oid::regclass::text from pg_class t
          join pg_namespace n on n.oid = t.relnamespace
         where t.relkind in ('r', 'p') and {OURS} and {not_extension('t.oid')}
           and not exists (select 1 from pg_constraint c
                            where c.conrelid = t.oid and c.contype = 'p')""",
    "0009 duplicate indexes": f"""
        select string_agg(i.indexrelid::regclass::text, ' = ' order by i.indexrelid::regclass::text)
          from pg_index i
          join pg_class t on t.oid = i.indrelid
          join pg_namespace n on n.oid = t.relnamespace
         where {OURS}
         group by i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text,
                  coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
                  coalesce(pg_get_expr(i.indpred, i.indrelid), '')
        having count(*) > 1""",
    "0011 functions with a role-mutable search_path": f"""
        select p.oid::regprocedure::text from pg_proc p
          join pg_namespace n on n.oid = p.pronamespace
         where {OURS} and {not_extension('p.oid')}
           and not exists (select 1 from unnest(coalesce(p.proconfig, '{{}}')) cfg
                            where cfg like 'search_path=%')""",
    # every table of the game's schema, and of any other schema of ours PUBLIC may use
    "0013 tables without row level security": f"""
        select t.oid::regclass::text from pg_class t
          join pg_namespace n on n.oid = t.relnamespace
         where t.relkind in ('r', 'p') and {OURS} and not t.relrowsecurity
           and (n.nspname = 'stardust' or has_schema_privilege('public', n.oid, 'usage'))""",
    "0014 objects in public": """
        select 'relation ' || c.oid::regclass::text from pg_class c
         where c.relnamespace = 'public'::regnamespace
        union all
        select 'function ' || p.oid::regprocedure::text from pg_proc p
         where p.pronamespace = 'public'::regnamespace
        union all
        select 'type ' || t.oid::regtype::text from pg_type t
         where t.typnamespace = 'public'::regnamespace
        union all
        select 'extension ' || e.extname from pg_extension e
         where e.extnamespace = 'public'::regnamespace""",
    # Allowed grantees: the owner and the project's own group roles (NOLOGIN, named
    # stardust_*, e.g. stardust_bot); never PUBLIC (so never anon or authenticated), a
    # login role, or Supabase's API roles.
    "0028/0029 security definer functions executable by others": f"""
        select p.oid::regprocedure::text || ': ' || array_to_string(array(
                 select case a.grantee when 0 then 'PUBLIC' else a.grantee::regrole::text end
                   from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                  where a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner
                    and not exists (select 1 from pg_roles r
                                     where r.oid = a.grantee and not r.rolcanlogin
                                       and r.rolname like 'stardust\\_%')), ', ')
          from pg_proc p
          join pg_namespace n on n.oid = p.pronamespace
         where p.prosecdef and {OURS} and {not_extension('p.oid')}
           and exists (
                 select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                  where a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner
                    and not exists (select 1 from pg_roles r
                                     where r.oid = a.grantee and not r.rolcanlogin
                                       and r.rolname like 'stardust\\_%'))""",
}


async def lint(conn, name: str) -> list[str]:
    return sorted(r[0] for r in await conn.fetch(LINTS[name]))


async def test_schemas_under_lint(tx):
    schemas = {r[0] for r in await tx.fetch(
        f"select n.nspname from pg_namespace n where {OURS}")}
    assert {"stardust", "stardust_migrations", "public"} <= schemas


@pytest.mark.parametrize("name", LINTS)
async def test_lint(tx, name):
    found = await lint(tx, name)
    assert not found, f"{name}:\n  " + "\n  ".join(found)


PLANTED = {
    "0001 foreign keys without a covering index": [
        "stardust.zz_child zz_child_user_fk (user_id)"],
    "0004 tables without a primary key": ["stardust.zz_child"],
    "0009 duplicate indexes": ["stardust.zz_a = stardust.zz_b"],
    "0011 functions with a role-mutable search_path": ["stardust.zz_f()"],
    "0013 tables without row level security": ["stardust.zz_child"],
    "0014 objects in public": ["relation zz_public", "relation zz_public_pkey",
                               "type zz_public", "type zz_public[]"],
    "0028/0029 security definer functions executable by others": [
        "stardust.zz_f(): PUBLIC", "stardust.zz_g(): zz_login"],
}


async def test_every_lint_finds_a_planted_violation(tx):
    await tx.execute("""
        create table stardust.zz_child (user_id bigint
          constraint zz_child_user_fk references stardust.users (user_id), n int);
        create index zz_a on stardust.zz_child (n);
        create index zz_b on stardust.zz_child (n);
        create table public.zz_public (x int primary key);
        alter table public.zz_public enable row level security;
        create function stardust.zz_f() returns int language sql security definer
          as 'select 1';
        grant execute on function stardust.zz_f() to public;  -- whatever default privileges say
        create function stardust.zz_g() returns int language sql security definer
          set search_path = pg_catalog, pg_temp as 'select 1';
        revoke all on function stardust.zz_g() from public;
        create role zz_login login;
        grant execute on function stardust.zz_g() to zz_login, stardust_bot;
    """)
    for name, planted in PLANTED.items():
        assert await lint(tx, name) == planted, name
