"""Vouchers, groups, notices, suspension, trials and maintenance, end to end."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from nio import DownloadResponse
from pypdf import PdfReader

from .conftest import PUBLIC_ADDRESS, OpenUser, Stack
from .matrix import User, login
from .tenants import Api, TenantFixture, login_details, new_tenant


@pytest.fixture
def api(stack: Stack) -> Api:
    return Api(stack)


def _is_file(room_id: str, mime: str):
    def predicate(room: str, event: dict) -> bool:
        content = event.get("content", {})
        return (
            room == room_id
            and content.get("msgtype") == "m.file"
            and content.get("info", {}).get("mimetype") == mime
        )

    return predicate


async def _download(user: User, mxc: str) -> bytes:
    response = await user.client.download(mxc=mxc)
    assert isinstance(response, DownloadResponse), response
    return bytes(response.body)


async def test_twenty_vouchers(stack: Stack, api: Api, users: OpenUser) -> None:
    tenant = await new_tenant(stack, api, users, preset="workplace")
    answer = await tenant.command("!vouchers 20")
    assert answer.startswith("Issued 20 vouchers.")
    pdf_event = await tenant.admin.wait_for(_is_file(tenant.admin_room, "application/pdf"))
    csv_event = await tenant.admin.wait_for(_is_file(tenant.admin_room, "text/csv"))
    rows = list(
        csv.DictReader(
            io.StringIO((await _download(tenant.admin, csv_event["content"]["url"])).decode())
        )
    )
    assert len(rows) == 20
    assert len({row["user_id"] for row in rows}) == 20
    pdf = PdfReader(io.BytesIO(await _download(tenant.admin, pdf_event["content"]["url"])))
    text = "".join(page.extract_text() for page in pdf.pages)
    for row in rows:
        assert text.count(row["user_id"]) == 1
        # Cards and files name the address people can reach, never the one soudan uses.
        assert row["homeserver"] == PUBLIC_ADDRESS
    assert text.count(PUBLIC_ADDRESS) == 20 and stack.hs.url not in text
    # Each card's QR code, read back as a phone's camera would: the address and the user ID.
    scanned = [
        barcode.text
        for page in pdf.pages
        for image in page.images
        for barcode in zxingcpp.read_barcodes(image.image)
    ]
    assert sorted(scanned) == sorted(f"{PUBLIC_ADDRESS}\n{row['user_id']}" for row in rows)
    logins = await asyncio.gather(
        *(login(stack.hs.url, row["user_id"], row["password"]) for row in rows)
    )
    for user in logins:
        joined = await user.client.joined_rooms()
        assert len(joined.rooms) == 1  # each voucher has its desk conversation open
        await user.close()
    listing = await api.ok("GET", f"/tenants/{tenant.slug}/clients")
    vouchers = [c for c in listing["clients"] if c["user_id"] in {r["user_id"] for r in rows}]
    assert len(vouchers) == 20 and all(c["nickname"] is None for c in vouchers)
    await _assert_voucher_rows_hold_nothing_personal(stack, {r["user_id"] for r in rows})
    # One is one voucher, not "1 vouchers".
    assert (await tenant.command("!vouchers 1")).startswith("Issued 1 voucher. ")


async def _assert_voucher_rows_hold_nothing_personal(stack: Stack, user_ids: set[str]) -> None:
    """A voucher's row holds its account, its room, its tenant and when it was made, and later
    its case alias: nothing that could point to a person."""
    url = stack.config["database.url"]
    if url.startswith("sqlite:"):
        import aiosqlite

        async with aiosqlite.connect(url.removeprefix("sqlite:")) as db:
            db.row_factory = aiosqlite.Row
            async with db.execute("SELECT * FROM client") as cursor:
                rows = [dict(r) for r in await cursor.fetchall()]
    else:
        import asyncpg

        conn = await asyncpg.connect(url)
        try:
            rows = [dict(r) for r in await conn.fetch("SELECT * FROM client")]
        finally:
            await conn.close()
    mine = [r for r in rows if r["user_id"] in user_ids]
    assert len(mine) == len(user_ids)
    for row in mine:
        assert set(row) == {
            "id",
            "tenant_id",
            "user_id",
            "nickname",
            "room_id",
            "created_at",
            "removed_at",
            "ghost",  # an opaque ghost localpart, made when the first case opens
            "alias",  # a random "Client #1234", ditto
            "board_room",  # the client's own board room, once they open the board
        }
        assert row["nickname"] is None and row["alias"] is None


async def test_group_room_follows_the_group(stack: Stack, api: Api, users: OpenUser) -> None:
    tenant = await new_tenant(stack, api, users, preset="club")
    assert await tenant.command("!create-group 囲碁クラブ") == "Created the group “囲碁クラブ”."
    members: dict[str, User] = {}
    for nickname in ("Aki", "Ben"):
        user_id, password = login_details(await tenant.command(f"!add-client {nickname}"))
        members[nickname] = await users(stack.hs.url, user_id, password)
    await tenant.command("!group-add 囲碁クラブ Aki")
    await tenant.command("!group-add 囲碁クラブ Ben")
    groups = await api.ok("GET", f"/tenants/{tenant.slug}/groups")
    assert groups["groups"] == [{"name": "囲碁クラブ", "members": ["Aki", "Ben"]}]
    aki, ben = members["Aki"], members["Ben"]
    group_room = await _group_room(aki)
    assert {m.user_id for m in (await aki.client.joined_members(group_room)).members} >= {
        aki.user_id,
        ben.user_id,
    }
    assert (await tenant.command("!group-remove 囲碁クラブ Ben")).startswith("Removed “Ben”")
    await aki.wait_for(
        lambda r, e: (
            r == group_room
            and e["type"] == "m.room.member"
            and e.get("state_key") == ben.user_id
            and e["content"]["membership"] == "leave"
        )
    )
    assert ben.user_id not in {
        m.user_id for m in (await aki.client.joined_members(group_room)).members
    }
    await tenant.command('!rename-group 囲碁クラブ "囲碁・将棋クラブ"')
    await aki.wait_for(
        lambda r, e: (
            r == group_room
            and e["type"] == "m.room.name"
            and e["content"]["name"] == "囲碁・将棋クラブ"
        )
    )
    assert (await tenant.command("!broadcast-group 囲碁・将棋クラブ 明日は休みです")).startswith(
        "Sent the notice to 1 client."
    )
    await aki.wait_for(
        lambda r, e: r == group_room and e["content"].get("body") == "明日は休みです"
    )
    await tenant.command("!delete-group 囲碁・将棋クラブ")
    await aki.wait_for(
        lambda r, e: (
            r == group_room
            and e["type"] == "m.room.member"
            and e.get("state_key") == aki.user_id
            and e["content"]["membership"] == "leave"
        )
    )


async def _group_room(user: User) -> str:
    for _ in range(20):
        joined = await user.client.joined_rooms()
        for room_id in joined.rooms:
            name = await user.client.room_get_state_event(room_id, "m.room.name")
            if getattr(name, "content", {}).get("name") == "囲碁クラブ":
                return room_id
        await asyncio.sleep(0.2)
    raise AssertionError("the group room is not joined")


async def _client(
    stack: Stack, tenant: TenantFixture, users: OpenUser, name: str
) -> tuple[User, str]:
    user_id, password = login_details(await tenant.command(f"!add-client {name}"))
    user = await users(stack.hs.url, user_id, password)
    return user, (await user.client.joined_rooms()).rooms[0]


async def test_broadcast_reaches_every_client(stack: Stack, api: Api, users: OpenUser) -> None:
    tenant = await new_tenant(stack, api, users)
    one, one_room = await _client(stack, tenant, users, "One")
    two, two_room = await _client(stack, tenant, users, "Two")
    assert await tenant.command("!broadcast Closed on Friday") == "Sent the notice to 2 clients."
    for user, room in ((one, one_room), (two, two_room)):
        notice = await user.wait_for(
            lambda r, e, room=room: r == room and e["content"].get("body") == "Closed on Friday"
        )
        assert notice["sender"].startswith("@_soudan_desk_")


async def test_suspension_is_told_once(
    stack: Stack, api: Api, users: OpenUser, admin: User
) -> None:
    tenant = await new_tenant(stack, api, users)
    client, room = await _client(stack, tenant, users, "Kai")
    await api.ok("POST", f"/tenants/{tenant.slug}/suspend")
    await tenant.admin.wait_for(
        lambda r, e: (
            r == tenant.admin_room and "has been suspended" in e["content"].get("body", "")
        )
    )
    await client.send_text(room, "hello?")
    await client.send_text(room, "anyone there?")
    marker = "This service is suspended at the moment"
    await client.wait_for(
        lambda r, e: r == room and e["content"].get("body", "").startswith(marker)
    )
    await asyncio.sleep(1.5)
    await client.sync()
    told = [
        e
        for r, e in client.events
        if r == room and e["content"].get("body", "").startswith(marker)
    ]
    assert len(told) == 1
    status, data = await api.call("POST", f"/tenants/{tenant.slug}/suspend")
    assert (status, data["errcode"]) == (409, "SOUDAN_CONFLICT")
    await api.ok("POST", f"/tenants/{tenant.slug}/resume")
    assert (await api.ok("GET", f"/tenants/{tenant.slug}"))["suspended"] is False


async def test_trial_ends_by_itself(stack: Stack, api: Api, users: OpenUser) -> None:
    tenant = await new_tenant(stack, api, users)
    clock = await api.ok("POST", "/debug/clock", {"advance_seconds": 0})  # soudan's "now"
    zone = ZoneInfo(stack.config["platform.timezone"])
    today = datetime.fromtimestamp(clock["now"] / 1000, zone).date()
    await api.ok("PUT", f"/tenants/{tenant.slug}/trial", {"last_day": today.isoformat()})
    assert (await api.ok("GET", f"/tenants/{tenant.slug}"))["suspended"] is False
    status, data = await api.call(
        "PUT",
        f"/tenants/{tenant.slug}/trial",
        {"last_day": (today - timedelta(days=1)).isoformat()},
    )
    assert status == 400 and "has passed already" in data["error"]
    await api.ok("POST", "/debug/clock", {"advance_seconds": 24 * 3600})
    assert (await api.ok("GET", f"/tenants/{tenant.slug}"))["suspended"] is True
    await tenant.admin.wait_for(
        lambda r, e: (
            r == tenant.admin_room and "free trial has ended" in e["content"].get("body", "")
        )
    )
    await api.ok("POST", f"/tenants/{tenant.slug}/resume")


async def test_maintenance_is_announced_ahead_and_at_the_start(
    stack: Stack, api: Api, users: OpenUser
) -> None:
    tenant = await new_tenant(stack, api, users)
    client, room = await _client(stack, tenant, users, "Mio")
    zone = ZoneInfo(stack.config["platform.timezone"])
    clock = await api.ok("POST", "/debug/clock", {"advance_seconds": 0})
    now = datetime.fromtimestamp(clock["now"] / 1000, zone)
    start = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=1)
    window = await api.ok(
        "POST",
        "/maintenance",
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": end.isoformat(),
            "message": "Sorry!",
        },
    )
    assert window["notified_rooms"] >= 2
    ahead = "[Maintenance notice]"
    starting = "[Maintenance starting]"
    for user, target in ((client, room), (tenant.admin, tenant.admin_room)):
        await user.wait_for(
            lambda r, e, t=target: r == t and e["content"].get("body", "").startswith(ahead)
        )
    await api.ok("POST", "/debug/clock", {"advance_seconds": 2 * 3600})
    for user, target in ((client, room), (tenant.admin, tenant.admin_room)):
        notice = await user.wait_for(
            lambda r, e, t=target: r == t and e["content"].get("body", "").startswith(starting)
        )
        assert "Sorry!" in notice["content"]["body"]
    status, data = await api.call(
        "POST",
        "/maintenance",
        {"starts_at": "2000-01-01T00:00", "ends_at": "2000-01-01T01:00", "message": "x"},
    )
    assert (status, data["error"]) == (400, "The start must be in the future.")
