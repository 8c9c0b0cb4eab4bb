"""Letter counseling package types: the terms a tenant offers."""

from __future__ import annotations

from typing import ClassVar

from attr import dataclass
from mautrix.util.async_db import Database

TYPE_COLUMNS = "id, tenant_id, name, replies, deadline_days, char_limit, price, created_at"


@dataclass
class PackageType:
    db: ClassVar[Database]

    id: int
    tenant_id: int
    name: str
    replies: int
    deadline_days: int
    char_limit: int
    price: int
    created_at: int

    @classmethod
    async def all(cls, tenant_id: int) -> list[PackageType]:
        rows = await cls.db.fetch(
            f"SELECT {TYPE_COLUMNS} FROM package_type WHERE tenant_id=$1 ORDER BY name", tenant_id
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def by_name(cls, tenant_id: int, name: str) -> PackageType | None:
        row = await cls.db.fetchrow(
            f"SELECT {TYPE_COLUMNS} FROM package_type WHERE tenant_id=$1 AND name=$2",
            tenant_id,
            name,
        )
        return cls(**dict(row)) if row else None

    @classmethod
    async def put(
        cls,
        tenant_id: int,
        name: str,
        replies: int,
        deadline_days: int,
        char_limit: int,
        price: int,
        now: int,
    ) -> PackageType:
        """Add the type, or change the one of that name."""
        await cls.db.execute(
            "INSERT INTO package_type (tenant_id, name, replies, deadline_days, char_limit, "
            "price, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (tenant_id, name) DO UPDATE SET replies=$3, deadline_days=$4, "
            "char_limit=$5, price=$6",
            tenant_id,
            name,
            replies,
            deadline_days,
            char_limit,
            price,
            now,
        )
        found = await cls.by_name(tenant_id, name)
        assert found is not None
        return found

    async def delete(self) -> None:
        await self.db.execute("DELETE FROM package_type WHERE id=$1", self.id)
