"""The Synapse module refuses what client accounts must never do, against the real Synapse."""

from __future__ import annotations

from nio import RoomCreateError, RoomInviteError

from .conftest import OpenUser, Stack


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


async def test_other_accounts_still_create_rooms(stack: Stack, users: OpenUser) -> None:
    user_id, password = stack.new_user("operator")
    user = await users(stack.hs.url, user_id, password)
    response = await user.client.room_create(name="team room")
    assert not isinstance(response, RoomCreateError)


async def test_client_cannot_invite(stack: Stack, users: OpenUser) -> None:
    operator_id, operator_password = stack.new_user("operator")
    client_id, client_password = stack.new_client_account()
    other_id, _ = stack.new_user("someone")
    operator = await users(stack.hs.url, operator_id, operator_password)
    client = await users(stack.hs.url, client_id, client_password)
    room = await operator.client.room_create(invite=[client_id])
    await client.wait_for_invite()
    await client.join(room.room_id)
    response = await client.client.room_invite(room.room_id, other_id)
    assert isinstance(response, RoomInviteError)
    assert response.status_code == "M_FORBIDDEN"
