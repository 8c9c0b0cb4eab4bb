"""Operators' slots: the times clients can book a session in."""

from __future__ import annotations

from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Connection, Database

from .booking import BOOKING_COLUMNS, Booking, _Rollback

SLOT_COLUMNS = (
    "id, tenant_id, number, operator_id, series, starts_at, ends_at, capacity, booked, "
    "created_at, removed_at"
)
# The operator's first slot (other than $5) that overlaps [$3, $4).
_OVERLAPPING = (
    f"SELECT {SLOT_COLUMNS} FROM slot WHERE tenant_id=$1 AND operator_id=$2 "
    "AND removed_at IS NULL AND starts_at < $4 AND ends_at > $3 AND id <> $5 "
    "ORDER BY starts_at LIMIT 1"
)


@dataclass
class Slot:
    db: ClassVar[Database]

    id: int
    tenant_id: int
    number: int
    operator_id: UserID
    series: str | None
    starts_at: int
    ends_at: int
    capacity: int
    booked: int
    created_at: int
    removed_at: int | None

    @property
    def free(self) -> int:
        return self.capacity - self.booked

    @classmethod
    def _from_row(cls, row: Any) -> Slot | None:
        return cls(**dict(row)) if row else None

    @classmethod
    async def insert_many(
        cls,
        tenant_id: int,
        operator: UserID,
        series: str | None,
        times: list[tuple[int, int]],
        capacity: int,
        now: int,
    ) -> list[Slot] | tuple[Slot, int, int]:
        """Every occurrence; or none, and the operator's slot that one of them (its start and
        end follow) would overlap.

        The first statement takes the slot numbers, which locks the tenant's row (PostgreSQL)
        or the database (SQLite) until the end; the overlap checks after it see every slot
        committed before, so two additions at once cannot both place overlapping slots."""
        conn: Connection
        made: list[Slot] = []
        try:
            async with cls.db.acquire() as conn, conn.transaction():
                first = await conn.fetchval(
                    "UPDATE tenant SET next_slot=next_slot+$2 WHERE id=$1 RETURNING next_slot-$2",
                    tenant_id,
                    len(times),
                )
                for number, (starts_at, ends_at) in enumerate(times, start=int(first)):
                    clash = await conn.fetchrow(
                        _OVERLAPPING, tenant_id, operator, starts_at, ends_at, 0
                    )
                    if clash:
                        raise _Rollback((cls(**dict(clash)), starts_at, ends_at))
                    row = await conn.fetchrow(
                        "INSERT INTO slot (tenant_id, number, operator_id, series, starts_at, "
                        "ends_at, capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                        f"RETURNING {SLOT_COLUMNS}",
                        tenant_id,
                        number,
                        operator,
                        series,
                        starts_at,
                        ends_at,
                        capacity,
                        now,
                    )
                    made.append(cls(**dict(row)))
        except _Rollback as clash:
            assert isinstance(clash.found, tuple)
            return clash.found
        return made

    @classmethod
    async def overlapping(
        cls, tenant_id: int, operator: UserID, starts_at: int, ends_at: int, other_than: int = 0
    ) -> Slot | None:
        return cls._from_row(
            await cls.db.fetchrow(
                _OVERLAPPING, tenant_id, operator, starts_at, ends_at, other_than
            )
        )

    @classmethod
    async def by_number(cls, tenant_id: int, number: int) -> Slot | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {SLOT_COLUMNS} FROM slot WHERE tenant_id=$1 AND number=$2",
                tenant_id,
                number,
            )
        )

    @classmethod
    async def get(cls, slot_id: int) -> Slot | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {SLOT_COLUMNS} FROM slot WHERE id=$1", slot_id)
        )

    @classmethod
    async def between(
        cls,
        tenant_id: int,
        start: int,
        end: int,
        operator: UserID | None = None,
        free_only: bool = False,
        limit: int = 500,
    ) -> list[Slot]:
        """Slots starting in [start, end), of one operator or all, in time order."""
        where = "tenant_id=$1 AND removed_at IS NULL AND starts_at >= $2 AND starts_at < $3"
        params: list[Any] = [tenant_id, start, end]
        if operator is not None:
            params.append(operator)
            where += f" AND operator_id=${len(params)}"
        if free_only:
            where += " AND booked < capacity"
        rows = await cls.db.fetch(
            f"SELECT {SLOT_COLUMNS} FROM slot WHERE {where} ORDER BY starts_at, number "
            f"LIMIT {int(limit)}",
            *params,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def of_series(cls, tenant_id: int, series: str, after: int) -> list[Slot]:
        rows = await cls.db.fetch(
            f"SELECT {SLOT_COLUMNS} FROM slot WHERE tenant_id=$1 AND series=$2 "
            "AND removed_at IS NULL AND starts_at >= $3 ORDER BY starts_at",
            tenant_id,
            series,
            after,
        )
        return [cls(**dict(row)) for row in rows]

    async def move(self, starts_at: int, ends_at: int, now: int) -> list[Booking]:
        """The slot and its bookings move together; each booking's calendar sequence goes up.
        Returns the bookings moved."""
        conn: Connection
        async with self.db.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE slot SET starts_at=$2, ends_at=$3 WHERE id=$1", self.id, starts_at, ends_at
            )
            rows = await conn.fetch(
                "UPDATE booking SET starts_at=$2, ends_at=$3, changed_at=$4, sequence=sequence+1 "
                f"WHERE slot_id=$1 AND status='booked' RETURNING {BOOKING_COLUMNS}",
                self.id,
                starts_at,
                ends_at,
                now,
            )
        self.starts_at, self.ends_at = starts_at, ends_at
        return sorted((Booking(**dict(row)) for row in rows), key=lambda b: b.number)

    async def remove(self, now: int) -> None:
        self.removed_at = now
        await self.db.execute("UPDATE slot SET removed_at=$2 WHERE id=$1", self.id, now)
