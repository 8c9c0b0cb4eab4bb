"""Copying events between a client's room and the case room, without leaking identities.

What a copy may carry is the leak filter's decision (``leak.filter_event``): this module
maps its relations to the copies in the target room, sends it once, and records it with its
filtered text for the case's history.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any, cast

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError, MatrixStandardRequestError
from mautrix.types import EventID, EventType, PaginationDirection, RoomID, UserID

from . import leak, metrics
from .bot import txn_for
from .db import EventMap
from .i18n import Lang, number, t
from .leak import Receiver, Refusal

log = logging.getLogger("soudan.relay")


async def _map(event_id: Any, target_room: RoomID) -> EventID | None:
    return await EventMap.counterpart(EventID(event_id), target_room) if event_id else None


async def _mapped(content: dict[str, Any], target_room: RoomID) -> dict[str, Any] | None:
    """The filtered ``content`` with its relation pointing at the copies in ``target_room``,
    or None when it is an edit, reaction or reference of something that was never relayed."""
    relates = content.pop("m.relates_to", None)
    if not isinstance(relates, dict):
        return content
    rel_type = relates.get("rel_type")
    if rel_type in ("m.replace", "m.annotation", "m.reference"):
        target = await _map(relates.get("event_id"), target_room)
        if target is None:
            return None
        content["m.relates_to"] = {**relates, "event_id": target}
        return content
    reply = relates.get("m.in_reply_to", {})
    target = await _map(reply.get("event_id") if isinstance(reply, dict) else None, target_room)
    if target is not None:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": target}}
    return content


async def own_edit(
    intent: IntentAPI, room_id: RoomID, content: dict[str, Any], sender: UserID
) -> bool:
    """Whether ``content`` edits an event that ``sender`` sent (``intent`` must see the room).
    An event that cannot be read counts as someone else's."""
    edited = leak.edited_event(content)
    if edited is None:
        return False
    try:
        original = await intent.get_event(room_id, EventID(edited))
    except MatrixError as e:
        log.debug("The edited event could not be read: %s", e)
        return False
    return original.sender == sender


def refusal_text(lang: Lang, refusal: Refusal) -> str:
    """What the sender of a refused event is told, in ``lang`` (once per refused event:
    counted here)."""
    metrics.RELAY_REFUSED.labels(reason=refusal.key.rsplit(".", 1)[-1]).inc()
    params = {
        key: number(lang, value) if isinstance(value, int) else value
        for key, value in refusal.params.items()
    }
    return t(lang, refusal.key, **params)


def receiver(lang: Lang, names: dict[str, str]) -> Receiver:
    """The receiver of a copy who knows the users in ``names`` by those names and nobody
    else (they are "someone" in ``lang``)."""
    return Receiver(names.get, t(lang, "relay.someone"))


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
    to: Receiver,
    *,
    own_edit: bool = False,
    sent_at: int | None = None,
) -> EventID | Refusal | None:
    """Send the copy of an event for ``to`` (at most once per source event and target room)
    and record it, with its filtered text for the case's history. A Refusal says why it may
    not be copied (the sender is to be told); None: it relates to nothing that was copied."""
    existing = await EventMap.counterpart(source_event, target_room)
    if existing:
        return existing
    kind = metrics.event_kind(event_type, content)
    result = leak.filter_event(event_type, content, to, own_edit=own_edit)
    if isinstance(result, Refusal):
        return result
    converted = await _mapped(result.content, target_room)
    if converted is None:
        return None
    try:
        event_id = await send_once(intent, target_room, source_event, result.event_type, converted)
    except MatrixStandardRequestError as e:
        if e.errcode != "M_TOO_LARGE":
            metrics.RELAY_FAILURES.labels(kind=kind).inc()
            raise
        # Past the filter's budget after all: refused like any copy too large, at once.
        size = leak.content_size(converted)
        return Refusal(leak.REFUSED_SIZE, {"size": size, "limit": leak.MAX_CONTENT_BYTES})
    except Exception:
        metrics.RELAY_FAILURES.labels(kind=kind).inc()
        raise
    metrics.RELAYED.labels(kind=kind).inc()
    await EventMap.add(
        case_id, source_room, source_event, target_room, event_id, result.text, sent_at
    )
    return event_id


async def relay_redaction(
    intent: IntentAPI, redacted: EventID | None, target_room: RoomID
) -> bool:
    """Take back the copy of a message its sender redacted; whether there was one. Only copies
    go: redacting the copy of the other side's message removes it on this side alone, never
    their original."""
    target = await EventMap.copy_of(EventID(redacted), target_room) if redacted else None
    if target is None:
        return False
    try:
        await intent.redact(target_room, target)
    except MatrixError as e:
        metrics.RELAY_FAILURES.labels(kind="redaction").inc()
        log.warning("Could not relay a redaction: %s", e)
    else:
        metrics.RELAYED.labels(kind="redaction").inc()
    return True
