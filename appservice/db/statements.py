"""Counselors' monthly statements: what they are owed for a month's sessions and letters."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Connection, Database

STATEMENT_COLUMNS = (
    "id, tenant_id, number, operator_id, month, status, lines, total, currency, created_at, "
    "sent_at, paid_at"
)
DRAFT, SENT, PAID = "draft", "sent", "paid"


@dataclass
class Statement:
    """A counselor's statement for one month; ``lines`` are dicts with day, kind, client and
    price, kept as they were when the statement was made."""

    db: ClassVar[Database]

    id: int
    tenant_id: int
    number: int
    operator_id: UserID
    month: str
    status: str
    lines: list[dict[str, Any]]
    total: int
    currency: str
    created_at: int
    sent_at: int | None
    paid_at: int | None

    @classmethod
    def _from_row(cls, row: Any) -> Statement | None:
        if row is None:
            return None
        values = dict(row)
        values["lines"] = json.loads(values["lines"])
        return cls(**values)

    @classmethod
    async def make(
        cls,
        tenant_id: int,
        operator: UserID,
        month: str,
        lines: list[dict[str, Any]],
        currency: str,
        now: int,
    ) -> Statement:
        """The month's statement of the operator: made now, or made again while still a draft;
        one already sent stays as it is."""
        total = sum(int(line["price"]) for line in lines)
        conn: Connection
        async with cls.db.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                f"SELECT {STATEMENT_COLUMNS} FROM statement WHERE tenant_id=$1 "
                "AND operator_id=$2 AND month=$3",
                tenant_id,
                operator,
                month,
            )
            if row is not None and row["status"] != DRAFT:
                found = cls._from_row(row)
                assert found is not None
                return found
            text = json.dumps(lines, ensure_ascii=False)
            if row is not None:
                row = await conn.fetchrow(
                    "UPDATE statement SET lines=$2, total=$3, currency=$4, created_at=$5 "
                    f"WHERE id=$1 RETURNING {STATEMENT_COLUMNS}",
                    row["id"],
                    text,
                    total,
                    currency,
                    now,
                )
            else:
                number = await conn.fetchval(
                    "UPDATE tenant SET next_statement=next_statement+1 WHERE id=$1 "
                    "RETURNING next_statement-1",
                    tenant_id,
                )
                row = await conn.fetchrow(
                    "INSERT INTO statement (tenant_id, number, operator_id, month, lines, total, "
                    "currency, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                    f"RETURNING {STATEMENT_COLUMNS}",
                    tenant_id,
                    number,
                    operator,
                    month,
                    text,
                    total,
                    currency,
                    now,
                )
        made = cls._from_row(row)
        assert made is not None
        return made

    @classmethod
    async def by_number(cls, tenant_id: int, number: int) -> Statement | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {STATEMENT_COLUMNS} FROM statement WHERE tenant_id=$1 AND number=$2",
                tenant_id,
                number,
            )
        )

    @classmethod
    async def of_tenant(
        cls, tenant_id: int, month: str | None = None, operator: UserID | None = None
    ) -> list[Statement]:
        where, params = "tenant_id=$1", list[Any]([tenant_id])
        if month is not None:
            params.append(month)
            where += f" AND month=${len(params)}"
        if operator is not None:
            params.append(operator)
            where += f" AND operator_id=${len(params)}"
        rows = await cls.db.fetch(
            f"SELECT {STATEMENT_COLUMNS} FROM statement WHERE {where} ORDER BY month, number",
            *params,
        )
        return [s for s in map(cls._from_row, rows) if s]

    async def mark(self, expected: str, status: str, now: int) -> bool:
        """draft → sent → paid, each step once."""
        column = "sent_at" if status == SENT else "paid_at"
        moved = await self.db.fetchval(
            f"UPDATE statement SET status=$3, {column}=$4 WHERE id=$1 AND status=$2 RETURNING id",
            self.id,
            expected,
            status,
            now,
        )
        if moved is None:
            return False
        self.status = status
        setattr(self, column, now)
        return True
