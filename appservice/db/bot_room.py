from __future__ import annotations

import time
from typing import ClassVar

from attr import dataclass
from mautrix.types import RoomID
from mautrix.util.async_db import Database


@dataclass
class BotRoom:
    """A room the bot created for a purpose (the platform control room, later tenant rooms)."""

    db: ClassVar[Database]

    room_id: RoomID
    kind: str
    created_at: int

    @classmethod
    async def get_by_kind(cls, kind: str) -> BotRoom | None:
        row = await cls.db.fetchrow(
            "SELECT room_id, kind, created_at FROM bot_room WHERE kind=$1 "
            "ORDER BY created_at LIMIT 1",
            kind,
        )
        return cls(**row) if row else None

    @classmethod
    async def insert(cls, room_id: RoomID, kind: str) -> BotRoom:
        room = cls(room_id=room_id, kind=kind, created_at=int(time.time() * 1000))
        await cls.db.execute(
            "INSERT INTO bot_room (room_id, kind, created_at) VALUES ($1, $2, $3)",
            room.room_id,
            room.kind,
            room.created_at,
        )
        return room
