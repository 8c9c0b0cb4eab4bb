"""Where each board topic and post is shown: originals, copies and browsed pages."""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.types import EventID, RoomID
from mautrix.util.async_db import Database


@dataclass
class Shown:
    """One event that shows a topic or a post somewhere: an original, a copy (``source``:
    the event it copies) or a page a client browsed (no source)."""

    db: ClassVar[Database]

    room_id: RoomID
    event_id: EventID
    topic_id: int
    post_id: int | None = None
    source_event: EventID | None = None

    async def add(self) -> None:
        """Record it once: a retried event adds nothing."""
        known = await self.db.fetchval(
            "SELECT 1 FROM board_event WHERE room_id=$1 AND event_id=$2 AND topic_id=$3 "
            "AND COALESCE(post_id, 0)=$4",
            self.room_id,
            self.event_id,
            self.topic_id,
            self.post_id or 0,
        )
        if known:
            return
        await self.db.execute(
            "INSERT INTO board_event (room_id, event_id, topic_id, post_id, source_event) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            self.room_id,
            self.event_id,
            self.topic_id,
            self.post_id,
            self.source_event,
        )

    @classmethod
    async def copy_of(cls, source: EventID, room_id: RoomID) -> EventID | None:
        found = await cls.db.fetchval(
            "SELECT event_id FROM board_event WHERE source_event=$1 AND room_id=$2",
            source,
            room_id,
        )
        return EventID(found) if found else None

    @classmethod
    async def find(cls, room_id: RoomID, event_id: EventID) -> list[Shown]:
        rows = await cls.db.fetch(
            "SELECT room_id, event_id, topic_id, post_id, source_event FROM board_event "
            "WHERE room_id=$1 AND event_id=$2",
            room_id,
            event_id,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def of_topic(cls, topic_id: int) -> list[Shown]:
        rows = await cls.db.fetch(
            "SELECT room_id, event_id, topic_id, post_id, source_event FROM board_event "
            "WHERE topic_id=$1",
            topic_id,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def of_post(cls, post_id: int) -> list[Shown]:
        rows = await cls.db.fetch(
            "SELECT room_id, event_id, topic_id, post_id, source_event FROM board_event "
            "WHERE post_id=$1",
            post_id,
        )
        return [cls(**dict(row)) for row in rows]
