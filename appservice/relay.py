"""Copying events between a client's room and the case room, without leaking identities.

A copy never carries what would name the other side: reply fallbacks (they quote the
original sender's Matrix ID), mentions, and relations point at the copies in the target room.
"""

from __future__ import annotations

import copy
import logging
import re
from contextvars import ContextVar
from typing import Any, cast

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError
from mautrix.types import EventID, EventType, PaginationDirection, RoomID

from .bot import txn_for
from .db import EventMap

log = logging.getLogger("soudan.relay")

_REPLY_FALLBACK_HTML = re.compile(r"^<mx-reply>.*?</mx-reply>", re.S)
RELAYED_MESSAGE_TYPES = {
    "m.text",
    "m.notice",
    "m.emote",
    "m.image",
    "m.file",
    "m.audio",
    "m.video",
}


def strip_reply_fallback(content: dict[str, Any]) -> None:
    body = content.get("body")
    if isinstance(body, str) and body.startswith("> "):
        lines = body.split("\n")
        while lines and lines[0].startswith("> "):
            lines.pop(0)
        if lines and lines[0] == "":
            lines.pop(0)
        content["body"] = "\n".join(lines)
    html = content.get("formatted_body")
    if isinstance(html, str):
        content["formatted_body"] = _REPLY_FALLBACK_HTML.sub("", html)


async def _map(event_id: Any, target_room: RoomID) -> EventID | None:
    return await EventMap.counterpart(EventID(event_id), target_room) if event_id else None


async def convert(content: dict[str, Any], target_room: RoomID) -> dict[str, Any] | None:
    """The content to send in ``target_room``, or None when it cannot be relayed."""
    out = copy.deepcopy(content)
    out.pop("m.mentions", None)
    out.pop(MARK_KEY, None)
    strip_reply_fallback(out)
    new_content = out.get("m.new_content")
    if isinstance(new_content, dict):
        new_content.pop("m.mentions", None)
    relates = out.pop("m.relates_to", None)
    if not isinstance(relates, dict):
        return out
    rel_type = relates.get("rel_type")
    if rel_type in ("m.replace", "m.annotation", "m.reference"):
        target = await _map(relates.get("event_id"), target_room)
        if target is None:
            return None  # an edit or reaction of something that was never relayed
        mapped: dict[str, Any] = {"rel_type": rel_type, "event_id": target}
        if rel_type == "m.annotation":
            mapped["key"] = relates.get("key")
        out["m.relates_to"] = mapped
        return out
    reply = relates.get("m.in_reply_to", {})
    target = await _map(reply.get("event_id") if isinstance(reply, dict) else None, target_room)
    if target is not None:
        out["m.relates_to"] = {"m.in_reply_to": {"event_id": target}}
    return out


def text_of(content: dict[str, Any]) -> str | None:
    """What a message says, for the history (an edit: its new text); None for the rest."""
    new_content = content.get("m.new_content")
    source = new_content if isinstance(new_content, dict) else content
    body = source.get("body")
    if not isinstance(body, str) or source.get("msgtype") not in RELAYED_MESSAGE_TYPES:
        return None
    return body


# Set by the dispatcher when an event may have been handled before (a retry, or work left over
# from before a restart): then a send may already have happened even though no answer came.
maybe_sent: ContextVar[bool] = ContextVar("maybe_sent", default=False)
# Each copy carries an opaque mark derived from its source, so an earlier send can be found.
MARK_KEY = "fi.soudan.relay"
LOOK_BACK = 300


async def _find_marked(intent: IntentAPI, room_id: RoomID, mark: str) -> EventID | None:
    # No answer here is no licence to send: the error makes the event wait and try again.
    page = await intent.get_messages(room_id, PaginationDirection.BACKWARD, limit=LOOK_BACK)
    for event in page.events:  # type: ignore[attr-defined]
        content = event.serialize().get("content", {})
        if event.sender == intent.mxid and content.get(MARK_KEY) == mark:
            return EventID(event.event_id)
    return None


async def send_once(
    intent: IntentAPI,
    target_room: RoomID,
    source_event: EventID,
    event_type: str,
    content: dict[str, Any],
) -> EventID:
    """Send ``content`` as the copy of ``source_event`` in ``target_room``, once: a retry of
    the same source finds the earlier copy by its mark instead of sending again."""
    txn_id = txn_for(source_event, target_room)
    content[MARK_KEY] = txn_id
    event_id = await _find_marked(intent, target_room, txn_id) if maybe_sent.get() else None
    if event_id is None:
        # The homeserver deduplicates a repeated transaction ID while it runs; the mark
        # covers a homeserver restart in between.
        event_id = await intent.send_message_event(
            target_room,
            EventType.find(event_type, EventType.Class.MESSAGE),
            cast(Any, content),  # raw content: relayed as it came, not re-modelled
            txn_id=txn_id,
        )
    return event_id


async def relay(
    intent: IntentAPI,
    case_id: int,
    source_room: RoomID,
    source_event: EventID,
    event_type: str,
    content: dict[str, Any],
    target_room: RoomID,
    sent_at: int | None = None,
) -> EventID | None:
    """Send the copy (at most once per source event and target room) and record it, with its
    text for the case's history."""
    existing = await EventMap.counterpart(source_event, target_room)
    if existing:
        return existing
    converted = await convert(content, target_room)
    if converted is None:
        return None
    event_id = await send_once(intent, target_room, source_event, event_type, converted)
    await EventMap.add(
        case_id, source_room, source_event, target_room, event_id, text_of(converted), sent_at
    )
    return event_id


async def relay_redaction(
    intent: IntentAPI, redacted: EventID | None, target_room: RoomID
) -> None:
    target = await _map(redacted, target_room)
    if target is None:
        return
    try:
        await intent.redact(target_room, target)
    except MatrixError as e:
        log.warning("Could not relay a redaction: %s", e)
