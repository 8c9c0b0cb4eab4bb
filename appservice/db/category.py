"""Case categories of a tenant."""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.util.async_db import Database


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
