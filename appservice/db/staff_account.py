from __future__ import annotations

from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Database


@dataclass
class StaffAccount:
    """An admin or operator account that soudan created (not one it was given)."""

    db: ClassVar[Database]

    user_id: UserID
    tenant_id: int
    nickname: str
    role: str  # the role it was created for
    created_at: int
    deactivated_at: int | None = None

    _COLUMNS: ClassVar[str] = "user_id, tenant_id, nickname, role, created_at, deactivated_at"

    @classmethod
    def _from_row(cls, row: Any) -> StaffAccount | None:
        return cls(**dict(row)) if row else None

    @classmethod
    async def get(cls, user_id: UserID) -> StaffAccount | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {cls._COLUMNS} FROM staff_account WHERE user_id=$1", user_id
            )
        )

    @classmethod
    async def get_by_nickname(cls, tenant_id: int, nickname: str) -> StaffAccount | None:
        """The tenant's active account under this nickname."""
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {cls._COLUMNS} FROM staff_account "
                "WHERE tenant_id=$1 AND nickname=$2 AND deactivated_at IS NULL",
                tenant_id,
                nickname,
            )
        )

    @classmethod
    async def of_tenant(cls, tenant_id: int) -> list[StaffAccount]:
        """Every account soudan created for the tenant, deactivated ones included."""
        rows = await cls.db.fetch(
            f"SELECT {cls._COLUMNS} FROM staff_account WHERE tenant_id=$1 ORDER BY created_at",
            tenant_id,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def insert(
        cls, user_id: UserID, tenant_id: int, nickname: str, role: str, now: int
    ) -> StaffAccount:
        await cls.db.execute(
            "INSERT INTO staff_account (user_id, tenant_id, nickname, role, created_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            user_id,
            tenant_id,
            nickname,
            role,
            now,
        )
        return cls(user_id, tenant_id, nickname, role, now)

    async def mark_deactivated(self, now: int) -> None:
        await self.db.execute(
            "UPDATE staff_account SET deactivated_at=$2 WHERE user_id=$1", self.user_id, now
        )
        self.deactivated_at = now

    async def delete(self) -> None:
        await self.db.execute("DELETE FROM staff_account WHERE user_id=$1", self.user_id)
