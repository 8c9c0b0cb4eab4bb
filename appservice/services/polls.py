"""Polls from the desk (a rating, the intake question) that clients without polls can answer
with a plain number."""

from __future__ import annotations

from typing import Any, cast

from mautrix.types import EventID, EventType, RoomID

from ..context import Context
from ..db.tenant import Tenant

POLL_START = "org.matrix.msc3381.poll.start"
POLL_RESPONSES = ("org.matrix.msc3381.poll.response", "m.poll.response")


async def send_poll(
    ctx: Context,
    tenant: Tenant,
    room_id: RoomID,
    question: str,
    choices: list[tuple[str, str]],
    note: str,
    *,
    key: str,
) -> EventID:
    """A poll from the desk, whose text fallback lets clients without polls answer too."""
    fallback = "\n".join([question, *(f"{id_}. {label}" for id_, label in choices), note])
    content = {
        POLL_START: {
            "kind": "org.matrix.msc3381.poll.disclosed",
            "max_selections": 1,
            "question": {"org.matrix.msc1767.text": question},
            "answers": [{"id": id_, "org.matrix.msc1767.text": label} for id_, label in choices],
        },
        "org.matrix.msc1767.text": fallback,
        "body": fallback,
    }
    return await ctx.desk(tenant.slug).send_message_event(
        room_id,
        EventType.find(POLL_START, EventType.Class.MESSAGE),
        cast(Any, content),
        txn_id=f"soudan-poll-{key}",
    )


def chosen_answer(raw: dict[str, Any], poll: EventID) -> str | None:
    """A poll answer to ``poll``, or a message that is just a number (for clients without
    polls); None for anything else."""
    content = raw.get("content", {})
    if raw["type"] in POLL_RESPONSES:
        if content.get("m.relates_to", {}).get("event_id") != poll:
            return None
        answer = content.get("org.matrix.msc3381.poll.response", {}).get("answers") or content.get(
            "m.selections"
        )
        return str(answer[0]) if isinstance(answer, list) and answer else None
    if raw["type"] != "m.room.message":
        return None
    body = str(content.get("body", "")).strip()
    return body.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
