"""Gift codes: an admin creates one, players redeem it once each, never past its limit."""

import asyncio
import json

import asyncpg

from tests.helpers import assert_ledger_balanced, sqlstate, unchanged

CREATE = "select * from stardust.create_gift_code($1, $2::jsonb, $3, $4)"


async def create(conn, code="WELCOME", rewards=None, limit=100, expires=None):
    return await conn.fetchrow(CREATE, code, json.dumps(rewards or {"gems": 5000}), limit,
                               expires)


async def redeem(conn, uid, code, rid=None):
    return await conn.fetchrow("select * from stardust.redeem_code($1, $2, $3)", uid, code, rid)


async def test_create_normalises_and_validates(conn):
    row = await create(conn, "  welcome-2026 ", {"gems": 5000, "coins": 0,
                                                  "items": {"ssr_token": 1}}, 10)
    assert (row["code"], json.loads(row["rewards"]), row["usage_limit"], row["used"]) == (
        "WELCOME-2026", {"gems": 5000, "items": {"ssr_token": 1}}, 10, 0)
    async with unchanged(conn):
        with sqlstate("SDDON"):                    # exists (case-insensitively)
            await create(conn, "Welcome-2026")
        for code, rewards, limit, expires in (
                ("OK1", {"items": {}}, 1, None),                   # nothing in it either
                ("no", {"gems": 1}, 1, None),                      # too short
                ("HAS SPACE", {"gems": 1}, 1, None),
                (None, {"gems": 1}, 1, None),
                ("OK1", {}, 1, None),                              # nothing in it
                ("OK1", {"gems": 0}, 1, None),
                ("OK1", {"gems": -5}, 1, None),
                ("OK1", {"gems": 1.5}, 1, None),
                ("OK1", {"gems": "100"}, 1, None),
                ("OK1", {"diamonds": 5}, 1, None),
                ("OK1", {"items": {"excalibur": 1}}, 1, None),
                ("OK1", {"items": {"ssr_token": 0}}, 1, None),
                ("OK1", {"items": ["ssr_token"]}, 1, None),
                ("OK1", {"gems": 1}, 0, None),
                ("OK1", {"gems": 1}, None, None)):
            with sqlstate("SDARG"):
                await conn.fetchrow(CREATE, code, json.dumps(rewards), limit, expires)
        with sqlstate("SDARG"):                    # already expired
            await conn.fetchrow("select * from stardust.create_gift_code('OK1', '{\"gems\": 1}',"
                                " 1, stardust._now() - interval '1 minute')")
        with sqlstate("SDARG"):                    # rewards not an object
            await conn.fetchrow("select * from stardust.create_gift_code('OK1', '[1]', 1)")


async def test_whole_numbers_with_a_decimal_point_are_kept_as_integers(conn):
    # '1.0' does not cast to integer: such a code was taken and every redemption failed
    row = await create(conn, "DECIMAL", {"gems": 500.0, "items": {"ssr_token": 1.0}}, 5)
    assert json.loads(row["rewards"]) == {"gems": 500, "items": {"ssr_token": 1}}
    await conn.fetchrow("select * from stardust.get_user(1)")
    await conn.fetchrow("select * from stardust.redeem_code(1, 'DECIMAL')")
    assert await conn.fetchval("select qty from stardust.user_items where user_id = 1"
                               " and item = 'ssr_token'") == 1


async def test_codes_written_by_hand_meet_the_same_check(conn):
    insert = ("insert into stardust.gift_codes (code, rewards, usage_limit)"
              " values ('BYHAND', $1::jsonb, 5)")
    async with unchanged(conn):
        for rewards in ({"gems": "lots"}, {"items": {"excalibur": 1}}, {}, [5]):
            with sqlstate("SDARG"):
                await conn.execute(insert, json.dumps(rewards))
    await conn.execute(insert, '{"coins": 10.0, "items": {"ssr_token": 1.0}}')
    assert json.loads(await conn.fetchval(
        "select rewards from stardust.gift_codes where code = 'BYHAND'")) == {
            "coins": 10, "items": {"ssr_token": 1}}
    with sqlstate("SDARG"):
        await conn.execute("""update stardust.gift_codes set rewards = '{"gems": -1}'""")


async def test_the_bot_cannot_create_codes(conn, bot_conn):
    with sqlstate("42501"):
        await create(bot_conn)


async def test_redeem_pays_once_per_player(conn):
    await create(conn, "GIFT", {"gems": 5000, "coins": 20, "items": {"ssr_token": 2}}, 5)
    await conn.fetchrow("select * from stardust.get_user(1)")
    row = await redeem(conn, 1, "gift", "r1")
    assert (row["code"], row["gems"], row["coins"], json.loads(row["items"])) == (
        "GIFT", 5000, 20, {"ssr_token": 2})
    user = await conn.fetchrow("select gems, coins from stardust.users where user_id = 1")
    assert tuple(user) == (15000, 20)
    assert await conn.fetchval("select qty from stardust.user_items where user_id = 1") == 2
    assert await conn.fetchval("select used from stardust.gift_codes") == 1
    assert dict(await redeem(conn, 1, "GIFT", "r1")) == dict(row)     # a retry
    async with unchanged(conn):
        with sqlstate("SDDON"):
            await redeem(conn, 1, "Gift", "r2")
        with sqlstate("SDARG"):
            await redeem(conn, 1, "NOPE")
        with sqlstate("SDARG"):
            await redeem(conn, 1, None)
    await assert_ledger_balanced(conn)


async def test_expired_and_exhausted_codes(conn):
    await create(conn, "SOON", limit=5, expires=None)
    await conn.execute("update stardust.gift_codes set expires_at = stardust._now() - interval '1 second'")
    await create(conn, "ONE", limit=1)
    for uid in (1, 2):
        await conn.fetchrow("select * from stardust.get_user($1)", uid)
    async with unchanged(conn):
        with sqlstate("SDARG") as err:
            await redeem(conn, 1, "SOON")
    assert "UTC" in err.value.hint
    await redeem(conn, 1, "ONE")
    async with unchanged(conn):
        with sqlstate("SDDON"):
            await redeem(conn, 2, "ONE")


async def test_fifty_players_racing_for_ten_redemptions(conn, connections):
    await create(conn, "RUSH", {"gems": 1000, "items": {"bond_med": 1}}, 10)
    users = list(range(1, 51))
    for uid in users:
        await conn.fetchrow("select * from stardust.get_user($1)", uid)
    conns = await connections(50, as_bot=True)

    async def attempt(c, uid):
        try:
            return (await redeem(c, uid, "rush", f"i{uid}"))["gems"]
        except asyncpg.PostgresError as exc:
            return exc.sqlstate

    results = await asyncio.gather(*(attempt(c, u) for c, u in zip(conns, users)))
    assert results.count(1000) == 10 and results.count("SDDON") == 40
    assert await conn.fetchval("select used from stardust.gift_codes") == 10
    assert await conn.fetchval("select count(*) from stardust.code_redemptions") == 10
    assert await conn.fetchval("select sum(qty) from stardust.user_items"
                               " where item = 'bond_med'") == 10
    assert await conn.fetchval("select count(*) from stardust.ledger"
                               " where reason = 'gift_code'") == 10
    await assert_ledger_balanced(conn)


async def test_one_player_redeeming_twenty_times_at_once_is_paid_once(conn, connections):
    await create(conn, "SPAM", limit=100)
    await conn.fetchrow("select * from stardust.get_user(1)")
    conns = await connections(20, as_bot=True)

    async def attempt(c, i):
        try:
            return (await redeem(c, 1, "SPAM", f"i{i}"))["gems"]
        except asyncpg.PostgresError as exc:
            return exc.sqlstate

    results = await asyncio.gather(*(attempt(c, i) for i, c in enumerate(conns)))
    assert sorted(results, key=str) == [5000] + ["SDDON"] * 19
    assert await conn.fetchval("select used from stardust.gift_codes") == 1
    await assert_ledger_balanced(conn)
