from tests.helpers import sqlstate, unchanged


async def test_set_setting_records_history_with_actor(conn):
    row = await conn.fetchrow("select * from stardust.set_setting('signup_gems', '3000',"
                              " p_actor => 'alice')")
    assert row["value"] == "3000" and row["updated_by"] == "alice"
    hist = await conn.fetch("select key, old_value, new_value, changed_by"
                            " from stardust.settings_history order by id")
    assert [tuple(h) for h in hist] == [("signup_gems", "10000", "3000", "alice")]


async def test_hand_edits_are_recorded_too(conn):
    await conn.execute("update stardust.settings set value = '1' where key = 'signup_coins'")
    hist = await conn.fetchrow("select * from stardust.settings_history")
    assert (hist["key"], hist["old_value"], hist["new_value"]) == ("signup_coins", "0", "1")
    # the session user, absent an actor (whatever the test server's superuser is called)
    assert hist["changed_by"] == await conn.fetchval("select session_user::text")


async def test_bad_settings_are_refused(conn):
    async with unchanged(conn):
        for call in ("select stardust.set_setting('no_such_key', '1')",
                     "select stardust.set_setting('signup_gems', '\"lots\"')",
                     "select stardust.set_setting('signup_gems', '-5')",
                     "select stardust.set_setting('signup_gems', null)"):
            with sqlstate("SDARG"):
                await conn.execute(call)
