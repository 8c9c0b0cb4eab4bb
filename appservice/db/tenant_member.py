"""A tenant's members: who is an admin or an operator of which tenant."""

from __future__ import annotations

from typing import ClassVar

from mautrix.types import UserID
from mautrix.util.async_db import Database

ADMIN = "admin"
OPERATOR = "operator"


class TenantMembers:
    """The membership methods of Tenant, on the tenant_member table."""

    db: ClassVar[Database]

    id: int

    async def members(self, role: str) -> list[UserID]:
        rows = await self.db.fetch(
            "SELECT user_id FROM tenant_member WHERE tenant_id=$1 AND role=$2 ORDER BY added_at",
            self.id,
            role,
        )
        return [UserID(row["user_id"]) for row in rows]

    async def has_member(self, user_id: UserID, role: str) -> bool:
        row = await self.db.fetchval(
            "SELECT 1 FROM tenant_member WHERE tenant_id=$1 AND user_id=$2 AND role=$3",
            self.id,
            user_id,
            role,
        )
        return bool(row)

    async def add_member(self, user_id: UserID, role: str, now: int) -> bool:
        """False when the user already had that role."""
        if await self.has_member(user_id, role):
            return False
        await self.db.execute(
            "INSERT INTO tenant_member (tenant_id, user_id, role, added_at) "
            "VALUES ($1, $2, $3, $4)",
            self.id,
            user_id,
            role,
            now,
        )
        return True

    async def remove_member(self, user_id: UserID, role: str) -> bool:
        if not await self.has_member(user_id, role):
            return False
        await self.db.execute(
            "DELETE FROM tenant_member WHERE tenant_id=$1 AND user_id=$2 AND role=$3",
            self.id,
            user_id,
            role,
        )
        return True

    @classmethod
    async def roles_of(cls, user_id: UserID) -> list[tuple[int, str]]:
        rows = await cls.db.fetch(
            "SELECT tenant_id, role FROM tenant_member WHERE user_id=$1", user_id
        )
        return [(row["tenant_id"], row["role"]) for row in rows]
