from __future__ import annotations

import json
import time
from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import RoomID
from mautrix.util.async_db import Connection, Database


@dataclass
class Inbox:
    """One event from a homeserver transaction, waiting to be worked off in room order."""

    db: ClassVar[Database]

    seq: int
    event_id: str
    room_id: RoomID
    raw: dict[str, Any]
    attempts: int

    @classmethod
    async def store_transaction(
        cls, txn_id: str, digest: str, events: list[dict[str, Any]]
    ) -> bool:
        """Store a transaction's events in one commit; False when it was stored before."""
        now = int(time.time() * 1000)
        conn: Connection
        async with cls.db.acquire() as conn, conn.transaction():
            # Claim the transaction first; a concurrent copy of it finds the claim and stops.
            claimed = await conn.fetchval(
                "INSERT INTO as_transaction (txn_id, digest, received_at) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING RETURNING txn_id",
                txn_id,
                digest,
                now,
            )
            if claimed is None:
                return False
            for event in events:
                await conn.execute(
                    "INSERT INTO inbox (event_id, room_id, raw, received_at) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING",
                    event["event_id"],
                    event["room_id"],
                    json.dumps(event),
                    now,
                )
        return True

    @classmethod
    async def store_missing(cls, events: list[dict[str, Any]]) -> int:
        """Store events read back from a room; returns how many were new to the inbox."""
        added = 0
        now = int(time.time() * 1000)
        for event in events:
            stored = await cls.db.fetchval(
                "INSERT INTO inbox (event_id, room_id, raw, received_at) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (event_id) DO NOTHING RETURNING seq",
                event["event_id"],
                event["room_id"],
                json.dumps(event),
                now,
            )
            added += stored is not None
        return added

    @classmethod
    async def known(cls, event_ids: list[str]) -> set[str]:
        """Which of these events the inbox has (one query)."""
        if not event_ids:
            return set()
        marks = ", ".join(f"${n}" for n in range(1, len(event_ids) + 1))
        rows = await cls.db.fetch(
            f"SELECT event_id FROM inbox WHERE event_id IN ({marks})", *event_ids
        )
        return {row["event_id"] for row in rows}

    @classmethod
    async def last_pending_seq(cls) -> int:
        return int(
            await cls.db.fetchval("SELECT COALESCE(MAX(seq), 0) FROM inbox WHERE done=false")
        )

    @classmethod
    async def pending(cls, limit: int) -> list[Inbox]:
        """The oldest events not worked off yet."""
        rows = await cls.db.fetch(
            "SELECT seq, event_id, room_id, raw, attempts FROM inbox "
            "WHERE done=false ORDER BY seq LIMIT $1",
            limit,
        )
        return [
            cls(
                seq=row["seq"],
                event_id=row["event_id"],
                room_id=row["room_id"],
                raw=json.loads(row["raw"]),
                attempts=row["attempts"],
            )
            for row in rows
        ]

    @classmethod
    async def backlog(cls) -> tuple[int, int | None]:
        """How many events wait to be worked off, and when the oldest of them arrived (ms)."""
        row = await cls.db.fetchrow(
            "SELECT COUNT(*) AS waiting, MIN(received_at) AS oldest FROM inbox WHERE done=false"
        )
        assert row is not None
        return int(row["waiting"]), row["oldest"]

    async def mark_done(self, error: str | None = None) -> None:
        # The body is dropped once worked off: the inbox is not a message archive.
        await self.db.execute(
            "UPDATE inbox SET done=true, raw=NULL, error=$2 WHERE seq=$1", self.seq, error
        )

    async def mark_attempt(self, error: str) -> None:
        self.attempts += 1
        await self.db.execute(
            "UPDATE inbox SET attempts=$2, error=$3 WHERE seq=$1", self.seq, self.attempts, error
        )

    @classmethod
    async def prune(cls, older_than_ms: int) -> None:
        """Forget handled events and transactions once no homeserver would resend them."""
        await cls.db.execute("DELETE FROM inbox WHERE done=true AND received_at<$1", older_than_ms)
        await cls.db.execute("DELETE FROM as_transaction WHERE received_at<$1", older_than_ms)
