"""The records kept on clients and cases: tags and notes."""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Database


@dataclass
class Note:
    """A line written about a client or a case, by an admin or an operator."""

    author: UserID
    body: str
    created_at: int


class ClientRecord:
    """Tags and notes on a client account."""

    db: ClassVar[Database]

    @classmethod
    async def tags(cls, client_id: int) -> list[str]:
        rows = await cls.db.fetch(
            "SELECT tag FROM client_tag WHERE client_id=$1 ORDER BY tag", client_id
        )
        return [row["tag"] for row in rows]

    @classmethod
    async def set_tag(cls, client_id: int, tag: str, on: bool) -> bool:
        """False when nothing changed (the tag was already there, or already gone)."""
        has = await cls.db.fetchval(
            "SELECT 1 FROM client_tag WHERE client_id=$1 AND tag=$2", client_id, tag
        )
        if bool(has) == on:
            return False
        if on:
            await cls.db.execute(
                "INSERT INTO client_tag (client_id, tag) VALUES ($1, $2)", client_id, tag
            )
        else:
            await cls.db.execute(
                "DELETE FROM client_tag WHERE client_id=$1 AND tag=$2", client_id, tag
            )
        return True

    @classmethod
    async def notes(cls, client_id: int) -> list[Note]:
        rows = await cls.db.fetch(
            "SELECT author, body, created_at FROM client_note WHERE client_id=$1 ORDER BY id",
            client_id,
        )
        return [Note(**dict(row)) for row in rows]

    @classmethod
    async def add_note(cls, client_id: int, author: UserID, body: str, now: int) -> None:
        await cls.db.execute(
            "INSERT INTO client_note (client_id, author, body, created_at) "
            "VALUES ($1, $2, $3, $4)",
            client_id,
            author,
            body,
            now,
        )


class CaseNote:
    db: ClassVar[Database]

    @classmethod
    async def add(cls, case_id: int, author: UserID, body: str, now: int) -> None:
        await cls.db.execute(
            "INSERT INTO case_note (case_id, author, body, created_at) VALUES ($1, $2, $3, $4)",
            case_id,
            author,
            body,
            now,
        )

    @classmethod
    async def of(cls, case_id: int) -> list[Note]:
        rows = await cls.db.fetch(
            "SELECT author, body, created_at FROM case_note WHERE case_id=$1 ORDER BY id",
            case_id,
        )
        return [Note(**dict(row)) for row in rows]
