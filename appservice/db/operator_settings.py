"""Operator settings: what one operator of a tenant may see and do, and how they are
notified."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from attr import Factory, dataclass
from mautrix.types import RoomID, UserID
from mautrix.util.async_db import Database

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
