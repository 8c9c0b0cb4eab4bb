"""Relayed events: each event's copy in the case's other room, in order, and the client
messages that wait for the case to be taken."""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.types import EventID, RoomID
from mautrix.util.async_db import Database

PENDING = ""  # target_room of a client message that waits for the case to be taken


@dataclass
class Mapped:
    source_room: RoomID
    source_event: EventID
    target_room: RoomID
    target_event: EventID | None


class EventMap:
    db: ClassVar[Database]

    @classmethod
    async def next_seq(cls, case_id: int) -> int | None:
        """Take the case's next event sequence number. One statement reads and counts up, so
        the workers of a case's two rooms, running at once, never get the same number (the
        unique index on ``(case_id, seq)`` holds it); None if the case is gone."""
        value = await cls.db.fetchval(
            "UPDATE consult_case SET next_seq = next_seq + 1 WHERE id=$1 RETURNING next_seq - 1",
            case_id,
        )
        return None if value is None else int(value)

    @classmethod
    async def add(
        cls,
        case_id: int,
        source_room: RoomID,
        source_event: EventID,
        target_room: str,
        target_event: EventID | None,
        body: str | None = None,
        sent_at: int | None = None,
    ) -> None:
        """Record a relayed (or pending) event with the case's next sequence number."""
        seq = await cls.next_seq(case_id)
        if seq is None:
            return  # the case is gone (removed with its client): nothing left to order
        await cls.db.execute(
            "INSERT INTO event_map (case_id, source_room, source_event, target_room, "
            "target_event, seq, body, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (source_event, target_room) DO UPDATE SET target_event=$5",
            case_id,
            source_room,
            source_event,
            target_room,
            target_event,
            seq,
            body,
            sent_at,
        )

    @classmethod
    async def forget_body(cls, event_id: EventID) -> None:
        """A redacted message leaves no text behind for search or transcripts."""
        await cls.db.execute(
            "UPDATE event_map SET body=NULL WHERE source_event=$1 OR target_event=$1", event_id
        )

    @classmethod
    async def transcript(cls, case_id: int, client_room: RoomID) -> list[tuple[bool, int, str]]:
        """(from the client, when, text) of every relayed message of the case, in order."""
        rows = await cls.db.fetch(
            "SELECT source_room, sent_at, body FROM event_map WHERE case_id=$1 "
            "AND body IS NOT NULL ORDER BY seq",
            case_id,
        )
        return [(r["source_room"] == client_room, r["sent_at"] or 0, r["body"]) for r in rows]

    @classmethod
    async def copy_of(cls, source_event: EventID, room_id: RoomID) -> EventID | None:
        """The copy of ``source_event`` sent in ``room_id`` (never the other way round)."""
        found = await cls.db.fetchval(
            "SELECT target_event FROM event_map WHERE source_event=$1 AND target_room=$2",
            source_event,
            room_id,
        )
        return EventID(found) if found else None

    @classmethod
    async def counterpart(cls, event_id: EventID, room_id: RoomID) -> EventID | None:
        """The copy of ``event_id`` in ``room_id``, or the original it was copied from."""
        copy = await cls.copy_of(event_id, room_id)
        if copy:
            return copy
        found = await cls.db.fetchval(
            "SELECT source_event FROM event_map WHERE target_event=$1 AND source_room=$2",
            event_id,
            room_id,
        )
        return EventID(found) if found else None

    @classmethod
    async def pending(cls, case_id: int) -> list[Mapped]:
        rows = await cls.db.fetch(
            "SELECT source_room, source_event, target_room, target_event FROM event_map "
            "WHERE case_id=$1 AND target_room=$2 ORDER BY seq",
            case_id,
            PENDING,
        )
        return [Mapped(**dict(row)) for row in rows]

    @classmethod
    async def drop_pending(cls, case_id: int, source_event: EventID) -> None:
        await cls.db.execute(
            "DELETE FROM event_map WHERE case_id=$1 AND source_event=$2 AND target_room=$3",
            case_id,
            source_event,
            PENDING,
        )

    @classmethod
    async def relayed_sources(cls, case_id: int, source_room: RoomID) -> list[EventID]:
        rows = await cls.db.fetch(
            "SELECT source_event FROM event_map WHERE case_id=$1 AND source_room=$2 ORDER BY seq",
            case_id,
            source_room,
        )
        return [EventID(row["source_event"]) for row in rows]
