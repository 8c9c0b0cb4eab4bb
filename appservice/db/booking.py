"""Clients' bookings: a place in a slot, and after the session, the session's record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from attr import dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Connection, Database

if TYPE_CHECKING:
    from .slot import Slot

BOOKING_COLUMNS = (
    "id, tenant_id, number, slot_id, client_id, client_alias, operator_id, starts_at, ends_at, "
    "status, created_at, changed_at, uid, sequence, video_room"
)
BOOKED, CANCELLED, DONE, NO_SHOW = "booked", "cancelled", "done", "no_show"
STATUSES = (BOOKED, CANCELLED, DONE, NO_SHOW)


class _Rollback(Exception):
    """Leaves a transaction with nothing written, and says what was found."""

    def __init__(self, found: object) -> None:
        super().__init__()
        self.found = found


@dataclass
class Booking:
    """A client's place in a slot; after the session, the session's record."""

    db: ClassVar[Database]

    id: int
    tenant_id: int
    number: int
    slot_id: int
    client_id: int | None
    client_alias: str
    operator_id: UserID
    starts_at: int
    ends_at: int
    status: str
    created_at: int
    changed_at: int
    uid: str
    sequence: int
    video_room: str

    @property
    def minutes(self) -> int:
        return (self.ends_at - self.starts_at) // 60_000

    @classmethod
    def _from_row(cls, row: Any) -> Booking | None:
        return cls(**dict(row)) if row else None

    @classmethod
    async def take(
        cls,
        slot: Slot,
        client_id: int,
        client_alias: str,
        uid: str,
        video_room: str,
        now: int,
    ) -> Booking | str:
        """Book a place, or say why not ("taken", "twice", "gone").

        The place is taken by one UPDATE that only matches while the slot has room, so two
        clients booking the last place at once cannot both get it, on either database."""
        conn: Connection
        try:
            async with cls.db.acquire() as conn, conn.transaction():
                row = await conn.fetchrow(
                    "UPDATE slot SET booked=booked+1 WHERE id=$1 AND removed_at IS NULL "
                    "AND booked < capacity AND starts_at > $2 RETURNING starts_at, ends_at",
                    slot.id,
                    now,
                )
                # Once the UPDATE went through, the slot's row stays locked: a second booking
                # of this slot by the same client waits for this one, then finds it.
                twice = await conn.fetchval(
                    "SELECT 1 FROM booking WHERE slot_id=$1 AND client_id=$2 AND status='booked'",
                    slot.id,
                    client_id,
                )
                if twice:
                    raise _Rollback("twice")
                if row is None:
                    raise _Rollback("taken")
                number = await conn.fetchval(
                    "UPDATE tenant SET next_booking=next_booking+1 WHERE id=$1 "
                    "RETURNING next_booking-1",
                    slot.tenant_id,
                )
                booking = await conn.fetchrow(
                    "INSERT INTO booking (tenant_id, number, slot_id, client_id, client_alias, "
                    "operator_id, starts_at, ends_at, created_at, changed_at, uid, video_room) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) "
                    f"RETURNING {BOOKING_COLUMNS}",
                    slot.tenant_id,
                    number,
                    slot.id,
                    client_id,
                    client_alias,
                    slot.operator_id,
                    row["starts_at"],
                    row["ends_at"],
                    now,
                    uid,
                    video_room,
                )
        except _Rollback as why:
            return str(why.found)
        return cls(**dict(booking))

    async def cancel(self, now: int) -> bool:
        """Cancel a booked session and give its place back. False when the booking was no
        longer booked (someone else cancelled or recorded it first)."""
        conn: Connection
        async with self.db.acquire() as conn, conn.transaction():
            changed = await conn.fetchval(
                "UPDATE booking SET status='cancelled', changed_at=$2, sequence=sequence+1 "
                "WHERE id=$1 AND status='booked' RETURNING sequence",
                self.id,
                now,
            )
            if changed is None:
                return False
            await conn.execute(
                "UPDATE slot SET booked=booked-1 WHERE id=$1 AND booked > 0", self.slot_id
            )
        self.status, self.changed_at, self.sequence = CANCELLED, now, int(changed)
        return True

    async def mark(self, status: str, now: int) -> bool:
        """Done or no-show, also correcting an earlier mark; never a cancelled booking (False)."""
        marked = await self.db.fetchval(
            "UPDATE booking SET status=$2, changed_at=$3 WHERE id=$1 AND status<>'cancelled' "
            "RETURNING id",
            self.id,
            status,
            now,
        )
        if marked is None:
            return False
        self.status, self.changed_at = status, now
        return True

    @classmethod
    async def get(cls, booking_id: int) -> Booking | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {BOOKING_COLUMNS} FROM booking WHERE id=$1", booking_id)
        )

    @classmethod
    async def by_number(cls, tenant_id: int, number: int) -> Booking | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {BOOKING_COLUMNS} FROM booking WHERE tenant_id=$1 AND number=$2",
                tenant_id,
                number,
            )
        )

    @classmethod
    async def of_slot(cls, slot_id: int) -> list[Booking]:
        rows = await cls.db.fetch(
            f"SELECT {BOOKING_COLUMNS} FROM booking WHERE slot_id=$1 AND status='booked' "
            "ORDER BY id",
            slot_id,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def of_client(cls, client_id: int, after: int) -> list[Booking]:
        rows = await cls.db.fetch(
            f"SELECT {BOOKING_COLUMNS} FROM booking WHERE client_id=$1 AND status='booked' "
            "AND ends_at > $2 ORDER BY starts_at",
            client_id,
            after,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def between(
        cls,
        tenant_id: int,
        start: int,
        end: int,
        operator: UserID | None = None,
        statuses: tuple[str, ...] = STATUSES,
    ) -> list[Booking]:
        where = "tenant_id=$1 AND starts_at >= $2 AND starts_at < $3"
        params: list[Any] = [tenant_id, start, end]
        if operator is not None:
            params.append(operator)
            where += f" AND operator_id=${len(params)}"
        marks = ", ".join(f"'{s}'" for s in statuses if s in STATUSES)
        rows = await cls.db.fetch(
            f"SELECT {BOOKING_COLUMNS} FROM booking WHERE {where} AND status IN ({marks}) "
            "ORDER BY starts_at, number",
            *params,
        )
        return [cls(**dict(row)) for row in rows]
