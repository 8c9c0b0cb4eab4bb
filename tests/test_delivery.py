"""Transactions: stored before they are answered, each event handled once, in room order."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import aiohttp
from mautrix.util.async_db import Database

from .conftest import Stack
from .matrix import User, count, reply_to, settle
from .transactions import put_transaction, text_event


def _command_event(stack: Stack, room_id: str, body: str) -> dict[str, Any]:
    return text_event(room_id, stack.admin_id, body)


async def test_same_transaction_twice_has_one_effect(stack: Stack, admin: User) -> None:
    room_id = stack.control_room()
    event = _command_event(stack, room_id, "!help")
    txn_id = f"txn-{uuid.uuid4().hex}"
    assert await put_transaction(stack, txn_id, [event]) == (200, {})
    assert await put_transaction(stack, txn_id, [event]) == (200, {})
    await admin.wait_for(reply_to(event["event_id"], room_id))
    await settle(admin)
    assert count(admin, reply_to(event["event_id"])) == 1


async def test_same_event_in_another_transaction_has_one_effect(stack: Stack, admin: User) -> None:
    room_id = stack.control_room()
    event = _command_event(stack, room_id, "!help")
    assert (await put_transaction(stack, f"a-{uuid.uuid4().hex}", [event]))[0] == 200
    assert (await put_transaction(stack, f"b-{uuid.uuid4().hex}", [event]))[0] == 200
    await admin.wait_for(reply_to(event["event_id"], room_id))
    await settle(admin)
    assert count(admin, reply_to(event["event_id"])) == 1


async def test_reused_transaction_id_with_new_events_is_not_dropped(
    stack: Stack, admin: User
) -> None:
    # Synapse on SQLite numbers transactions from 1 again after it restarts.
    room_id = stack.control_room()
    txn_id = f"txn-{uuid.uuid4().hex}"
    first = _command_event(stack, room_id, "!help")
    second = _command_event(stack, room_id, "!help help")
    assert (await put_transaction(stack, txn_id, [first]))[0] == 200
    assert (await put_transaction(stack, txn_id, [second]))[0] == 200
    await admin.wait_for(reply_to(first["event_id"], room_id))
    await admin.wait_for(reply_to(second["event_id"], room_id))


async def test_events_of_one_room_are_handled_in_order(stack: Stack, admin: User) -> None:
    room_id = stack.control_room()
    events = [_command_event(stack, room_id, f"!nosuchcommand{i}") for i in range(8)]
    assert (await put_transaction(stack, f"t-{uuid.uuid4().hex}", events))[0] == 200
    start = len(admin.events)
    await admin.wait_for(reply_to(events[-1]["event_id"], room_id), since=start)
    await settle(admin, 1)
    answered = [
        e["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
        for _, e in admin.events[start:]
        if "m.in_reply_to" in e.get("content", {}).get("m.relates_to", {})
    ]
    assert answered == [e["event_id"] for e in events]


async def test_wrong_token_and_bad_body_are_refused(stack: Stack) -> None:
    status, body = await put_transaction(stack, "x", [], token="wrong")
    assert status == 401 and body["errcode"] == "M_UNKNOWN_TOKEN"
    url = f"{stack.soudan.url}/_matrix/app/v1/transactions/y"
    headers = {"Authorization": f"Bearer {stack.config['appservice.hs_token']}"}
    async with (
        aiohttp.ClientSession() as session,
        session.put(url, data=b"{not json", headers=headers) as response,
    ):
        assert response.status == 400
        assert (await response.json())["errcode"] == "M_BAD_JSON"


async def test_messages_sent_while_soudan_is_down_are_answered_after_restart(
    stack: Stack, admin: User
) -> None:
    room_id = stack.control_room()
    stack.soudan_service.stop()
    event_id = await admin.send_text(room_id, "!help")
    await asyncio.sleep(0.5)
    stack.restart_soudan()
    # Synapse retries the failed transaction with a backoff of a few seconds.
    await admin.wait_for(reply_to(event_id, room_id), timeout=60)
    assert stack.control_room() == room_id  # the restart reused the control room
    await settle(admin)
    assert count(admin, reply_to(event_id)) == 1


async def test_an_event_committed_late_with_a_lower_number_is_still_handled(
    stack: Stack, admin: User
) -> None:
    # On PostgreSQL a stored event can commit after one stored later (catch-up and a
    # transaction at once), so the inbox holds a lower number the dispatcher has read past.
    room_id = stack.control_room()
    first = _command_event(stack, room_id, "!help")
    assert (await put_transaction(stack, f"t-{uuid.uuid4().hex}", [first]))[0] == 200
    await admin.wait_for(reply_to(first["event_id"], room_id))
    late = _command_event(stack, room_id, "!help help")
    db = Database.create(stack.config["database.url"])
    await db.start()
    try:
        lowest = await db.fetchval("SELECT MIN(seq) FROM inbox")
        await db.execute(
            "INSERT INTO inbox (seq, event_id, room_id, raw, received_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            min(int(lowest), 0) - 1,
            late["event_id"],
            room_id,
            json.dumps(late),
            int(time.time() * 1000),
        )
    finally:
        await db.stop()
    wake = _command_event(stack, room_id, "!help status")  # a new transaction wakes the reader
    assert (await put_transaction(stack, f"t-{uuid.uuid4().hex}", [wake]))[0] == 200
    await admin.wait_for(reply_to(wake["event_id"], room_id))
    await admin.wait_for(reply_to(late["event_id"], room_id))
