from __future__ import annotations

from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import EventID, RoomID, UserID
from mautrix.util.async_db import Connection, Database

WAITING = "waiting"
ASSIGNED = "assigned"
CLOSED = "closed"
EXPIRED = "expired"
OPEN = (WAITING, ASSIGNED)
COLUMNS = (
    "id, tenant_id, client_id, number, status, operator_id, case_room, opened_at, assigned_at, "
    "first_response_at, closed_at, rating, rating_poll, nominee, team, intake_poll, category_id, "
    "intake_answer, last_reply_at, sent_back_by"
)


@dataclass
class Case:
    """One consultation: a client's messages from opening to close, and who handled it."""

    db: ClassVar[Database]

    id: int
    tenant_id: int
    client_id: int
    number: int
    status: str
    operator_id: UserID | None
    case_room: RoomID | None
    opened_at: int
    assigned_at: int | None
    first_response_at: int | None
    closed_at: int | None
    rating: int | None
    rating_poll: EventID | None
    nominee: UserID | None = None
    team: str | None = None
    intake_poll: EventID | None = None
    category_id: int | None = None
    intake_answer: str | None = None
    last_reply_at: int | None = None
    # Who sent the case back to the queue: routing passes over them until it is assigned.
    sent_back_by: UserID | None = None

    @property
    def handled(self) -> bool:
        """An operator answered (seed 003: a case nobody replied to counts as unhandled)."""
        return self.first_response_at is not None

    @classmethod
    def _from_row(cls, row: Any) -> Case | None:
        return cls(**dict(row)) if row else None

    @classmethod
    async def open_for(cls, client_id: int) -> Case | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {COLUMNS} FROM consult_case WHERE client_id=$1 "
                "AND status IN ('waiting', 'assigned') ORDER BY id DESC LIMIT 1",
                client_id,
            )
        )

    @classmethod
    async def last_closed_for(cls, client_id: int) -> Case | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {COLUMNS} FROM consult_case WHERE client_id=$1 AND status='closed' "
                "ORDER BY id DESC LIMIT 1",
                client_id,
            )
        )

    @classmethod
    async def by_room(cls, room_id: RoomID) -> Case | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {COLUMNS} FROM consult_case WHERE case_room=$1", room_id
            )
        )

    @classmethod
    async def by_number(cls, tenant_id: int, number: int) -> Case | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {COLUMNS} FROM consult_case WHERE tenant_id=$1 AND number=$2",
                tenant_id,
                number,
            )
        )

    @classmethod
    async def all_open(cls) -> list[Case]:
        rows = await cls.db.fetch(
            f"SELECT {COLUMNS} FROM consult_case WHERE status IN ('waiting', 'assigned')"
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def open_count(cls, tenant_id: int, operator: UserID) -> int:
        return int(
            await cls.db.fetchval(
                "SELECT COUNT(*) FROM consult_case WHERE tenant_id=$1 AND operator_id=$2 "
                "AND status='assigned'",
                tenant_id,
                operator,
            )
        )

    @classmethod
    async def of_operator(cls, tenant_id: int, operator: UserID) -> list[Case]:
        """The cases whose operator is (or, closed, was last) ``operator``, and the waiting
        cases the client nominated them for."""
        rows = await cls.db.fetch(
            f"SELECT {COLUMNS} FROM consult_case WHERE tenant_id=$1 "
            "AND (operator_id=$2 OR (status='waiting' AND nominee=$2)) ORDER BY id",
            tenant_id,
            operator,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def last_operator_of(cls, client_id: int) -> UserID | None:
        """Who handled the client's most recent case that had someone (for sticky routing)."""
        found = await cls.db.fetchval(
            "SELECT operator_id FROM consult_case WHERE client_id=$1 AND operator_id IS NOT NULL "
            "AND status IN ('closed', 'assigned') ORDER BY id DESC LIMIT 1",
            client_id,
        )
        return UserID(found) if found else None

    @classmethod
    async def ever_handled_by(cls, client_id: int, operator: UserID) -> bool:
        found = await cls.db.fetchval(
            "SELECT 1 FROM consult_case WHERE client_id=$1 AND operator_id=$2 LIMIT 1",
            client_id,
            operator,
        )
        return bool(found)

    @classmethod
    async def get(cls, case_id: int) -> Case | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {COLUMNS} FROM consult_case WHERE id=$1", case_id)
        )

    @classmethod
    async def waiting(cls, tenant_id: int) -> list[Case]:
        rows = await cls.db.fetch(
            f"SELECT {COLUMNS} FROM consult_case WHERE tenant_id=$1 AND status='waiting' "
            "ORDER BY opened_at",
            tenant_id,
        )
        return [cls(**dict(row)) for row in rows]

    @staticmethod
    async def open_counts() -> list[tuple[str, str, int]]:
        """(tenant slug, waiting or assigned, how many) for every tenant, zeros included."""
        rows = await Case.db.fetch(
            "SELECT t.slug AS slug, s.status AS status, COUNT(c.id) AS n "
            "FROM tenant t CROSS JOIN (SELECT 'waiting' AS status UNION ALL "
            "SELECT 'assigned') s "
            "LEFT JOIN consult_case c ON c.tenant_id=t.id AND c.status=s.status "
            "GROUP BY t.slug, s.status ORDER BY t.slug, s.status"
        )
        return [(row["slug"], row["status"], int(row["n"])) for row in rows]

    @classmethod
    async def open_new(cls, tenant_id: int, client_id: int, now: int) -> Case:
        conn: Connection
        async with cls.db.acquire() as conn, conn.transaction():
            number = await conn.fetchval(
                "UPDATE tenant SET next_case=next_case+1 WHERE id=$1 RETURNING next_case-1",
                tenant_id,
            )
            row = await conn.fetchrow(
                "INSERT INTO consult_case (tenant_id, client_id, number, status, opened_at) "
                f"VALUES ($1, $2, $3, 'waiting', $4) RETURNING {COLUMNS}",
                tenant_id,
                client_id,
                number,
                now,
            )
        case = cls._from_row(row)
        assert case is not None
        return case

    async def save(self) -> None:
        await self.db.execute(
            "UPDATE consult_case SET status=$2, operator_id=$3, case_room=$4, assigned_at=$5, "
            "first_response_at=$6, closed_at=$7, rating=$8, rating_poll=$9, nominee=$10, "
            "team=$11, intake_poll=$12, category_id=$13, intake_answer=$14, last_reply_at=$15, "
            "sent_back_by=$16 WHERE id=$1",
            self.id,
            self.status,
            self.operator_id,
            self.case_room,
            self.assigned_at,
            self.first_response_at,
            self.closed_at,
            self.rating,
            self.rating_poll,
            self.nominee,
            self.team,
            self.intake_poll,
            self.category_id,
            self.intake_answer,
            self.last_reply_at,
            self.sent_back_by,
        )
