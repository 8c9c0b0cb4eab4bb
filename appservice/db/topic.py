"""Board topics: what clients post on the board."""

from __future__ import annotations

from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import EventID, RoomID, UserID
from mautrix.util.async_db import Connection, Database

TOPIC_COLUMNS = (
    "id, tenant_id, number, client_id, ghost, body, created_at, closed_at, hidden_at, "
    "hidden_by, source_event, root_event"
)


@dataclass
class Topic:
    db: ClassVar[Database]

    id: int
    tenant_id: int
    number: int
    client_id: int
    ghost: str
    body: str
    created_at: int
    closed_at: int | None
    hidden_at: int | None
    hidden_by: str | None
    source_event: EventID
    root_event: EventID | None

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @classmethod
    def _from_row(cls, row: Any) -> Topic | None:
        return cls(**dict(row)) if row else None

    @classmethod
    async def insert(
        cls, tenant_id: int, client_id: int, ghost: str, body: str, source: EventID, now: int
    ) -> Topic:
        conn: Connection
        async with cls.db.acquire() as conn, conn.transaction():
            number = await conn.fetchval(
                "UPDATE tenant SET next_topic=next_topic+1 WHERE id=$1 RETURNING next_topic-1",
                tenant_id,
            )
            row = await conn.fetchrow(
                "INSERT INTO board_topic (tenant_id, number, client_id, ghost, body, created_at, "
                f"source_event) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {TOPIC_COLUMNS}",
                tenant_id,
                number,
                client_id,
                ghost,
                body,
                now,
                source,
            )
        topic = cls._from_row(row)
        assert topic is not None
        return topic

    @classmethod
    async def get(cls, topic_id: int) -> Topic | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {TOPIC_COLUMNS} FROM board_topic WHERE id=$1", topic_id)
        )

    @classmethod
    async def by_number(cls, tenant_id: int, number: int) -> Topic | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {TOPIC_COLUMNS} FROM board_topic WHERE tenant_id=$1 AND number=$2",
                tenant_id,
                number,
            )
        )

    @classmethod
    async def by_source(cls, event_id: EventID) -> Topic | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {TOPIC_COLUMNS} FROM board_topic WHERE source_event=$1", event_id
            )
        )

    @classmethod
    async def count_since(cls, client_id: int, since: int) -> int:
        value = await cls.db.fetchval(
            "SELECT COUNT(*) FROM board_topic WHERE client_id=$1 AND created_at>=$2",
            client_id,
            since,
        )
        return int(value or 0)

    @classmethod
    async def page(
        cls, tenant_id: int, offset: int, limit: int, *, hidden: bool = False
    ) -> tuple[list[Topic], int]:
        """Topics (visible ones, or all with ``hidden``), latest first, and how many there
        are in all."""
        where = "tenant_id=$1" if hidden else "tenant_id=$1 AND hidden_at IS NULL"
        rows = await cls.db.fetch(
            f"SELECT {TOPIC_COLUMNS} FROM board_topic WHERE {where} "
            "ORDER BY number DESC LIMIT $2 OFFSET $3",
            tenant_id,
            limit,
            offset,
        )
        total = await cls.db.fetchval(f"SELECT COUNT(*) FROM board_topic WHERE {where}", tenant_id)
        return [cls(**dict(row)) for row in rows], int(total or 0)

    @classmethod
    async def unanswered_by(cls, tenant_id: int, operator: UserID) -> list[Topic]:
        """Open, visible topics the operator has no visible answer in, oldest first."""
        rows = await cls.db.fetch(
            f"SELECT {TOPIC_COLUMNS} FROM board_topic t WHERE tenant_id=$1 "
            "AND hidden_at IS NULL AND closed_at IS NULL AND NOT EXISTS (SELECT 1 FROM board_post "
            "p WHERE p.topic_id=t.id AND p.operator_id=$2 AND p.hidden_at IS NULL) "
            "ORDER BY number",
            tenant_id,
            operator,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def answer_counts(cls, topic_ids: list[int]) -> dict[int, int]:
        if not topic_ids:
            return {}
        marks = ", ".join(f"${n}" for n in range(1, len(topic_ids) + 1))
        rows = await cls.db.fetch(
            "SELECT topic_id, COUNT(*) AS n FROM board_post WHERE operator_id IS NOT NULL "
            f"AND hidden_at IS NULL AND topic_id IN ({marks}) GROUP BY topic_id",
            *topic_ids,
        )
        return {row["topic_id"]: int(row["n"]) for row in rows}

    @classmethod
    async def recent_client_rooms(cls, since: int) -> list[tuple[RoomID, int]]:
        """Board rooms (and their tenants) of clients who posted a topic since ``since``."""
        rows = await cls.db.fetch(
            "SELECT DISTINCT c.board_room, c.tenant_id FROM board_topic t "
            "JOIN client c ON c.id=t.client_id WHERE c.board_room IS NOT NULL "
            "AND t.created_at>=$1",
            since,
        )
        return [(RoomID(row["board_room"]), int(row["tenant_id"])) for row in rows]

    async def save(self) -> None:
        await self.db.execute(
            "UPDATE board_topic SET body=$2, closed_at=$3, hidden_at=$4, hidden_by=$5, "
            "root_event=$6 WHERE id=$1",
            self.id,
            self.body,
            self.closed_at,
            self.hidden_at,
            self.hidden_by,
            self.root_event,
        )
