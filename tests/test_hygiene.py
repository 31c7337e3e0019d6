"""Database hygiene, checked on the migrated schema every run."""

import pytest

FUNCS = """
select p.oid, p.oid::regprocedure::text as sig, p.proname, l.lanname, p.prosecdef,
       p.proconfig, p.provolatile, obj_description(p.oid, 'pg_proc') as comment,
       p.proacl::text as acl, p.prorettype = 'trigger'::regtype as is_trigger
  from pg_proc p join pg_language l on l.oid = p.prolang
 where p.pronamespace = 'stardust'::regnamespace
"""


@pytest.fixture
async def funcs(tx):
    rows = await tx.fetch(FUNCS)
    assert len(rows) >= 10
    return rows


async def test_every_function_pins_search_path(funcs):
    # pg_temp LAST: a path that omits it searches the caller's temporary schema FIRST for
    # tables and types (DESIGN.md; PostgreSQL's "Writing SECURITY DEFINER Functions Safely")
    bad = [f["sig"] for f in funcs
           if [c for c in (f["proconfig"] or []) if c.startswith("search_path=")]
           != ["search_path=pg_catalog, pg_temp"]]
    assert not bad, f"search_path not pinned to 'pg_catalog, pg_temp': {bad}"


async def test_every_function_has_a_comment(funcs):
    bad = [f["sig"] for f in funcs if not (f["comment"] or "").strip()]
    assert not bad, f"no COMMENT ON FUNCTION: {bad}"


async def test_no_function_is_executable_by_public(tx, funcs):
    # a NULL acl means the default, which grants EXECUTE to PUBLIC
    bad = [f["sig"] for f in funcs
           if f["acl"] is None or await tx.fetchval(
               "select exists (select 1 from aclexplode($1::text::aclitem[]) a where a.grantee = 0"
               " and a.privilege_type = 'EXECUTE')", f["acl"])]
    assert not bad, f"PUBLIC can execute: {bad}"


async def test_private_helpers_are_not_granted_to_the_bot(tx, funcs):
    bad = [f["sig"] for f in funcs if f["proname"].startswith("_") and await tx.fetchval(
        "select has_function_privilege('stardust_bot', $1::oid, 'execute')", f["oid"])]
    assert not bad, f"bot can execute private helpers: {bad}"


async def test_api_functions_are_security_definer_or_pure(funcs):
    # functions the bot calls must run with the owner's rights (the bot has no table
    # privileges); immutable ones touch no table
    bad = [f["sig"] for f in funcs if not f["proname"].startswith("_")
           and not f["prosecdef"] and f["provolatile"] not in ("i", b"i")]
    assert not bad, f"API function neither SECURITY DEFINER nor immutable: {bad}"


async def test_every_table_has_rls_and_nothing_is_in_public(tx):
    bad = await tx.fetch("""select relname from pg_class
                             where relnamespace = 'stardust'::regnamespace
                               and relkind in ('r', 'p') and not relrowsecurity""")
    assert not bad, f"RLS off: {[r[0] for r in bad]}"
    public = await tx.fetch("""select relname from pg_class
                                where relnamespace = 'public'::regnamespace""")
    assert not public, f"objects in public: {[r[0] for r in public]}"
    # yoyo's bookkeeping is kept out of public, in a schema PUBLIC cannot use
    assert await tx.fetchval("select count(*) from pg_tables"
                             " where schemaname = 'stardust_migrations'") >= 3
    assert not await tx.fetchval(
        "select has_schema_privilege('public', 'stardust_migrations', 'usage')")


async def test_bot_role_has_no_table_privileges(tx):
    rows = await tx.fetch("""select table_name, privilege_type
                               from information_schema.role_table_grants
                              where grantee = 'stardust_bot'""")
    assert not rows


async def test_plpgsql_check_reports_nothing(conn):
    await conn.execute("create schema plpgsql_check_ext;"
                       " create extension plpgsql_check schema plpgsql_check_ext")
    # a deliberately broken function proves the checker is live in this database
    await conn.execute("""create function stardust.zz_broken() returns int language plpgsql
                          set search_path = pg_catalog, pg_temp as $$ begin return stardust.nope.x; end $$""")
    funcs = await conn.fetch(FUNCS + " and l.lanname = 'plpgsql'")
    triggers = dict(await conn.fetch(
        "select t.tgfoid, t.tgrelid from pg_trigger t"
        " where t.tgrelid::regclass::text like 'stardust.%' and not t.tgisinternal"))
    problems = []
    for f in funcs:
        relid = triggers.get(f["oid"], 0) if f["is_trigger"] else 0
        rows = await conn.fetch(
            "select level, message, lineno, statement from"
            " plpgsql_check_ext.plpgsql_check_function_tb($1::oid, relid => $2::oid,"
            " extra_warnings => true, other_warnings => true, performance_warnings => false)",
            f["oid"], relid)
        problems += [f"{f['sig']} line {r['lineno']}: {r['level']}: {r['message']}"
                     for r in rows]
    assert any(p.startswith("stardust.zz_broken()") and ": error:" in p for p in problems)
    problems = [p for p in problems if not p.startswith("stardust.zz_broken()")]
    assert not problems, "\n".join(problems)
