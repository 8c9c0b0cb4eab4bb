"""Tickets: follow-up work opened from a case."""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Connection, Database


@dataclass
class Ticket:
    """Follow-up work opened from a case; it keeps the case's number and history."""

    db: ClassVar[Database]

    id: int
    tenant_id: int
    number: int
    case_id: int
    title: str
    body: str
    status: str
    created_by: UserID
    created_at: int
    closed_at: int | None

    _COLUMNS: ClassVar[str] = (
        "id, tenant_id, number, case_id, title, body, status, created_by, created_at, closed_at"
    )

    @classmethod
    async def by_number(cls, tenant_id: int, number: int) -> Ticket | None:
        row = await cls.db.fetchrow(
            f"SELECT {cls._COLUMNS} FROM ticket WHERE tenant_id=$1 AND number=$2",
            tenant_id,
            number,
        )
        return cls(**dict(row)) if row else None

    @classmethod
    async def of_tenant(cls, tenant_id: int, status: str | None = None) -> list[Ticket]:
        rows = await cls.db.fetch(
            f"SELECT {cls._COLUMNS} FROM ticket WHERE tenant_id=$1 ORDER BY number", tenant_id
        )
        found = [cls(**dict(row)) for row in rows]
        return [t for t in found if status is None or t.status == status]

    @classmethod
    async def open_new(
        cls, tenant_id: int, case_id: int, title: str, body: str, author: UserID, now: int
    ) -> Ticket:
        conn: Connection
        async with cls.db.acquire() as conn, conn.transaction():
            number = await conn.fetchval(
                "UPDATE tenant SET next_ticket=next_ticket+1 WHERE id=$1 RETURNING next_ticket-1",
                tenant_id,
            )
            row = await conn.fetchrow(
                "INSERT INTO ticket (tenant_id, number, case_id, title, body, status, "
                "created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) "
                f"RETURNING {cls._COLUMNS}",
                tenant_id,
                number,
                case_id,
                title,
                body,
                author,
                now,
            )
        return cls(**dict(row))

    async def save(self) -> None:
        await self.db.execute(
            "UPDATE ticket SET status=$2, closed_at=$3 WHERE id=$1",
            self.id,
            self.status,
            self.closed_at,
        )
