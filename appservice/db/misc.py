"""Small tables: tenant API tokens, timers and once-per-period notices."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from attr import dataclass
from mautrix.util.async_db import Database


@dataclass
class ApiToken:
    db: ClassVar[Database]

    id: int
    tenant_id: int
    label: str
    created_at: int

    @classmethod
    async def insert(cls, tenant_id: int, token_hash: str, label: str, now: int) -> ApiToken:
        await cls.db.execute(
            "INSERT INTO api_token (tenant_id, token_hash, label, created_at) "
            "VALUES ($1, $2, $3, $4)",
            tenant_id,
            token_hash,
            label,
            now,
        )
        row = await cls.db.fetchrow(
            "SELECT id, tenant_id, label, created_at FROM api_token WHERE token_hash=$1",
            token_hash,
        )
        assert row is not None
        return cls(**dict(row))

    @classmethod
    async def tenant_of(cls, token_hash: str) -> int | None:
        return await cls.db.fetchval(
            "SELECT tenant_id FROM api_token WHERE token_hash=$1 AND revoked_at IS NULL",
            token_hash,
        )

    @classmethod
    async def active(cls, tenant_id: int) -> list[ApiToken]:
        rows = await cls.db.fetch(
            "SELECT id, tenant_id, label, created_at FROM api_token "
            "WHERE tenant_id=$1 AND revoked_at IS NULL ORDER BY id",
            tenant_id,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def revoke(cls, tenant_id: int, token_id: int, now: int) -> bool:
        found = await cls.db.fetchval(
            "SELECT 1 FROM api_token WHERE id=$1 AND tenant_id=$2 AND revoked_at IS NULL",
            token_id,
            tenant_id,
        )
        if found:
            await cls.db.execute("UPDATE api_token SET revoked_at=$2 WHERE id=$1", token_id, now)
        return bool(found)


@dataclass
class Timer:
    db: ClassVar[Database]

    id: int
    kind: str
    due_at: int
    payload: dict[str, Any]

    @classmethod
    async def add(cls, kind: str, due_at: int, payload: dict[str, Any]) -> None:
        await cls.db.execute(
            "INSERT INTO timer (kind, due_at, payload) VALUES ($1, $2, $3)",
            kind,
            due_at,
            json.dumps(payload),
        )

    @classmethod
    async def cancel(cls, kind: str, key: str, value: Any, now: int) -> None:
        """Mark pending timers of a kind whose payload[key] == value as done."""
        for timer in await cls.pending(kind):
            if timer.payload.get(key) == value:
                await timer.finish(now)

    @classmethod
    async def cancel_for_tenant(cls, tenant_id: int, now: int) -> int:
        """Mark every pending timer whose payload names the tenant as done; how many."""
        rows = await cls.db.fetch(
            "SELECT id, kind, due_at, payload FROM timer WHERE done_at IS NULL"
        )
        found = [timer for timer in cls._of(rows) if timer.payload.get("tenant") == tenant_id]
        for timer in found:
            await timer.finish(now)
        return len(found)

    @classmethod
    def _of(cls, rows: list[Any]) -> list[Timer]:
        return [
            cls(id=r["id"], kind=r["kind"], due_at=r["due_at"], payload=json.loads(r["payload"]))
            for r in rows
        ]

    @classmethod
    async def pending(cls, kind: str) -> list[Timer]:
        """The pending timers of one kind, the earliest first."""
        return cls._of(
            await cls.db.fetch(
                "SELECT id, kind, due_at, payload FROM timer "
                "WHERE done_at IS NULL AND kind=$1 ORDER BY due_at",
                kind,
            )
        )

    @classmethod
    async def due(cls, now: int, limit: int = 100) -> list[Timer]:
        """Pending timers due by ``now``, the earliest first."""
        return cls._of(
            await cls.db.fetch(
                "SELECT id, kind, due_at, payload FROM timer WHERE done_at IS NULL "
                f"AND due_at <= $1 ORDER BY due_at LIMIT {int(limit)}",
                now,
            )
        )

    @classmethod
    async def next_due(cls) -> int | None:
        return await cls.db.fetchval("SELECT MIN(due_at) FROM timer WHERE done_at IS NULL")

    @classmethod
    async def overdue(cls, now: int, late_before: int) -> tuple[int, int]:
        """Pending timers due by ``now``, and how many of them were due before ``late_before``."""
        row = await cls.db.fetchrow(
            "SELECT COUNT(*) AS due, COUNT(CASE WHEN due_at < $2 THEN 1 END) AS late "
            "FROM timer WHERE done_at IS NULL AND due_at <= $1",
            now,
            late_before,
        )
        assert row is not None
        return int(row["due"]), int(row["late"])

    async def finish(self, now: int) -> None:
        await self.db.execute("UPDATE timer SET done_at=$2 WHERE id=$1", self.id, now)


class NoticeSent:
    db: ClassVar[Database]

    @classmethod
    async def claim(cls, room_id: str, kind: str, period: str) -> bool:
        """True the first time for (room, kind, period): the caller sends the notice."""
        claimed = await cls.db.fetchval(
            "INSERT INTO notice_sent (room_id, kind, period) VALUES ($1, $2, $3) "
            "ON CONFLICT DO NOTHING RETURNING room_id",
            room_id,
            kind,
            period,
        )
        return claimed is not None
