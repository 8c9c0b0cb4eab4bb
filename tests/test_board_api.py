"""The board API end to end: its settings, and the moderators' view of a topic a client posted
for real, through a real soudan and Synapse."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any

from .conftest import OpenUser, Stack
from .matrix import reply_to
from .tenants import Api, bare_tenant, refused


async def test_board_settings(stack: Stack) -> None:
    api = Api(stack)
    path = f"/tenants/{await bare_tenant(api, 'workplace', 'b')}/board"  # the board is off there
    before = await api.ok("GET", path)
    assert before == {"enabled": False, "length": 3000, "daily": 5, "room": None}

    # Each of these is refused whole: the good change in it is not made either.
    for bad in (
        {"length": 100, "colour": "red"},
        {"daily": 2, "length": 0},
        {"length": 100, "daily": "x"},
        {"length": 100, "enabled": "maybe"},
    ):
        await refused(api, "PATCH", path, bad, 400, "M_INVALID_PARAM")
    error = await refused(api, "PATCH", path, None, 400, "M_BAD_JSON", raw=b"[1]")
    assert "JSON object" in error
    await refused(api, "PATCH", path, None, 400, "M_NOT_JSON", raw=b"length=3")
    assert await api.ok("GET", path) == before

    changed = await api.ok("PATCH", path, {"enabled": "on", "length": 500, "daily": "3"})
    assert (changed["enabled"], changed["length"], changed["daily"]) == (True, 500, 3)
    assert str(changed["room"]).startswith("!")  # turning it on made the operators' room
    assert await api.ok("GET", path) == changed
    off = await api.ok("PATCH", path, {"enabled": False})
    assert off == {**changed, "enabled": False}


async def _board_room(stack: Stack, users: OpenUser, api: Api, slug: str, nickname: str) -> Any:
    """A client of the tenant who opened their board with !board: (user, desk, board room)."""
    created = await api.ok("POST", f"/tenants/{slug}/clients", {"nickname": nickname})
    client = await users(stack.hs.url, created["user_id"], created["password"])
    desk = (await client.client.joined_rooms()).rooms[0]
    asked = await client.send_text(desk, "!board")
    answer = await client.wait_for(reply_to(asked, desk), timeout=30)
    assert "Your board is open" in answer["content"]["body"], answer
    rooms = set((await client.client.joined_rooms()).rooms) - {desk}
    assert len(rooms) == 1, rooms
    return client, desk, rooms.pop()


async def _wait_for_posts(api: Api, path: str, count: int, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        topic = await api.ok("GET", path)
        if len(topic["posts"]) >= count or time.monotonic() > deadline:
            return topic
        await asyncio.sleep(0.2)


async def test_board_topics(stack: Stack, users: OpenUser) -> None:
    api = Api(stack)
    slug = await bare_tenant(api, "counseling", "b")  # the board is on there
    t = f"/tenants/{slug}/board"
    nickname = f"Nick{secrets.token_hex(3)}"
    client, _, room = await _board_room(stack, users, api, slug, nickname)
    ghost = stack.config.ghost_mxid(f"board_{slug}")

    posted = await client.send_text(room, "I cannot sleep before my exams")
    notice = await client.wait_for(reply_to(posted, room), timeout=30)
    assert notice["sender"] == ghost
    assert "Posted as topic T-0001" in notice["content"]["body"], notice

    listed = await api.ok("GET", f"{t}/topics")
    assert (listed["total"], listed["page"], len(listed["topics"])) == (1, 1, 1)
    topic = listed["topics"][0]
    assert topic == {
        "number": 1,
        "label": "T-0001",
        "alias": "Poster T-0001",
        "body": "I cannot sleep before my exams",
        "created_at": topic["created_at"],
        "closed_at": None,
        "hidden_at": None,
        "hidden_by": None,
        "answers": 0,
    }
    assert isinstance(topic["created_at"], int)

    # A follow-up in the topic's thread
    thread = {"rel_type": "m.thread", "event_id": posted, "is_falling_back": True}
    thread["m.in_reply_to"] = {"event_id": posted}
    await client.client.room_send(
        room,
        "m.room.message",
        {"msgtype": "m.text", "body": "Every night", "m.relates_to": thread},
    )
    detail = await _wait_for_posts(api, f"{t}/topics/1", 1)
    assert detail == {
        **topic,
        "posts": [
            {
                "kind": "follow_up",
                "number": None,
                "ref": None,
                "operator": None,
                "body": "Every night",
                "created_at": detail["posts"][0]["created_at"],
                "hidden_at": None,
                "hidden_by": None,
            }
        ],
    }
    assert await api.ok("GET", f"{t}/topics/T-0001") == detail
    for shown in (listed, detail):
        text = json.dumps(shown)
        assert client.user_id not in text and nickname not in text
        assert "topic_" not in text  # the topic ghost's localpart

    # Pages and references
    assert await api.ok("GET", f"{t}/topics?page=2") == {"topics": [], "total": 1, "page": 2}
    await refused(api, "GET", f"{t}/topics?page=0", None, 400, "M_INVALID_PARAM")
    await refused(api, "GET", f"{t}/topics?page=x", None, 400, "M_INVALID_PARAM")
    await refused(api, "GET", f"{t}/topics/abc", None, 400, "M_INVALID_PARAM")
    error = await refused(api, "GET", f"{t}/topics/99", None, 404, "M_NOT_FOUND")
    assert "T-0099" in error
    await refused(api, "POST", f"{t}/topics/99/hide", None, 404, "M_NOT_FOUND")
    await refused(api, "POST", f"{t}/answers/1-9/hide", None, 404, "M_NOT_FOUND")
    await refused(api, "POST", f"{t}/answers/x/hide", None, 400, "M_INVALID_PARAM")

    # Close and reopen, once each
    closed = await api.ok("POST", f"{t}/topics/1/close")
    assert isinstance(closed["closed_at"], int) and closed["hidden_at"] is None
    error = await refused(api, "POST", f"{t}/topics/1/close", None, 409, "SOUDAN_CONFLICT")
    assert "T-0001 is already closed" in error
    reopened = await api.ok("POST", f"{t}/topics/1/reopen")
    assert reopened == {**closed, "closed_at": None}
    error = await refused(api, "POST", f"{t}/topics/1/reopen", None, 409, "SOUDAN_CONFLICT")
    assert "T-0001 is not closed" in error

    # Hide: kept for the audit, and the poster is told
    hidden = await api.ok("POST", f"{t}/topics/1/hide")
    assert isinstance(hidden["hidden_at"], int)
    assert hidden["hidden_by"] == stack.config.bot_mxid
    assert hidden["posts"] == detail["posts"]
    error = await refused(api, "POST", f"{t}/topics/1/hide", None, 409, "SOUDAN_CONFLICT")
    assert "T-0001 is already hidden" in error
    await refused(api, "POST", f"{t}/topics/1/close", None, 409, "SOUDAN_CONFLICT")
    assert (await api.ok("GET", f"{t}/topics"))["topics"] == [
        {k: v for k, v in hidden.items() if k != "posts"}
    ]
    removed = await client.wait_for(
        lambda r, e: r == room and "T-0001 was removed" in str(e.get("content", {}).get("body"))
    )
    assert removed["sender"] == ghost
