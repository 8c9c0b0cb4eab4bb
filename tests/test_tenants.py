"""Tenants and client accounts, end to end against the real Synapse."""

from __future__ import annotations

import pytest
from nio import JoinError, LoginError, LoginResponse, WhoamiError

from .conftest import PUBLIC_ADDRESS, OpenUser, Stack
from .matrix import login
from .tenants import Api, TenantFixture, command, login_details, new_tenant


@pytest.fixture
def api(stack: Stack) -> Api:
    return Api(stack)


@pytest.fixture
async def tenant(stack: Stack, api: Api, users: OpenUser) -> TenantFixture:
    return await new_tenant(stack, api, users)


async def _state(user, room_id: str) -> dict[tuple[str, str], dict]:
    response = await user.client.room_get_state(room_id)
    return {(e["type"], e.get("state_key", "")): e["content"] for e in response.events}


async def test_creating_a_tenant_makes_its_rooms(stack: Stack, tenant: TenantFixture) -> None:
    state = await _state(tenant.admin, tenant.admin_room)
    assert state[("m.room.join_rules", "")]["join_rule"] == "invite"
    assert state[("m.room.guest_access", "")]["guest_access"] == "forbidden"
    assert state[("m.room.history_visibility", "")]["history_visibility"] == "invited"
    assert ("m.space.parent", tenant.space_room) in state
    await tenant.admin.join(tenant.space_room)
    space = await _state(tenant.admin, tenant.space_room)
    assert space[("m.room.create", "")]["type"] == "m.space"
    assert {("m.space.child", tenant.admin_room), ("m.space.child", tenant.staff_room)} <= set(
        space
    )


async def test_admin_adds_a_client_who_logs_in(
    stack: Stack, tenant: TenantFixture, users: OpenUser
) -> None:
    answer = await tenant.command("!add-client Hanako")
    assert answer.startswith("Added the client “Hanako”")
    assert f"Server: {PUBLIC_ADDRESS}\n" in answer and stack.hs.url not in answer
    user_id, password = login_details(answer)
    assert "hanako" not in user_id.lower()
    client = await users(stack.hs.url, user_id, password)
    joined = await client.client.joined_rooms()
    assert len(joined.rooms) == 1  # the desk conversation is open at first login
    room_id = joined.rooms[0]
    welcome = await client.wait_for(lambda r, e: r == room_id and e["type"] == "m.room.message")
    assert welcome["sender"] == f"@_soudan_desk_{tenant.slug}:{stack.hs.server_name}"
    assert welcome["content"]["body"].startswith("Welcome.")
    members = await client.client.joined_members(room_id)
    assert {m.user_id for m in members.members} == {user_id, welcome["sender"]}
    # The desk's profile is the tenant's name, for whom shares a room with it (the homeserver
    # answers profile look-ups of anyone else with a refusal).
    profile = await client.client.get_displayname(welcome["sender"])
    assert profile.displayname == f"Desk {tenant.slug}"  # type: ignore[union-attr]
    listing = await tenant.command("!clients")
    assert "Hanako" in listing and user_id in listing
    # A reset shows the whole login again, with the address people can reach.
    reset = await tenant.command("!reset-password Hanako")
    assert f"Server: {PUBLIC_ADDRESS}\n" in reset and stack.hs.url not in reset
    assert login_details(reset)[0] == user_id
    await users(stack.hs.url, user_id, login_details(reset)[1])


async def test_reset_logs_out_and_removal_stops_login(
    stack: Stack, api: Api, tenant: TenantFixture
) -> None:
    created = await api.ok("POST", f"/tenants/{tenant.slug}/clients", {"nickname": "Taro"})
    first = await login(stack.hs.url, created["user_id"], created["password"])
    try:
        reset = await api.ok("POST", f"/tenants/{tenant.slug}/clients/Taro/reset-password")
        assert reset["password"] != created["password"]
        assert created["homeserver"] == reset["homeserver"] == PUBLIC_ADDRESS
        assert isinstance(await first.client.whoami(), WhoamiError)
    finally:
        await first.close()
    second = await login(stack.hs.url, created["user_id"], reset["password"])
    await second.close()
    await api.ok("DELETE", f"/tenants/{tenant.slug}/clients/Taro")
    again = await login_fails(stack.hs.url, created["user_id"], reset["password"])
    assert again
    status, _ = await api.call("GET", f"/tenants/{tenant.slug}/clients")
    assert status == 200


async def login_fails(homeserver: str, user_id: str, password: str) -> bool:
    from nio import AsyncClient

    client = AsyncClient(homeserver, user_id)
    try:
        response = await client.login(password)
        return isinstance(response, LoginError) and not isinstance(response, LoginResponse)
    finally:
        await client.close()


async def test_client_cannot_join_a_room_uninvited(
    stack: Stack, api: Api, tenant: TenantFixture, users: OpenUser
) -> None:
    created = await api.ok("POST", f"/tenants/{tenant.slug}/clients", {"nickname": "Jiro"})
    client = await users(stack.hs.url, created["user_id"], created["password"])
    operator_id, password = stack.new_user("operator")
    operator = await users(stack.hs.url, operator_id, password)
    public = await operator.client.room_create(name="open room", preset=None)
    await operator.client.room_put_state(
        public.room_id, "m.room.join_rules", {"join_rule": "public"}
    )
    response = await client.client.join(public.room_id)
    assert isinstance(response, JoinError)
    assert response.status_code == "M_FORBIDDEN"


async def test_commands_answer_in_the_tenant_language(
    stack: Stack, api: Api, users: OpenUser
) -> None:
    ja = await new_tenant(stack, api, users, language="ja")
    answer = await ja.command("!add-client 花子")
    assert answer.startswith("利用者「花子」を登録しました")
    assert (await ja.command("!add-client 花子")) == "ニックネーム「花子」の利用者はすでにいます。"
    assert (await ja.command("!help")).startswith("使えるコマンド:")
    assert "!add-client" in await command(ja.admin, ja.admin_room, "!help")
