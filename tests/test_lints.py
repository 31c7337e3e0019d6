"""Supabase's database linter (splinter) as tests, on the migrated schema.

Each test is a catalog query over every table / function / constraint of the project's
schemas, so tables and functions added later are covered without editing this file.
The lints and their splinter numbers: 0001 unindexed foreign keys, 0004 no primary key,
0009 duplicate index, 0011 function search_path mutable, 0013 RLS disabled (splinter looks
at `public`; we hold every table of every project schema to it), 0014 extension in public,
0028/0029 security definer function executable by anon/authenticated (tests/test_supabase.py
runs those against real `anon`/`authenticated` roles; here: nobody but the owner and the
bot's role may execute one).
"""

from __future__ import annotations

# schemas that are not ours: the system's, and what a Supabase project or an extension owns
SYSTEM = """('pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'vault',
             'extensions', 'graphql', 'graphql_public', 'realtime', 'supabase_functions',
             'supabase_migrations', 'pgbouncer', 'pgsodium', 'net', 'cron')"""

OURS = f"""n.nspname not in {SYSTEM} and n.nspname not like 'pg\\_temp\\_%'
           and n.nspname not like 'pg\\_toast\\_temp\\_%'"""

# not owned by an extension (splinter skips those too)
NOT_EXTENSION = """not exists (select 1 from pg_depend d where d.objid = {oid}
                                and d.deptype = 'e')"""


async def test_schemas_under_lint(tx):
    """The lints below look at these schemas: make sure they include ours."""
    schemas = {r[0] for r in await tx.fetch(
        f"select n.nspname from pg_namespace n where {OURS}")}
    assert {"stardust", "stardust_migrations", "public"} <= schemas


async def test_0001_every_foreign_key_has_a_covering_index(tx):
    # An index covers a foreign key when its leading key columns are the key's columns (in
    # any order): deleting or updating the referenced row, and joins from the parent, then
    # find the referencing rows without a sequential scan. Splinter asks for an index on
    # exactly the key's columns; a longer index that starts with them serves as well.
    bad = await tx.fetch(f"""
        select c.conrelid::regclass::text as tbl, c.conname,
               array(select a.attname from unnest(c.conkey) k
                       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k) as cols
          from pg_constraint c
          join pg_class t on t.oid = c.conrelid
          join pg_namespace n on n.oid = t.relnamespace
         where c.contype = 'f' and {OURS} and {NOT_EXTENSION.format(oid='t.oid')}
           and not exists (
                 select 1 from pg_index i
                  where i.indrelid = c.conrelid and i.indisvalid and i.indpred is null
                    and i.indnkeyatts >= cardinality(c.conkey)
                    and (string_to_array(i.indkey::text, ' ')::smallint[])
                          [1:cardinality(c.conkey)] @> c.conkey
                    and c.conkey @> (string_to_array(i.indkey::text, ' ')::smallint[])
                          [1:cardinality(c.conkey)])
         order by 1, 2""")
    assert not bad, "foreign keys without a covering index:\n" + "\n".join(
        f"  {r['tbl']} {r['conname']} ({', '.join(r['cols'])})" for r in bad)


async def test_0004_every_table_has_a_primary_key(tx):
    bad = await tx.fetch(f"""
        select t.oid::regclass::text from pg_class t
          join pg_namespace n on n.oid = t.relnamespace
         where t.relkind in ('r', 'p') and {OURS} and {NOT_EXTENSION.format(oid='t.oid')}
           and not exists (select 1 from pg_constraint c
                            where c.conrelid = t.oid and c.contype = 'p')
         order by 1""")
    assert not bad, f"tables without a primary key: {[r[0] for r in bad]}"


async def test_0009_no_duplicate_indexes(tx):
    bad = await tx.fetch(f"""
        select t.oid::regclass::text as tbl,
               array_agg(i.indexrelid::regclass::text order by 1) as indexes
          from pg_index i
          join pg_class t on t.oid = i.indrelid
          join pg_namespace n on n.oid = t.relnamespace
         where {OURS}
         group by t.oid, i.indkey::text, i.indclass::text, i.indcollation::text,
                  coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
                  coalesce(pg_get_expr(i.indpred, i.indrelid), '')
        having count(*) > 1""")
    assert not bad, f"duplicate indexes: {[(r['tbl'], r['indexes']) for r in bad]}"


async def test_0011_no_function_has_a_mutable_search_path(tx):
    bad = await tx.fetch(f"""
        select p.oid::regprocedure::text from pg_proc p
          join pg_namespace n on n.oid = p.pronamespace
         where {OURS} and {NOT_EXTENSION.format(oid='p.oid')}
           and not exists (select 1 from unnest(coalesce(p.proconfig, '{{}}')) cfg
                            where cfg like 'search_path=%')
         order by 1""")
    assert not bad, f"functions with a role-mutable search_path: {[r[0] for r in bad]}"


async def test_0013_every_table_has_row_level_security(tx):
    # splinter checks the schemas PostgREST exposes; we check every table of the game's
    # schema, and every table of any other schema of ours that PUBLIC may use
    bad = await tx.fetch(f"""
        select t.oid::regclass::text from pg_class t
          join pg_namespace n on n.oid = t.relnamespace
         where t.relkind in ('r', 'p') and {OURS} and not t.relrowsecurity
           and (n.nspname = 'stardust' or has_schema_privilege('public', n.oid, 'usage'))
         order by 1""")
    assert not bad, f"tables without row level security: {[r[0] for r in bad]}"


async def test_0014_nothing_in_public(tx):
    objects = await tx.fetch("""
        select 'relation' as kind, c.oid::regclass::text as name from pg_class c
         where c.relnamespace = 'public'::regnamespace
        union all
        select 'function', p.oid::regprocedure::text from pg_proc p
         where p.pronamespace = 'public'::regnamespace
        union all
        select 'type', t.oid::regtype::text from pg_type t
         where t.typnamespace = 'public'::regnamespace
        union all
        select 'extension', e.extname::text from pg_extension e
         where e.extnamespace = 'public'::regnamespace""")
    assert not objects, f"objects in public: {[tuple(r) for r in objects]}"


async def test_0028_0029_security_definer_functions_only_for_the_owner_and_the_bot(tx):
    # anon and authenticated are members of PUBLIC: a security definer function that PUBLIC
    # (or any role other than its owner and stardust_bot) may execute is exposed through
    # Supabase's REST API, running with the owner's rights
    bad = await tx.fetch(f"""
        select p.oid::regprocedure::text as sig,
               coalesce((select array_agg(case a.grantee when 0 then 'PUBLIC'
                                          else a.grantee::regrole::text end)
                           from aclexplode(p.proacl) a
                          where a.privilege_type = 'EXECUTE'
                            and a.grantee <> p.proowner
                            and a.grantee <> 'stardust_bot'::regrole), '{{PUBLIC}}') as who
          from pg_proc p
          join pg_namespace n on n.oid = p.pronamespace
         where p.prosecdef and {OURS} and {NOT_EXTENSION.format(oid='p.oid')}
           and (p.proacl is null          -- the default ACL grants EXECUTE to PUBLIC
                or exists (select 1 from aclexplode(p.proacl) a
                            where a.privilege_type = 'EXECUTE'
                              and a.grantee <> p.proowner
                              and a.grantee <> 'stardust_bot'::regrole))
         order by 1""")
    assert not bad, "security definer functions executable by others:\n" + "\n".join(
        f"  {r['sig']}: {r['who']}" for r in bad)
