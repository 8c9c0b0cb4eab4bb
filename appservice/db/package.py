"""Letter counseling packages granted to clients, and their numbered replies."""

from __future__ import annotations

from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import EventID, UserID
from mautrix.util.async_db import Connection, Database

from .package_type import PackageType

# A package waits for payment (pending), runs (active), has had its last reply (done: the
# client is asked whether to continue), or is over (ended) or was called off (cancelled).
PENDING, ACTIVE, DONE, ENDED, CANCELLED = "pending", "active", "done", "ended", "cancelled"
PACKAGE_STATUSES = (PENDING, ACTIVE, DONE, ENDED, CANCELLED)
# The packages that put a client's case in letter mode.
LETTER_MODE = (PENDING, ACTIVE, DONE)

PACKAGE_COLUMNS = (
    "id, tenant_id, number, client_id, client_alias, operator_id, type_name, replies, "
    "deadline_days, char_limit, price, status, sent, granted_at, started_at, completed_at, "
    "letter_at, due_at, continue_poll, previous_id"
)


@dataclass
class Package:
    db: ClassVar[Database]

    id: int
    tenant_id: int
    number: int
    client_id: int | None
    client_alias: str
    operator_id: UserID | None
    type_name: str
    replies: int
    deadline_days: int
    char_limit: int
    price: int
    status: str
    sent: int
    granted_at: int
    started_at: int | None
    completed_at: int | None
    letter_at: int | None
    due_at: int | None
    continue_poll: EventID | None
    previous_id: int | None

    @classmethod
    def _from_row(cls, row: Any) -> Package | None:
        return cls(**dict(row)) if row else None

    @classmethod
    async def grant(
        cls,
        tenant_id: int,
        client_id: int,
        client_alias: str,
        operator: UserID | None,
        kind: PackageType,
        now: int,
    ) -> Package:
        """A package an admin grants: paid, so it runs from now."""
        conn: Connection
        async with cls.db.acquire() as conn, conn.transaction():
            return await cls._insert(
                conn,
                (tenant_id, client_id, client_alias, operator, kind.name),
                kind,
                ACTIVE,
                now,
                None,
            )

    @classmethod
    async def _insert(
        cls,
        conn: Connection,
        who: tuple[int, int, str, UserID | None, str],
        terms: PackageType | Package,
        status: str,
        now: int,
        previous_id: int | None,
    ) -> Package:
        """(tenant, client, alias, operator, type name) with the terms of ``terms``."""
        number = await conn.fetchval(
            "UPDATE tenant SET next_package=next_package+1 WHERE id=$1 RETURNING next_package-1",
            who[0],
        )
        row = await conn.fetchrow(
            "INSERT INTO package (tenant_id, number, client_id, client_alias, operator_id, "
            "type_name, replies, deadline_days, char_limit, price, status, granted_at, "
            "started_at, previous_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
            f"RETURNING {PACKAGE_COLUMNS}",
            who[0],
            number,
            *who[1:],
            terms.replies,
            terms.deadline_days,
            terms.char_limit,
            terms.price,
            status,
            now,
            now if status == ACTIVE else None,
            previous_id,
        )
        package = cls._from_row(row)
        assert package is not None
        return package

    async def answer(
        self, event_id: EventID, continuing: bool, client_alias: str, now: int
    ) -> Package | None:
        """The client's answer to "continue?" (``event_id``), once: this package ends and,
        when they continue, a package with the same terms waits for payment (returned; else
        this one). None when the question was answered already."""
        conn: Connection
        async with self.db.acquire() as conn, conn.transaction():
            ended = await conn.fetchval(
                "UPDATE package SET status='ended', answer_event=$2 WHERE id=$1 "
                "AND status='done' RETURNING id",
                self.id,
                event_id,
            )
            if ended is None:
                return None
            self.status = ENDED
            if not continuing:
                return self
            assert self.client_id is not None
            who = (self.tenant_id, self.client_id, client_alias, self.operator_id, self.type_name)
            return await self._insert(conn, who, self, PENDING, now, self.id)

    @classmethod
    async def answered_by(cls, event_id: EventID) -> tuple[Package, Package | None] | None:
        """The package ``event_id`` answered, and the package it asked for, if any: a retry
        of the answer finds what the first try did."""
        old = cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {PACKAGE_COLUMNS} FROM package WHERE answer_event=$1", event_id
            )
        )
        if old is None:
            return None
        new = cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {PACKAGE_COLUMNS} FROM package WHERE previous_id=$1", old.id
            )
        )
        return old, new

    @classmethod
    async def get(cls, package_id: int) -> Package | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {PACKAGE_COLUMNS} FROM package WHERE id=$1", package_id)
        )

    @classmethod
    async def by_number(cls, tenant_id: int, number: int) -> Package | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {PACKAGE_COLUMNS} FROM package WHERE tenant_id=$1 AND number=$2",
                tenant_id,
                number,
            )
        )

    @classmethod
    async def current_for(cls, client_id: int) -> Package | None:
        """The client's latest package, if it still puts their case in letter mode."""
        package = cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {PACKAGE_COLUMNS} FROM package WHERE client_id=$1 "
                "AND status <> 'cancelled' ORDER BY id DESC LIMIT 1",
                client_id,
            )
        )
        return package if package and package.status in LETTER_MODE else None

    @classmethod
    async def of_tenant(
        cls, tenant_id: int, status: str | None = None, operator: UserID | None = None
    ) -> list[Package]:
        where, params = "tenant_id=$1", list[Any]([tenant_id])
        if status is not None:
            params.append(status)
            where += f" AND status=${len(params)}"
        if operator is not None:
            params.append(operator)
            where += f" AND operator_id=${len(params)}"
        rows = await cls.db.fetch(
            f"SELECT {PACKAGE_COLUMNS} FROM package WHERE {where} ORDER BY number", *params
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def in_month(cls, tenant_id: int, column: str, start: int, end: int) -> list[Package]:
        """Packages whose ``column`` (started_at or completed_at) falls in [start, end)."""
        assert column in ("started_at", "completed_at")
        rows = await cls.db.fetch(
            f"SELECT {PACKAGE_COLUMNS} FROM package WHERE tenant_id=$1 AND operator_id IS NOT "
            f"NULL AND {column} >= $2 AND {column} < $3 ORDER BY {column}, number",
            tenant_id,
            start,
            end,
        )
        return [cls(**dict(row)) for row in rows]

    async def save(self) -> None:
        await self.db.execute(
            "UPDATE package SET operator_id=$2, status=$3, sent=$4, started_at=$5, "
            "completed_at=$6, letter_at=$7, due_at=$8, continue_poll=$9 WHERE id=$1",
            self.id,
            self.operator_id,
            self.status,
            self.sent,
            self.started_at,
            self.completed_at,
            self.letter_at,
            self.due_at,
            self.continue_poll,
        )

    async def change_status(self, expected: str, status: str, now: int) -> bool:
        """Move from ``expected`` to ``status`` only if nobody moved it first."""
        started = "started_at=$4," if status == ACTIVE else ""
        moved = await self.db.fetchval(
            f"UPDATE package SET {started} status=$3 WHERE id=$1 AND status=$2 RETURNING id",
            self.id,
            expected,
            status,
            *([now] if status == ACTIVE else []),
        )
        if moved is None:
            return False
        self.status = status
        if status == ACTIVE:
            self.started_at = now
        return True

    async def number_reply(self, source_event: EventID, now: int) -> int | None:
        """The number of the operator's reply ``source_event``: the one it already has, or the
        next one. None when every reply of the package is used."""
        conn: Connection
        async with self.db.acquire() as conn, conn.transaction():
            known = await conn.fetchval(
                "SELECT n FROM package_reply WHERE source_event=$1", source_event
            )
            if known is not None:
                return int(known)
            sent = await conn.fetchval(
                "UPDATE package SET sent=sent+1 WHERE id=$1 AND status='active' "
                "AND sent < replies RETURNING sent",
                self.id,
            )
            if sent is None:
                return None
            await conn.execute(
                "INSERT INTO package_reply (package_id, n, source_event, sent_at) "
                "VALUES ($1, $2, $3, $4)",
                self.id,
                sent,
                source_event,
                now,
            )
        self.sent = int(sent)
        return self.sent

    @classmethod
    async def reply_number(cls, source_event: EventID) -> tuple[int, int] | None:
        """(n, N) of a numbered reply, for its edits."""
        row = await cls.db.fetchrow(
            "SELECT r.n, p.replies FROM package_reply r JOIN package p ON p.id=r.package_id "
            "WHERE r.source_event=$1",
            source_event,
        )
        return (int(row["n"]), int(row["replies"])) if row else None
