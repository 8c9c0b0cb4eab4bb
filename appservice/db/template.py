"""Reply templates of a tenant."""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.util.async_db import Database


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
