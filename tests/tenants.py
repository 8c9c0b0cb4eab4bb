"""Helpers for tenant tests: the provisioning API as a client, and a ready tenant."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import aiohttp

from .conftest import OpenUser, Stack
from .matrix import User, reply_to

PREFIX = "/_soudan/provision/v1"


class Api:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.platform_token = str(stack.config["provisioning.shared_secret"])

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = "platform",
        raw: bytes | None = None,
    ) -> tuple[int, Any]:
        headers = {}
        if token == "platform":
            token = self.platform_token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": headers}
        if raw is not None:
            kwargs["data"] = raw
        elif body is not None:
            kwargs["json"] = body
        async with (
            aiohttp.ClientSession() as session,
            session.request(method, self.stack.soudan.url + PREFIX + path, **kwargs) as response,
        ):
            return response.status, await response.json()

    async def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        status, data = await self.call(method, path, body, **kwargs)
        assert status in (200, 201), (status, data)
        return data


@dataclass
class TenantFixture:
    slug: str
    preset: str
    admin: User
    admin_room: str
    staff_room: str
    space_room: str
    board_room: str | None = None  # the operators' board room, where the board is on

    async def command(self, text: str) -> str:
        """Send a command in the admin room and return the bot's answer."""
        return await command(self.admin, self.admin_room, text)


async def command(user: User, room_id: str, text: str, timeout: float = 60) -> str:
    event_id = await user.send_text(room_id, text)
    answer = await user.wait_for(reply_to(event_id, room_id), timeout=timeout)
    return str(answer["content"]["body"])


async def bare_tenant(api: Api, preset: str = "counseling", prefix: str = "r") -> str:
    """A tenant made through the API, with no admin or rooms of interest; its slug."""
    slug = f"{prefix}{secrets.token_hex(4)}"
    await api.ok(
        "POST", "/tenants", {"slug": slug, "preset": preset, "language": "en", "name": slug}
    )
    return slug


async def refused(
    api: Api, method: str, path: str, body: Any, status: int, errcode: str, **kwargs: Any
) -> str:
    """Call the API expecting a refusal with that status and error code; its message."""
    got, data = await api.call(method, path, body, **kwargs)
    assert (got, data.get("errcode")) == (status, errcode), (method, path, got, data)
    assert data["error"]
    return str(data["error"])


async def new_tenant(
    stack: Stack, api: Api, users: OpenUser, preset: str = "counseling", language: str = "en"
) -> TenantFixture:
    slug = f"t{secrets.token_hex(4)}"
    created = await api.ok(
        "POST",
        "/tenants",
        {"slug": slug, "preset": preset, "language": language, "name": f"Desk {slug}"},
    )
    admin_id, password = stack.new_user("tadmin")
    await api.ok("POST", f"/tenants/{slug}/admins", {"user_id": admin_id})
    admin = await users(stack.hs.url, admin_id, password)
    rooms = created["rooms"]
    while rooms["admin"] not in admin.invites:
        await admin.wait_for_invite()
        if rooms["admin"] not in admin.invites:
            await admin.sync()
    await admin.join(rooms["admin"])
    return TenantFixture(
        slug, preset, admin, rooms["admin"], rooms["staff"], rooms["space"], rooms["board"]
    )


def login_details(answer: str) -> tuple[str, str]:
    """User ID and password from the bot's answer to !add-client."""
    user_id = re.search(r"(@c-[a-z0-9]+:\S+)", answer)
    password = re.search(r"(?:Password|パスワード)[:：]\s*(\S+)", answer)
    assert user_id and password, answer
    return user_id.group(1), password.group(1)


async def new_client(
    stack: Stack, users: OpenUser, tenant: TenantFixture, nickname: str
) -> tuple[User, str]:
    """A client account added by the tenant's admin, logged in; with its desk room."""
    user_id, password = login_details(await tenant.command(f"!add-client {nickname}"))
    user = await users(stack.hs.url, user_id, password)
    return user, (await user.client.joined_rooms()).rooms[0]


async def add_operators(
    stack: Stack, api: Api, users: OpenUser, tenant: TenantFixture, count: int
) -> list[User]:
    """New operators of the tenant, logged in and joined to its staff room (and its board
    room, so that the next invite they get is the one a test waits for)."""
    operators = []
    for _ in range(count):
        user_id, password = stack.new_user("operator")
        await api.ok("POST", f"/tenants/{tenant.slug}/operators", {"user_id": user_id})
        operator = await users(stack.hs.url, user_id, password)
        await operator.join(tenant.staff_room)
        if tenant.board_room:
            await operator.join(tenant.board_room)
        operators.append(operator)
    return operators
