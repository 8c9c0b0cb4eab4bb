"""The board, end to end: anonymous topics, members' answers in threads, unanswered lists,
nomination from an answer, moderation, limits, and delivery across a restart."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from mautrix.util.async_db import Database
from nio import RoomSendResponse

from .conftest import OpenUser, Stack
from .matrix import User, count, history, reply_to, send_until_accepted, settle
from .tenants import Api, TenantFixture, add_operators, command, new_client, new_tenant

NAMES = ("Sakura", "Kaede", "Ren")


@dataclass
class Board:
    api: Api
    tenant: TenantFixture
    operators: list[User]
    room: str  # the operators' board room

    async def client(self, stack: Stack, users: OpenUser, nickname: str) -> Author:
        user, desk_room = await new_client(stack, users, self.tenant, nickname)
        answer = await command(user, desk_room, "!board")
        assert answer.startswith("Your board is open"), answer
        rooms = set((await user.client.joined_rooms()).rooms)  # type: ignore[union-attr]
        (board_room,) = rooms - {desk_room}
        return Author(user, nickname, desk_room, board_room)


@dataclass
class Author:
    user: User
    nickname: str
    desk_room: str
    board_room: str

    async def post(self, text: str) -> tuple[str, str]:
        """Post a topic; its event and the board's answer to it."""
        event_id = await self.user.send_text(self.board_room, text)
        notice = await self.user.wait_for(reply_to(event_id, self.board_room), timeout=30)
        return event_id, str(notice["content"]["body"])

    async def command(self, text: str) -> str:
        return await command(self.user, self.board_room, text)


@pytest.fixture
async def board(stack: Stack, users: OpenUser) -> Board:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    operators = await add_operators(stack, api, users, tenant, 3)
    room = (await api.ok("GET", f"/tenants/{tenant.slug}"))["rooms"]["board"]
    assert room
    for operator, name in zip(operators, NAMES, strict=True):
        await operator.join(room)
        answer = await command(operator, tenant.staff_room, f"!profile {name} | I listen.")
        assert answer == "Your profile is set.", answer
    return Board(api, tenant, operators, room)


async def _send(user: User, room_id: str, content: dict[str, Any]) -> str:
    response = await user.client.room_send(room_id, "m.room.message", content)
    assert isinstance(response, RoomSendResponse), response
    return str(response.event_id)


def _in_thread(root: str, body: str) -> dict[str, Any]:
    return {
        "msgtype": "m.text",
        "body": body,
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": root},
        },
    }


def _body(room_id: str, start: str):
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


def _thread_of(room_id: str, root: str, start: str):
    def predicate(r: str, e: dict[str, Any]) -> bool:
        content = e.get("content", {})
        relates = content.get("m.relates_to", {})
        return (
            r == room_id
            and relates.get("rel_type") == "m.thread"
            and relates.get("event_id") == root
            and str(content.get("body", "")).startswith(start)
        )

    return predicate


def _redaction_of(room_id: str, event_id: str):
    return lambda r, e: (
        r == room_id
        and e.get("type") == "m.room.redaction"
        and event_id in (e.get("redacts"), e.get("content", {}).get("redacts"))
    )


async def _root(board: Board, text: str) -> dict[str, Any]:
    """The topic's thread root in the operators' board room."""
    return await board.operators[0].wait_for(
        lambda r, e: r == board.room and e.get("content", {}).get("body") == text, timeout=30
    )


async def _display_name(stack: Stack, user: User, room_id: str, user_id: str) -> str:
    url = f"{stack.hs.url}/_matrix/client/v3/rooms/{room_id}/state/m.room.member/{user_id}"
    headers = {"Authorization": f"Bearer {user.client.access_token}"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return str((await response.json())["displayname"])


async def test_topic_answers_browsing_unanswered_and_nomination(
    stack: Stack, board: Board, users: OpenUser
) -> None:
    listener = board.operators[2]
    settings = await board.tenant.command(f"!operator-settings {listener.user_id} notify=dm")
    assert "notify=dm" in settings
    private = await listener.wait_for_invite(ignore=(board.tenant.space_room,))
    await listener.join(private)
    a = await board.client(stack, users, "AoiSatoh")
    topic_event, posted = await a.post("I cannot sleep before exams.")
    assert posted.startswith("Posted as topic T-0001."), posted
    root = await _root(board, "I cannot sleep before exams.")
    await listener.wait_for(_body(private, "New topic T-0001 on the board."), timeout=30)
    poster = root["sender"]
    assert await _display_name(stack, board.operators[0], board.room, poster) == "Poster T-0001"

    # Three members answer in the thread; the author sees each with its badge and name.
    copies = []
    for number, (operator, name) in enumerate(zip(board.operators, NAMES, strict=True), 1):
        await _send(operator, board.room, _in_thread(root["event_id"], f"Answer from {name}."))
        copy = await a.user.wait_for(
            _thread_of(a.board_room, topic_event, f"[Member] {name}\nAnswer from {name}."),
            timeout=30,
        )
        assert f"!profile 1-{number}" in copy["content"]["body"]
        assert copy["content"]["fi.soudan.board"] == {"topic": 1, "answer": number, "member": True}
        assert await _display_name(stack, a.user, a.board_room, copy["sender"]) == name
        copies.append(copy)
    assert len({copy["sender"] for copy in copies}) == 3  # one member ghost per operator
    await a.user.wait_for(_body(a.desk_room, "A member answered your board topic T-0001."))

    # The author adds to the topic in its thread: operators see it in the same thread.
    await _send(a.user, a.board_room, _in_thread(topic_event, "It started last month."))
    follow = await board.operators[1].wait_for(
        _thread_of(board.room, root["event_id"], "It started last month."), timeout=30
    )
    assert follow["sender"] == poster

    # Another client browses the board and opens the topic, from their own board room.
    b = await board.client(stack, users, "BotanItoh")
    listing = await b.command("!topics")
    assert "T-0001 · 3 answers" in listing and "I cannot sleep before exams." in listing
    assert "(yours)" not in listing
    since = len(b.user.events)
    opened = await b.command("!topic 1")
    assert opened.startswith("T-0001 (") and "I cannot sleep before exams." in opened
    for name in NAMES:
        await b.user.wait_for(_body(b.board_room, f"[Member] {name}"), since=since)
    await b.user.wait_for(_body(b.board_room, "The poster adds:\nIt started last month."))
    profile = await b.command("!profile 1-2")
    assert profile.startswith("Member: Kaede\nI listen.\n"), profile

    # A second topic by the same author gets another ghost and alias.
    await a.post("Is it normal to feel this tired?")
    second = await _root(board, "Is it normal to feel this tired?")
    assert second["sender"] != poster
    name = await _display_name(stack, board.operators[0], board.room, second["sender"])
    assert name == "Poster T-0002"

    # Unanswered: exactly what the operator did not answer, dropped once answered.
    first = board.operators[0]
    unanswered = await command(first, board.room, "!unanswered")
    assert "T-0002" in unanswered and "T-0001" not in unanswered, unanswered
    await _send(first, board.room, _in_thread(second["event_id"], "Yes, rest well."))
    await a.user.wait_for(_body(a.board_room, "[Member] Sakura\nYes, rest well."), timeout=30)
    assert await command(first, board.room, "!unanswered") == (
        "There are no topics you have not answered."
    )
    assert "T-0002" in await command(board.operators[1], board.room, "!unanswered")

    # Nomination from an answer: a chat case opens, assigned to that member.
    await command(first, board.tenant.staff_room, "!nominations on")
    await command(first, board.tenant.staff_room, "!status online")
    nominated = await a.command("!nominate 1-1")
    assert nominated.startswith("You nominated Sakura."), nominated
    ignore = (board.tenant.space_room, board.room)
    case_room = await first.wait_for_invite(ignore=ignore, timeout=30)
    await first.join(case_room)
    await a.user.wait_for(_body(a.desk_room, "You nominated Sakura from the board"))
    await _send(first, case_room, {"msgtype": "m.text", "body": "Hello, this is Sakura."})
    await a.user.wait_for(_body(a.desk_room, "Hello, this is Sakura."), timeout=30)
    # Replying to an answer works as well as its number.
    since = len(a.user.events)
    reply = {
        "msgtype": "m.text",
        "body": "!profile",
        "m.relates_to": {"m.in_reply_to": {"event_id": copies[2]["event_id"]}},
    }
    asked = await _send(a.user, a.board_room, reply)
    shown = await a.user.wait_for(reply_to(asked, a.board_room), since=since)
    assert shown["content"]["body"].startswith("Member: Ren")

    # Nobody learns who anyone is: the leak scan over everything each person received.
    await settle(b.user, 1)
    for operator in board.operators:
        await settle(operator, 0.5)
        # The chat case Aoi asked for is outside the board: there the nickname is the alias.
        seen = json.dumps([event for room, event in operator.events if room != case_room])
        assert a.user.user_id not in seen and b.user.user_id not in seen
        assert "AoiSatoh" not in seen and "BotanItoh" not in seen
    for viewer in (a, b):
        seen = json.dumps(viewer.user.events)
        for operator in board.operators:
            assert operator.user_id not in seen
    seen = json.dumps(b.user.events)
    assert a.user.user_id not in seen and "AoiSatoh" not in seen


async def test_moderation_limits_and_bad_input(
    stack: Stack, board: Board, users: OpenUser
) -> None:
    a = await board.client(stack, users, "Asa")
    b = await board.client(stack, users, "Beni")
    operator = board.operators[0]
    topic_event, _ = await a.post("My club has no members left.")
    root = await _root(board, "My club has no members left.")
    answer = await _send(operator, board.room, _in_thread(root["event_id"], "Ask at school."))
    copy = await a.user.wait_for(_body(a.board_room, "[Member] Sakura\nAsk at school."))
    view_since = len(b.user.events)
    await b.command("!topic 1")
    view = await b.user.wait_for(_body(b.board_room, "[Member] Sakura"), since=view_since)

    # Only admins and the operators they allow moderate.
    refused = await command(board.operators[1], board.room, "!hide-topic 1")
    assert refused == "Only admins, and operators they allow, moderate the board."
    allowed = await board.tenant.command(
        f"!operator-settings {board.operators[1].user_id} moderate=on"
    )
    assert "moderate=on" in allowed

    # A hidden answer is redacted on every side, the view another client opened included.
    hidden = await command(board.operators[1], board.room, "!hide-answer 1-1")
    assert hidden == "Answer 1-1 is hidden (the record is kept)."
    await a.user.wait_for(_redaction_of(a.board_room, copy["event_id"]), timeout=30)
    await b.user.wait_for(_redaction_of(b.board_room, view["event_id"]), timeout=30)
    await operator.wait_for(_redaction_of(board.room, answer), timeout=30)
    assert await board.tenant.command("!hide-answer 1-1") == "Answer 1-1 is already hidden."
    assert "T-0001" in await command(operator, board.room, "!unanswered")

    # A hidden topic disappears for clients and operators.
    assert await board.tenant.command("!hide-topic T-0001") == (
        "T-0001 is hidden (the record is kept)."
    )
    await a.user.wait_for(_redaction_of(a.board_room, topic_event), timeout=30)
    await operator.wait_for(_redaction_of(board.room, root["event_id"]), timeout=30)
    await a.user.wait_for(_body(a.board_room, "Your topic T-0001 was removed by the moderators."))
    assert await b.command("!topics") == "There are no topics yet."
    assert await b.command("!topic 1") == "There is no topic T-0001."
    assert "(hidden)" in await board.tenant.command("!topics")
    assert await command(operator, board.room, "!unanswered") == (
        "There are no topics you have not answered."
    )

    # Bad input: a clear answer, and nothing changes.
    async def refused_answer(root_id: str, text: str) -> str:
        event_id = await _send(operator, board.room, _in_thread(root_id, text))
        notice = await operator.wait_for(reply_to(event_id, board.room), timeout=30)
        return str(notice["content"]["body"])

    assert await refused_answer(root["event_id"], "Too late") == (
        "T-0001 was removed; nothing can be added to it."
    )
    _, posted = await a.post("   ")
    assert posted == "Not posted: the message is empty."
    _, posted = await a.post("あ" * 3001)
    assert posted == "Not posted: it has 3001 characters; the limit is 3000. Please shorten it."
    _, posted = await a.post("あ" * 3000)  # characters, not bytes
    assert posted.startswith("Posted as topic T-0002."), posted
    second = await _root(board, "あ" * 3000)
    assert await board.tenant.command("!close-topic 2") == (
        "T-0002 is closed: it takes no more answers or additions."
    )
    assert await board.tenant.command("!close-topic 2") == "T-0002 is already closed."
    assert await refused_answer(second["event_id"], "Late answer") == (
        "T-0002 is closed; nothing can be added to it."
    )
    assert await b.command("!topic 99") == "There is no topic T-0099."
    assert await b.command("!topic abc") == (
        "“abc” is not a topic number (for example 42 or T-0042)."
    )
    assert await board.tenant.command("!hide-topic 99") == "There is no topic T-0099."
    assert await b.command("!nominate 2-5") == "There is no answer 2-5."
    settings = await board.tenant.command("!board-settings daily=4 length=0")
    assert settings == "The length must be between 1 and 20000 (got 0).", settings
    assert "new topics per client and day: 5" in await board.tenant.command("!board-settings")
    # Removed topics count too: 2 posted so far, 2 more today.
    settings = await board.tenant.command("!board-settings daily=4")
    assert "new topics per client and day: 4" in settings
    for n in (3, 4):
        _, posted = await a.post(f"Topic number {n}")
        assert posted.startswith(f"Posted as topic T-000{n}."), posted
    _, posted = await a.post("One too many")
    assert posted.startswith("Not posted: you can start 4 topics a day."), posted
    listing = await board.tenant.command("!topics")
    assert "One too many" not in listing and "T-0005" not in listing
    top = await operator.wait_for(_body(board.room, "Topic number 4"))
    assert top  # the last accepted topic reached the operators; the refused one did not
    await settle(operator, 1)
    assert count(operator, _body(board.room, "One too many")) == 0

    # Clients cannot enter the operators' board room.
    response = await b.user.client.join(board.room)
    assert getattr(response, "status_code", None) == "M_FORBIDDEN", response


async def _exactly_once(stack: Stack, user: User, room_id: str, expected: list[str]) -> None:
    async def bodies() -> list[str]:
        return [
            str(e["content"].get("body", ""))
            for e in await history(stack.hs.url, user, room_id)
            if e.get("type") == "m.room.message"
        ]

    for _ in range(240):
        got = await bodies()
        if all(any(text in body for body in got) for text in expected):
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)  # a duplicate would arrive late
    got = await bodies()
    for text in expected:
        assert sum(1 for body in got if body.endswith(text) or f"\n{text}\n" in body) == 1, text


async def test_topics_and_answers_survive_a_hard_restart(
    stack: Stack, board: Board, users: OpenUser
) -> None:
    await board.tenant.command("!board-settings daily=100")
    a = await board.client(stack, users, "Chika")
    await a.post("Opening topic")
    root = await _root(board, "Opening topic")
    operator = board.operators[0]
    topics = [f"topic-{i:02d}" for i in range(16)]
    answers = [f"answer-{i:02d}" for i in range(16)]

    async def post_topics() -> None:
        for i, text in enumerate(topics):
            if i == len(topics) // 2:
                await asyncio.to_thread(stack.restart_soudan, True)
            await send_until_accepted(a.user, a.board_room, {"msgtype": "m.text", "body": text})

    async def answer() -> None:
        for text in answers:
            await send_until_accepted(operator, board.room, _in_thread(root["event_id"], text))

    await asyncio.gather(post_topics(), answer())
    await _exactly_once(stack, operator, board.room, topics)
    await _exactly_once(stack, a.user, a.board_room, answers)


async def test_a_long_unanswered_list_shows_the_oldest_and_counts_the_rest(
    stack: Stack, board: Board, users: OpenUser
) -> None:
    author = await board.client(stack, users, "Daichi")
    # Many topics at once, written into soudan's database: what is under test is the list.
    db = Database.create(stack.config["database.url"])
    await db.start()
    try:
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", board.tenant.slug)
        client_id = await db.fetchval(
            "SELECT id FROM client WHERE user_id=$1", author.user.user_id
        )
        await db.executemany(
            "INSERT INTO board_topic (tenant_id, number, client_id, ghost, body, created_at, "
            "source_event) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (tenant_id, n, client_id, f"topic_bulk{n}", f"Bulk topic {n}", n, f"$bulk-{n}")
                for n in range(1, 81)
            ],
        )
        await db.execute("UPDATE tenant SET next_topic=81 WHERE id=$1", tenant_id)
    finally:
        await db.stop()
    listing = await command(board.operators[0], board.room, "!unanswered")
    lines = listing.splitlines()
    assert lines[0] == "Topics you have not answered (80, oldest first):"
    assert lines[1].startswith("T-0001 · ") and lines[50].startswith("T-0050 · ")
    assert lines[51] == "… and 30 more (the oldest are shown; answered topics leave the list)"
    assert len(lines) == 52
