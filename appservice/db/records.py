"""Operator settings, templates, and the records kept on clients and cases."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from attr import Factory, dataclass
from mautrix.types import RoomID, UserID
from mautrix.util.async_db import Connection, Database

ALL, ASSIGNED_ONLY, TAGGED = "all", "assigned", "tags"


@dataclass
class OperatorSettings:
    """What one operator of a tenant may see and do, and how they are notified."""

    db: ClassVar[Database]

    tenant_id: int
    user_id: UserID
    scope: str = ALL
    scope_tags: list[str] = Factory(list)
    see_notes: bool = True
    see_intake: bool = True
    may_send: bool = True
    templates_only: bool = False
    persona: str = "switch"
    notify: str = "none"
    notify_new_case: bool = True
    notify_assigned: bool = True
    notify_message: bool = True
    private_room: RoomID | None = None
    moderate: bool = False  # may hide and close board topics and answers
    notify_new_topic: bool = True

    _COLUMNS: ClassVar[str] = (
        "tenant_id, user_id, scope, scope_tags, see_notes, see_intake, may_send, "
        "templates_only, persona, notify, notify_new_case, notify_assigned, notify_message, "
        "private_room, moderate, notify_new_topic"
    )
    _FLAGS: ClassVar[tuple[str, ...]] = (
        "see_notes",
        "see_intake",
        "may_send",
        "templates_only",
        "notify_new_case",
        "notify_assigned",
        "notify_message",
        "moderate",
        "notify_new_topic",
    )

    @classmethod
    def _from_row(cls, row: Any) -> OperatorSettings:
        values = dict(row)
        for flag in cls._FLAGS:
            values[flag] = bool(values[flag])
        values["scope_tags"] = json.loads(values["scope_tags"])
        return cls(**values)

    @classmethod
    async def get(cls, tenant_id: int, user_id: UserID) -> OperatorSettings:
        row = await cls.db.fetchrow(
            f"SELECT {cls._COLUMNS} FROM operator_settings WHERE tenant_id=$1 AND user_id=$2",
            tenant_id,
            user_id,
        )
        return cls._from_row(row) if row else cls(tenant_id, user_id)

    @classmethod
    async def notified(cls, tenant_id: int) -> list[OperatorSettings]:
        """Current operators of the tenant who get notices in their private room."""
        columns = ", ".join(f"s.{c.strip()}" for c in cls._COLUMNS.split(","))
        rows = await cls.db.fetch(
            f"SELECT {columns} FROM operator_settings s JOIN tenant_member m "
            "ON m.tenant_id=s.tenant_id AND m.user_id=s.user_id AND m.role='operator' "
            "WHERE s.tenant_id=$1 AND s.notify='dm'",
            tenant_id,
        )
        return [cls._from_row(row) for row in rows]

    @classmethod
    async def any_restricted(cls, tenant_id: int) -> bool:
        """Whether some current operator of the tenant may not see every client."""
        found = await cls.db.fetchval(
            "SELECT 1 FROM operator_settings s JOIN tenant_member m ON m.tenant_id=s.tenant_id "
            "AND m.user_id=s.user_id AND m.role='operator' WHERE s.tenant_id=$1 AND s.scope<>$2",
            tenant_id,
            ALL,
        )
        return bool(found)

    @property
    def restricted(self) -> bool:
        return self.scope != ALL

    async def save(self) -> None:
        await self.db.execute(
            f"INSERT INTO operator_settings ({self._COLUMNS}) VALUES "
            "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
            "ON CONFLICT (tenant_id, user_id) DO UPDATE SET scope=$3, scope_tags=$4, "
            "see_notes=$5, see_intake=$6, may_send=$7, templates_only=$8, persona=$9, "
            "notify=$10, notify_new_case=$11, notify_assigned=$12, notify_message=$13, "
            "private_room=$14, moderate=$15, notify_new_topic=$16",
            self.tenant_id,
            self.user_id,
            self.scope,
            json.dumps(self.scope_tags, ensure_ascii=False),
            self.see_notes,
            self.see_intake,
            self.may_send,
            self.templates_only,
            self.persona,
            self.notify,
            self.notify_new_case,
            self.notify_assigned,
            self.notify_message,
            self.private_room,
            self.moderate,
            self.notify_new_topic,
        )


@dataclass
class Template:
    db: ClassVar[Database]

    tenant_id: int
    name: str
    body: str
    updated_at: int

    @classmethod
    async def get(cls, tenant_id: int, name: str) -> Template | None:
        row = await cls.db.fetchrow(
            "SELECT tenant_id, name, body, updated_at FROM template "
            "WHERE tenant_id=$1 AND name=$2",
            tenant_id,
            name,
        )
        return cls(**dict(row)) if row else None

    @classmethod
    async def all(cls, tenant_id: int) -> list[Template]:
        rows = await cls.db.fetch(
            "SELECT tenant_id, name, body, updated_at FROM template WHERE tenant_id=$1 "
            "ORDER BY name",
            tenant_id,
        )
        return [cls(**dict(row)) for row in rows]

    async def save(self) -> None:
        await self.db.execute(
            "INSERT INTO template (tenant_id, name, body, updated_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (tenant_id, name) DO UPDATE SET body=$3, updated_at=$4",
            self.tenant_id,
            self.name,
            self.body,
            self.updated_at,
        )

    async def delete(self) -> None:
        await self.db.execute(
            "DELETE FROM template WHERE tenant_id=$1 AND name=$2", self.tenant_id, self.name
        )


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


@dataclass
class Category:
    db: ClassVar[Database]

    id: int
    tenant_id: int
    path: str
    removed_at: int | None = None

    @classmethod
    async def get(cls, category_id: int) -> Category | None:
        row = await cls.db.fetchrow(
            "SELECT id, tenant_id, path, removed_at FROM category WHERE id=$1", category_id
        )
        return cls(**dict(row)) if row else None

    @classmethod
    async def by_path(cls, tenant_id: int, path: str) -> Category | None:
        row = await cls.db.fetchrow(
            "SELECT id, tenant_id, path, removed_at FROM category WHERE tenant_id=$1 AND path=$2",
            tenant_id,
            path,
        )
        return cls(**dict(row)) if row else None

    @classmethod
    async def all(cls, tenant_id: int, removed: bool = False) -> list[Category]:
        rows = await cls.db.fetch(
            "SELECT id, tenant_id, path, removed_at FROM category WHERE tenant_id=$1 "
            "ORDER BY path",
            tenant_id,
        )
        found = [cls(**dict(row)) for row in rows]
        return found if removed else [c for c in found if c.removed_at is None]

    @classmethod
    async def put(cls, tenant_id: int, path: str) -> Category:
        """The category at ``path``, made (or brought back) if need be."""
        await cls.db.execute(
            "INSERT INTO category (tenant_id, path) VALUES ($1, $2) "
            "ON CONFLICT (tenant_id, path) DO UPDATE SET removed_at=NULL",
            tenant_id,
            path,
        )
        found = await cls.by_path(tenant_id, path)
        assert found is not None
        return found

    async def remove(self, now: int) -> None:
        self.removed_at = now
        await self.db.execute("UPDATE category SET removed_at=$2 WHERE id=$1", self.id, now)


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
