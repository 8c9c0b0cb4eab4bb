"""Operators' personal personas."""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Database


@dataclass
class Persona:
    """An operator's personal persona: a ghost with a name of their choosing."""

    db: ClassVar[Database]

    tenant_id: int
    user_id: UserID
    ghost: str
    name: str
    active: bool

    @classmethod
    async def get(cls, tenant_id: int, user_id: UserID) -> Persona | None:
        row = await cls.db.fetchrow(
            "SELECT tenant_id, user_id, ghost, name, active FROM operator_persona "
            "WHERE tenant_id=$1 AND user_id=$2",
            tenant_id,
            user_id,
        )
        if row is None:
            return None
        values = dict(row)
        values["active"] = bool(values["active"])
        return cls(**values)

    async def save(self) -> None:
        await self.db.execute(
            "INSERT INTO operator_persona (tenant_id, user_id, ghost, name, active) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, user_id) "
            "DO UPDATE SET name=$4, active=$5",
            self.tenant_id,
            self.user_id,
            self.ghost,
            self.name,
            self.active,
        )
