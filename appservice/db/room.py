"""Every room soudan made: its kind, its tenant and what in the tenant it belongs to.

Handling an event starts with one look-up here; the kind says which handler takes it.
"""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.types import RoomID, UserID
from mautrix.util.async_db import Database

CONTROL = "control"  # the platform's control room
SPACE = "space"  # a tenant's space
ADMIN_ROOM = "admin"  # a tenant's admin room
STAFF_ROOM = "staff"  # a tenant's staff room
BOARD = "board"  # a tenant's board room for operators
DESK = "desk"  # a client's room with the tenant's desk (client_id)
CLIENT_BOARD = "client_board"  # a client's board room (client_id)
CASE = "case"  # a case room on the operators' side (case_id)
PRIVATE = "private"  # an operator's private room with the bot (user_id)
GROUP = "group"  # a group's room (group_id)
KINDS = (CONTROL, SPACE, ADMIN_ROOM, STAFF_ROOM, BOARD, DESK, CLIENT_BOARD, CASE, PRIVATE, GROUP)

_COLUMNS = "room_id, kind, tenant_id, client_id, case_id, group_id, user_id"


@dataclass
class Room:
    db: ClassVar[Database]

    room_id: RoomID
    kind: str
    tenant_id: int | None = None
    client_id: int | None = None
    case_id: int | None = None
    group_id: int | None = None
    user_id: UserID | None = None

    @classmethod
    async def get(cls, room_id: RoomID) -> Room | None:
        row = await cls.db.fetchrow(f"SELECT {_COLUMNS} FROM room WHERE room_id=$1", room_id)
        return cls(**row) if row else None

    @classmethod
    async def any_known(cls) -> bool:
        """Whether soudan has made any room yet: a database it has run on has its control
        room at least."""
        return bool(await cls.db.fetchval("SELECT EXISTS (SELECT 1 FROM room)"))

    @classmethod
    async def add(
        cls,
        room_id: RoomID,
        kind: str,
        tenant_id: int | None = None,
        *,
        client_id: int | None = None,
        case_id: int | None = None,
        group_id: int | None = None,
        user_id: UserID | None = None,
    ) -> Room:
        """Registers a room just made; registering it again changes nothing."""
        assert kind in KINDS, kind
        room = cls(room_id, kind, tenant_id, client_id, case_id, group_id, user_id)
        await cls.db.execute(
            f"INSERT INTO room ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (room_id) DO NOTHING",
            room.room_id,
            room.kind,
            room.tenant_id,
            room.client_id,
            room.case_id,
            room.group_id,
            room.user_id,
        )
        return room

    @classmethod
    async def of_user(cls, tenant_id: int, user_id: UserID) -> list[RoomID]:
        """The rooms of the tenant made for one staff member (their private room)."""
        rows = await cls.db.fetch(
            "SELECT room_id FROM room WHERE tenant_id=$1 AND user_id=$2", tenant_id, user_id
        )
        return [RoomID(row["room_id"]) for row in rows]

    @classmethod
    async def of_tenant(cls, tenant_id: int) -> list[RoomID]:
        """Every room soudan made for the tenant, its space last."""
        rows = await cls.db.fetch(
            "SELECT room_id FROM room WHERE tenant_id=$1 "
            "ORDER BY CASE WHEN kind='space' THEN 1 ELSE 0 END, room_id",
            tenant_id,
        )
        return [RoomID(row["room_id"]) for row in rows]
