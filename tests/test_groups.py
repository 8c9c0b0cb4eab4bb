"""Groups by the tenant's setting, end to end: in counseling and workplace tenants a group is an
audience for notices (its members never share a room, the homeserver refuses a client's message
in a group room), in clubs members talk in their group's room. A change of the setting, and a
migrated database, bring the rooms in line."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from mautrix.util.async_db import Database, UpgradeTable

from appservice import db
from appservice.db import Group

from .conftest import OpenUser, Stack
from .matrix import User, highlighted, notifications
from .tenants import Api, TenantFixture, bare_tenant, login_details, new_tenant


@pytest.fixture
def api(stack: Stack) -> Api:
    return Api(stack)


async def _http(
    stack: Stack, user: User, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {user.client.access_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, stack.hs.url + path, json=body, headers=headers) as response,
    ):
        return response.status, await response.json()


async def _send(stack: Stack, user: User, room_id: str, body: str) -> tuple[int, Any]:
    """A client's message straight to the homeserver: (HTTP status, answer)."""
    path = f"/_matrix/client/v3/rooms/{quote(room_id)}/send/m.room.message/{uuid.uuid4().hex}"
    return await _http(stack, user, "PUT", path, {"msgtype": "m.text", "body": body})


async def _finds(stack: Stack, user: User, other: User) -> bool:
    """Whether ``user`` finds ``other`` in the homeserver's user directory."""
    status, found = await _http(
        stack,
        user,
        "POST",
        "/_matrix/client/v3/user_directory/search",
        {"search_term": other.user_id, "limit": 10},
    )
    assert status == 200, found
    return any(result["user_id"] == other.user_id for result in found["results"])


async def _room_state(stack: Stack, admin: User, room_id: str) -> dict[tuple[str, str], Any]:
    """The room's current state as the homeserver holds it (server admin API)."""
    status, answer = await _http(
        stack, admin, "GET", f"/_synapse/admin/v1/rooms/{quote(room_id)}/state"
    )
    assert status == 200, answer
    return {(e["type"], e["state_key"]): e["content"] for e in answer["state"]}


def _joined(state: dict[tuple[str, str], Any], user: User) -> bool:
    return state.get(("m.room.member", user.user_id), {}).get("membership") == "join"


async def _room_named(user: User, name: str) -> str | None:
    for room_id in (await user.client.joined_rooms()).rooms:
        state = await user.client.room_get_state_event(room_id, "m.room.name")
        if getattr(state, "content", {}).get("name") == name:
            return str(room_id)
    return None


async def _member(
    stack: Stack, users: OpenUser, tenant: TenantFixture, nickname: str, group: str
) -> tuple[User, str]:
    """A client added straight into a group; with their desk room (named after the tenant)."""
    user_id, password = login_details(await tenant.command(f"!add-client {nickname} {group}"))
    user = await users(stack.hs.url, user_id, password)
    desk = await _room_named(user, f"Desk {tenant.slug}")
    assert desk is not None
    return user, desk


def _text(room_id: str, body: str):
    def predicate(room: str, event: dict) -> bool:
        return room == room_id and event.get("content", {}).get("body") == body

    return predicate


async def _settings(api: Api, tenant: TenantFixture) -> dict[str, Any]:
    return dict(await api.ok("GET", f"/tenants/{tenant.slug}/settings"))


async def test_a_counseling_group_is_an_audience_for_notices(
    stack: Stack, api: Api, users: OpenUser, admin: User
) -> None:
    workplace = await bare_tenant(api, preset="workplace")
    assert (await api.ok("GET", f"/tenants/{workplace}/settings"))["group_chat"] is False
    tenant = await new_tenant(stack, api, users, preset="counseling")
    assert (await _settings(api, tenant))["group_chat"] is False
    assert (await tenant.command("!create-group Parents")).startswith(
        "Created the group “Parents”. It is for notices only"
    )
    aki, aki_desk = await _member(stack, users, tenant, "Aki", "Parents")
    ben, ben_desk = await _member(stack, users, tenant, "Ben", "Parents")
    # Members never share a room: each sits in their own desk room only.
    assert (await aki.client.joined_rooms()).rooms == [aki_desk]
    assert (await ben.client.joined_rooms()).rooms == [ben_desk]
    answer = await tenant.command("!broadcast-group Parents The meeting moves to Friday.")
    assert answer == "Sent the notice to 2 clients."
    for user, desk in ((aki, aki_desk), (ben, ben_desk)):
        notice = await user.wait_for(_text(desk, "The meeting moves to Friday."))
        # A broadcast rings: a text that mentions its reader (notices never notify).
        assert notice["content"]["msgtype"] == "m.text"
        assert notice["content"]["m.mentions"] == {"user_ids": [user.user_id]}
    assert not await _finds(stack, aki, ben)

    # A refused change says why and changes nothing.
    assert await tenant.command("!set-group-chat maybe") == "Say on or off."
    status, refused = await api.call(
        "PATCH", f"/tenants/{tenant.slug}/settings", {"group_chat": "maybe", "preview": True}
    )
    assert status == 400 and "group_chat" in refused["error"], refused
    assert (await _settings(api, tenant))["group_chat"] is False
    assert (await _settings(api, tenant))["preview"] is False

    # The admin turns group chat on: the members meet in the group's room and talk.
    assert (await tenant.command("!set-group-chat on")).startswith("Members of a group now talk")
    group_room = await _room_named(aki, "Parents")
    assert group_room and group_room == await _room_named(ben, "Parents")
    await aki.send_text(group_room, "Hello Ben")
    await ben.wait_for(_text(group_room, "Hello Ben"))
    # Sharing a room, they still do not find each other: the directory shows clients nobody.
    assert not await _finds(stack, aki, ben)

    # And off again: the clients are taken out of the room, and the homeserver refuses them.
    assert (await tenant.command("!set-group-chat off")).startswith("Groups are for notices only")
    removal = await aki.wait_for(
        lambda r, e: (
            r == group_room
            and e["type"] == "m.room.member"
            and e.get("state_key") == aki.user_id
            and e["content"]["membership"] == "leave"
        )
    )
    assert removal["content"]["reason"] == (
        "This group is for notices only now; they reach you in your conversation with the desk."
    )
    status, answer = await _send(stack, aki, group_room, "Anyone here?")
    assert (status, answer["errcode"]) == (403, "M_FORBIDDEN"), answer
    state = await _room_state(stack, admin, group_room)
    assert state[("m.room.power_levels", "")]["events_default"] == 50
    assert not _joined(state, aki) and not _joined(state, ben)
    assert (await _settings(api, tenant))["group_chat"] is False
    answer = await tenant.command("!broadcast-group Parents No meeting this week.")
    assert answer == "Sent the notice to 2 clients."
    await ben.wait_for(_text(ben_desk, "No meeting this week."))
    assert not await _finds(stack, aki, ben)


async def test_club_members_talk_in_their_group_room(
    stack: Stack, api: Api, users: OpenUser, admin: User
) -> None:
    tenant = await new_tenant(stack, api, users, preset="club")
    assert (await _settings(api, tenant))["group_chat"] is True
    assert await tenant.command("!create-group Go") == "Created the group “Go”."
    aki, _ = await _member(stack, users, tenant, "Aki", "Go")
    ben, _ = await _member(stack, users, tenant, "Ben", "Go")
    group_room = await _room_named(aki, "Go")
    assert group_room and group_room == await _room_named(ben, "Go")
    await aki.send_text(group_room, "Shall we play on Sunday?")
    await ben.wait_for(_text(group_room, "Shall we play on Sunday?"))
    await ben.send_text(group_room, "Yes, at ten.")
    await aki.wait_for(_text(group_room, "Yes, at ten."))
    state = await _room_state(stack, admin, group_room)
    assert state[("m.room.power_levels", "")]["events_default"] == 0
    assert _joined(state, aki) and _joined(state, ben)
    # Members see each other by their nicknames.
    assert state[("m.room.member", aki.user_id)]["displayname"] == "Aki"
    assert state[("m.room.member", ben.user_id)]["displayname"] == "Ben"
    assert not await _finds(stack, aki, ben)
    # A broadcast to the group rings for everyone in its room (a room mention by its owner).
    await tenant.command("!broadcast-group Go Practice moves to eleven.")
    notice = await ben.wait_for(_text(group_room, "Practice moves to eleven."))
    assert notice["content"]["msgtype"] == "m.text"
    assert notice["content"]["m.mentions"] == {"room": True}
    assert highlighted((await notifications(stack.hs.url, ben))[notice["event_id"]])


async def _database(stack: Stack) -> Database:
    database = Database.create(str(stack.soudan.database_url), upgrade_table=db.upgrade_table)
    await database.start()
    return database


async def test_group_rooms_are_brought_in_line_at_start(
    stack: Stack, api: Api, users: OpenUser, admin: User
) -> None:
    # A counseling tenant whose group room still holds talking clients, as every group room
    # did before group chat became a setting: what the migration leaves behind.
    tenant = await new_tenant(stack, api, users, preset="counseling")
    await tenant.command("!set-group-chat on")
    await tenant.command("!create-group Evening")
    aki, _ = await _member(stack, users, tenant, "Aki", "Evening")
    group_room = await _room_named(aki, "Evening")
    assert group_room
    stack.soudan_service.stop()
    database = await _database(stack)
    try:
        tenant_id = await database.fetchval("SELECT id FROM tenant WHERE slug=$1", tenant.slug)
        await database.execute("UPDATE tenant SET group_chat=false WHERE id=$1", tenant_id)
        await database.execute(
            "UPDATE client_group SET room_mode=NULL WHERE tenant_id=$1", tenant_id
        )
    finally:
        await database.stop()
    stack.soudan_service = stack.soudan.start()
    stack.soudan_service.wait_ready(stack.soudan.ready_url)
    await aki.wait_for(
        lambda r, e: (
            r == group_room
            and e["type"] == "m.room.member"
            and e.get("state_key") == aki.user_id
            and e["content"]["membership"] == "leave"
        ),
        timeout=30,
    )
    status, answer = await _send(stack, aki, group_room, "Still here?")
    assert (status, answer["errcode"]) == (403, "M_FORBIDDEN"), answer
    state = await _room_state(stack, admin, group_room)
    assert state[("m.room.power_levels", "")]["events_default"] == 50


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_the_migration_sets_group_chat_by_preset(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "postgres":
        url = request.getfixturevalue("postgres").create_database(
            f"groups_{uuid.uuid4().hex[:12]}"
        )
    else:
        url = f"sqlite:{tmp_path / 'groups.db'}"
    before = UpgradeTable(version_table_name="soudan_version", database_name="soudan")
    before.upgrades = db.upgrade_table.upgrades[:12]
    old = Database.create(url, upgrade_table=before)
    await old.start()
    for slug, preset in (("c", "club"), ("k", "counseling"), ("w", "workplace")):
        await old.execute(
            "INSERT INTO tenant (slug, name, preset, language, created_at) "
            "VALUES ($1, $1, $2, 'en', 0)",
            slug,
            preset,
        )
        await old.execute(
            "INSERT INTO client_group (tenant_id, name, room_id) "
            "SELECT id, 'g', $2 FROM tenant WHERE slug=$1",
            slug,
            f"!group-{slug}",
        )
    await old.stop()

    database = Database.create(url, upgrade_table=db.upgrade_table)
    await database.start()
    db.init(database)
    try:
        chat = {
            row["slug"]: bool(row["group_chat"])
            for row in await database.fetch("SELECT slug, group_chat FROM tenant")
        }
        assert chat == {"c": True, "k": False, "w": False}
        modes = await database.fetch("SELECT room_id, room_mode FROM client_group")
        assert {row["room_id"]: row["room_mode"] for row in modes} == {
            "!group-c": None,
            "!group-k": None,
            "!group-w": None,
        }
        # Every tenant's rooms wait to be brought in line by the process.
        assert sorted(await Group.tenants_out_of_line()) == [1, 2, 3]
        await database.execute("UPDATE client_group SET room_mode='chat' WHERE room_id='!group-c'")
        await database.execute("UPDATE client_group SET room_mode='chat' WHERE room_id='!group-k'")
        assert sorted(await Group.tenants_out_of_line()) == [2, 3]
    finally:
        await database.stop()
