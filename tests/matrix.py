"""Real Matrix clients for the tests (matrix-nio), with a small helper to wait for events."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from nio import AsyncClient, LoginResponse, RoomSendResponse, SyncResponse

Predicate = Callable[[str, dict[str, Any]], bool]


@dataclass
class User:
    """A logged-in account that remembers every event its syncs returned."""

    client: AsyncClient
    user_id: str
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    invites: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Typing and receipts, as (room, event type, the users or readers it names)
    ephemeral: list[tuple[str, str, str]] = field(default_factory=list)

    async def sync(self, timeout_ms: int = 500) -> None:
        response = await self.client.sync(timeout=timeout_ms, full_state=False)
        if not isinstance(response, SyncResponse):
            raise AssertionError(f"sync failed: {response}")
        # Rooms the user was removed from arrive under "leave", with the removal itself.
        for room_id, room in response.rooms.join.items():
            for edu in room.ephemeral:
                self.ephemeral.append((room_id, type(edu).__name__, repr(edu)))
        for rooms in (response.rooms.join, response.rooms.leave):
            for room_id, room in rooms.items():
                for event in room.timeline.events:
                    self.events.append((room_id, event.source))
        for room_id, room in response.rooms.invite.items():
            self.invites[room_id] = [
                getattr(e, "source", {"type": type(e).__name__}) for e in room.invite_state
            ]

    async def wait_for(
        self, predicate: Predicate, timeout: float = 15, since: int = 0
    ) -> dict[str, Any]:
        """The first event (from index ``since`` on) for which ``predicate(room_id, event)``."""
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            for room_id, event in self.events[checked:]:
                if predicate(room_id, event):
                    return event
            checked = max(checked, len(self.events))
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.user_id}: no matching event within {timeout} s")
            await self.sync()

    async def wait_for_ephemeral(
        self, room_id: str, kind: str, who: str, timeout: float = 15
    ) -> None:
        """Until a typing notice or receipt (``kind``: "Typing" or "Receipt") names ``who``."""
        deadline = time.monotonic() + timeout
        while not any(r == room_id and kind in k and who in v for r, k, v in self.ephemeral):
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.user_id}: no {kind} of {who} within {timeout} s")
            await self.sync()

    async def wait_for_invite(self, timeout: float = 15, ignore: tuple[str, ...] = ()) -> str:
        """A room this user is invited to (other than those in ``ignore``)."""
        deadline = time.monotonic() + timeout
        while True:
            for room_id in self.invites:
                if room_id not in ignore:
                    return room_id
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.user_id}: no invite within {timeout} s")
            await self.sync()

    async def join(self, room_id: str) -> None:
        response = await self.client.join(room_id)
        if hasattr(response, "status_code") and not hasattr(response, "room_id"):
            raise AssertionError(f"join failed: {response}")
        self.invites.pop(room_id, None)

    async def send_text(self, room_id: str, body: str) -> str:
        response = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": body}
        )
        event_id = getattr(response, "event_id", None)
        if not event_id:
            raise AssertionError(f"send failed: {response}")
        return str(event_id)

    async def close(self) -> None:
        await self.client.close()


async def login(homeserver: str, user_id: str, password: str) -> User:
    client = AsyncClient(homeserver, user_id)
    response = await client.login(password)
    if not isinstance(response, LoginResponse):
        await client.close()
        raise AssertionError(f"login of {user_id} failed: {response}")
    user = User(client, user_id)
    await user.sync(timeout_ms=0)
    return user


def reply_to(event_id: str, room_id: str | None = None) -> Predicate:
    def predicate(room: str, event: dict[str, Any]) -> bool:
        relates = event.get("content", {}).get("m.relates_to", {})
        in_reply = relates.get("m.in_reply_to", {}).get("event_id")
        return in_reply == event_id and (room_id is None or room == room_id)

    return predicate


def count(user: User, predicate: Predicate) -> int:
    return sum(1 for room_id, event in user.events if predicate(room_id, event))


async def send_until_accepted(user: User, room_id: str, content: dict[str, Any]) -> None:
    """Send like a real client does: the same transaction ID until the server takes it."""
    txn = uuid.uuid4().hex
    for _ in range(120):
        try:
            response = await user.client.room_send(room_id, "m.room.message", content, tx_id=txn)
            if isinstance(response, RoomSendResponse):
                return
        except (TimeoutError, aiohttp.ClientError):
            pass
        await asyncio.sleep(0.25)
    raise AssertionError(f"could not send {content.get('body')}")


async def history(homeserver: str, user: User, room_id: str) -> list[dict[str, Any]]:
    """The room's whole timeline as this user sees it, oldest first (a sync may skip)."""
    url = f"{homeserver}/_matrix/client/v3/rooms/{room_id}/messages"
    headers = {"Authorization": f"Bearer {user.client.access_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, params={"dir": "f", "limit": "1000"}, headers=headers) as response,
    ):
        return list((await response.json())["chunk"])


async def notifications(homeserver: str, user: User) -> dict[str, dict[str, Any]]:
    """Every notification the homeserver keeps for the user (its own push rules decided
    them), by event ID."""
    found: dict[str, dict[str, Any]] = {}
    params = {"limit": "100"}
    headers = {"Authorization": f"Bearer {user.client.access_token}"}
    async with aiohttp.ClientSession() as session:
        while True:
            async with session.get(
                f"{homeserver}/_matrix/client/v3/notifications", params=params, headers=headers
            ) as response:
                assert response.status == 200, await response.text()
                page = await response.json()
            for item in page["notifications"]:
                found[item["event"]["event_id"]] = item
            if not page.get("next_token"):
                return found
            params["from"] = page["next_token"]


def highlighted(notification: dict[str, Any]) -> bool:
    """Whether a notification is a highlight (a mention of the user or of the room)."""
    return any(
        isinstance(a, dict) and a.get("set_tweak") == "highlight" and a.get("value", True)
        for a in notification["actions"]
    )


async def settle(user: User, seconds: float = 2.0) -> None:
    """Keep syncing for a while, so that a duplicate that would arrive late is seen."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await user.sync(timeout_ms=300)
        await asyncio.sleep(0)
