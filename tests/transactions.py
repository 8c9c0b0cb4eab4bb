"""Posting transactions to soudan the way the homeserver does, for delivery tests."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import aiohttp

from .conftest import Stack


def text_event(room_id: str, sender: str, body: str) -> dict[str, Any]:
    """A message event as a homeserver would put it in a transaction (with a fresh ID)."""
    return {
        "event_id": f"$test-{uuid.uuid4().hex}",
        "room_id": room_id,
        "sender": sender,
        "type": "m.room.message",
        "origin_server_ts": int(time.time() * 1000),
        "content": {"msgtype": "m.text", "body": body},
        "unsigned": {"age": 1},
    }


async def put_transaction(
    stack: Stack, txn_id: str, events: list[dict[str, Any]], token: str | None = None
) -> tuple[int, Any]:
    url = f"{stack.soudan.url}/_matrix/app/v1/transactions/{txn_id}"
    headers = {"Authorization": f"Bearer {token or stack.config['appservice.hs_token']}"}
    async with (
        aiohttp.ClientSession() as session,
        session.put(url, data=json.dumps({"events": events}), headers=headers) as response,
    ):
        return response.status, await response.json()
