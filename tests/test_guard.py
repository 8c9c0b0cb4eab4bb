"""The Synapse module and the homeserver's settings refuse what client accounts must never do,
against the real Synapse and through real clients; each refusal says why and changes nothing.
A client who leaves their own rooms is brought back."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from nio import RoomCreateError, RoomPreset, RoomVisibility

from .conftest import SERVER_NAME, OpenUser, Stack
from .matrix import User
from .tenants import Api, TenantFixture, add_operators, command, new_client, new_tenant

CLIENT_API = "/_matrix/client/v3"


async def _call(
    stack: Stack, user: User | None, method: str, path: str, body: Any = None
) -> tuple[int, dict[str, Any]]:
    """A client-server API request as ``user`` (None: without an access token)."""
    headers = {"Authorization": f"Bearer {user.client.access_token}"} if user else {}
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method, stack.hs.url + CLIENT_API + path, json=body, headers=headers
        ) as response,
    ):
        return response.status, await response.json()


def _refused(status: int, body: dict[str, Any], reason: str) -> None:
    assert (status, body.get("errcode")) == (403, "M_FORBIDDEN"), (status, body)
    assert reason in body["soudan_reason"], body
    assert body["soudan_reason_ja"], body


async def _membership(stack: Stack, reader: User, room_id: str, user_id: str) -> str | None:
    status, body = await _call(
        stack, reader, "GET", f"/rooms/{quote(room_id)}/state/m.room.member/{quote(user_id)}"
    )
    if status == 404:
        return None
    assert status == 200, (status, body)
    return str(body["membership"])


@dataclass
class Desk:
    tenant: TenantFixture
    operator: User
    client: User
    client_room: str


@pytest.fixture
async def desk(stack: Stack, users: OpenUser) -> Desk:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    (operator,) = await add_operators(stack, api, users, tenant, 1)
    client, client_room = await new_client(stack, users, tenant, "Hana")
    return Desk(tenant, operator, client, client_room)


async def test_client_cannot_create_a_room(stack: Stack, users: OpenUser) -> None:
    client_id, password = stack.new_client_account()
    client = await users(stack.hs.url, client_id, password)
    response = await client.client.room_create(name="my own room")
    assert isinstance(response, RoomCreateError)
    assert response.status_code == "M_FORBIDDEN"
    raw = response.transport_response
    body = await raw.json()
    assert body["errcode"] == "M_FORBIDDEN"
    assert body["soudan_reason"].startswith("Client accounts cannot create rooms")
    assert (await client.client.joined_rooms()).rooms == []  # type: ignore[union-attr]


async def test_other_accounts_still_create_rooms(stack: Stack, users: OpenUser) -> None:
    user_id, password = stack.new_user("operator")
    user = await users(stack.hs.url, user_id, password)
    response = await user.client.room_create(name="team room")
    assert not isinstance(response, RoomCreateError)


async def test_client_reaches_nobody_through_a_side_door(
    stack: Stack, users: OpenUser, desk: Desk
) -> None:
    client, room = desk.client, desk.client_room
    operator = desk.operator
    stranger_id, stranger_password = stack.new_user("someone")
    stranger = await users(stack.hs.url, stranger_id, stranger_password)

    # Inviting anyone into the desk room.
    status, body = await _call(
        stack, client, "POST", f"/rooms/{quote(room)}/invite", {"user_id": stranger_id}
    )
    _refused(status, body, "cannot invite anyone")
    assert await _membership(stack, client, room, stranger_id) is None

    # Knocking on a room that lets anyone else knock.
    created = await operator.client.room_create(
        name="knock here",
        initial_state=[{"type": "m.room.join_rules", "content": {"join_rule": "knock"}}],
    )
    assert not isinstance(created, RoomCreateError), created
    knock_room = created.room_id
    status, body = await _call(
        stack, client, "POST", f"/knock/{quote(knock_room)}", {"reason": "it is me"}
    )
    _refused(status, body, "cannot knock")
    assert "cannot knock" in body["error"]
    assert await _membership(stack, operator, knock_room, client.user_id) is None
    status, body = await _call(stack, stranger, "POST", f"/knock/{quote(knock_room)}", {})
    assert status == 200, body  # the room does take knocks, from anyone but a client
    assert await _membership(stack, operator, knock_room, stranger_id) == "knock"

    # An alias for the desk room, and the desk room in the public directory.
    alias = f"#c{secrets.token_hex(4)}:{SERVER_NAME}"
    status, body = await _call(
        stack, client, "PUT", f"/directory/room/{quote(alias)}", {"room_id": room}
    )
    _refused(status, body, "aliases")
    status, body = await _call(stack, client, "GET", f"/directory/room/{quote(alias)}")
    assert status == 404, body
    status, body = await _call(
        stack, client, "PUT", f"/directory/list/room/{quote(room)}", {"visibility": "public"}
    )
    _refused(status, body, "room directory")
    status, body = await _call(stack, client, "GET", f"/directory/list/room/{quote(room)}")
    assert (status, body) == (200, {"visibility": "private"})
    staff_alias = f"#s{secrets.token_hex(4)}:{SERVER_NAME}"
    status, body = await _call(
        stack, operator, "PUT", f"/directory/room/{quote(staff_alias)}", {"room_id": knock_room}
    )
    assert status == 200, body  # aliases as such are allowed on this homeserver

    # An invite from anyone but soudan's own users.
    created = await operator.client.room_create(name="let us talk")
    assert not isinstance(created, RoomCreateError), created
    status, body = await _call(
        stack,
        operator,
        "POST",
        f"/rooms/{quote(created.room_id)}/invite",
        {"user_id": client.user_id},
    )
    _refused(status, body, "only be invited by the desk")
    assert await _membership(stack, operator, created.room_id, client.user_id) is None
    await client.sync()
    assert created.room_id not in client.invites

    # A homeserver admin's invite passes Synapse's invite check, but does not open the room.
    admin = await users(stack.hs.url, stack.admin_id, stack.admin_password)
    created = await admin.client.room_create(name="admin's room", invite=[client.user_id])
    assert not isinstance(created, RoomCreateError), created
    assert await client.wait_for_invite(ignore=tuple(client.invites)) == created.room_id
    status, body = await _call(stack, client, "POST", f"/join/{quote(created.room_id)}", {})
    _refused(status, body, "the desk invited them to")
    assert await _membership(stack, admin, created.room_id, client.user_id) == "invite"
    assert created.room_id not in (await client.client.joined_rooms()).rooms  # type: ignore[union-attr]


async def test_profiles_and_directory_of_strangers_are_closed(
    stack: Stack, users: OpenUser, desk: Desk
) -> None:
    client, operator = desk.client, desk.operator
    nobody = f"@nobody{secrets.token_hex(4)}:{SERVER_NAME}"
    answers = []
    for target in (operator.user_id, nobody):
        for field in ("", "/displayname"):
            answers.append(await _call(stack, client, "GET", f"/profile/{quote(target)}{field}"))
    # No name, and no way to tell an existing account from a made-up one.
    assert all(status == 403 for status, _ in answers), answers
    assert len({(body["errcode"], body["error"]) for _, body in answers}) == 1, answers
    status, body = await _call(stack, None, "GET", f"/profile/{quote(operator.user_id)}")
    assert status == 401, body  # nobody without an account
    # Whom the client shares a room with (the desk) stays readable, so clients still work.
    desk_ghost = f"@_soudan_desk_{desk.tenant.slug}:{SERVER_NAME}"
    status, body = await _call(stack, client, "GET", f"/profile/{quote(desk_ghost)}")
    assert status == 200, body
    assert body["displayname"]
    # The user directory: an operator in a public room is found by anyone else, not by a client.
    public = await operator.client.room_create(
        visibility=RoomVisibility.public, preset=RoomPreset.public_chat, name="open room"
    )
    assert not isinstance(public, RoomCreateError), public
    stranger_id, stranger_password = stack.new_user("someone")
    stranger = await users(stack.hs.url, stranger_id, stranger_password)
    term = {"search_term": operator.user_id[1:].split(":")[0]}
    for _ in range(300):  # the directory is updated in the background
        status, body = await _call(stack, stranger, "POST", "/user_directory/search", term)
        assert status == 200, body
        if body["results"]:
            break
        await asyncio.sleep(0.1)
    assert [r["user_id"] for r in body["results"]] == [operator.user_id]
    status, body = await _call(stack, client, "POST", "/user_directory/search", term)
    assert (status, body["results"]) == (200, []), body

    # soudan itself still tells an unknown account from a staff account it may appoint.
    api = Api(stack)
    status, body = await api.call(
        "POST", f"/tenants/{desk.tenant.slug}/operators", {"user_id": nobody}
    )
    assert (status, body["errcode"]) == (404, "M_NOT_FOUND"), body
    candidate, _ = stack.new_user("operator")
    await api.ok("POST", f"/tenants/{desk.tenant.slug}/operators", {"user_id": candidate})


def _text(room_id: str, start: str):
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


async def test_a_client_who_leaves_the_desk_is_brought_back(
    stack: Stack, users: OpenUser, desk: Desk
) -> None:
    client, room, operator = desk.client, desk.client_room, desk.operator
    await client.send_text(room, "hello desk")
    await operator.wait_for(_text(desk.tenant.staff_room, "Case #1"))
    assert (await command(operator, desk.tenant.staff_room, "!take 1")).startswith("Case #1")
    case_room = await operator.wait_for_invite(ignore=(desk.tenant.space_room,))
    await operator.join(case_room)
    await operator.wait_for(_text(case_room, "hello desk"))

    response = await client.client.room_leave(room)
    assert not hasattr(response, "status_code"), response
    since = len(client.events)
    notice = await client.wait_for(_text(room, "You left this room"), since=since)
    assert "Nothing is lost" in notice["content"]["body"]
    assert notice["sender"] == f"@_soudan_desk_{desk.tenant.slug}:{SERVER_NAME}"
    assert room in (await client.client.joined_rooms()).rooms  # type: ignore[union-attr]
    assert await _membership(stack, client, room, client.user_id) == "join"

    await client.send_text(room, "still here after leaving")
    await operator.wait_for(_text(case_room, "still here after leaving"))
    await operator.client.room_send(
        case_room, "m.room.message", {"msgtype": "m.text", "body": "glad you are back"}
    )
    await client.wait_for(_text(room, "glad you are back"))


async def test_a_client_who_leaves_the_board_is_brought_back(
    stack: Stack, users: OpenUser, desk: Desk
) -> None:
    client, desk_room = desk.client, desk.client_room
    assert (await command(client, desk_room, "!board")).startswith("Your board is open")
    rooms = set((await client.client.joined_rooms()).rooms)  # type: ignore[union-attr]
    (board_room,) = rooms - {desk_room}
    response = await client.client.room_leave(board_room)
    assert not hasattr(response, "status_code"), response
    notice = await client.wait_for(
        _text(board_room, "You left your board room"), since=len(client.events)
    )
    assert "Nothing is lost" in notice["content"]["body"]
    assert await _membership(stack, client, board_room, client.user_id) == "join"
    answer = await command(client, board_room, "!topics")
    assert answer, "the board answers in the room the client was brought back to"
