"""Counselors' letter settings: whether they take packages, and their days off."""

from __future__ import annotations

import json
from typing import ClassVar

from attr import Factory, dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Database


@dataclass
class LetterOperator:
    """Whether an operator takes letter packages, and the days they do not work."""

    db: ClassVar[Database]

    tenant_id: int
    user_id: UserID
    accepts: bool = False
    weekly_off: list[int] = Factory(lambda: [5, 6])  # Monday is 0
    days_off: list[str] = Factory(list)  # ISO dates

    @classmethod
    async def get(cls, tenant_id: int, user_id: UserID) -> LetterOperator:
        row = await cls.db.fetchrow(
            "SELECT accepts, weekly_off, days_off FROM letter_operator "
            "WHERE tenant_id=$1 AND user_id=$2",
            tenant_id,
            user_id,
        )
        if row is None:
            return cls(tenant_id, user_id)
        return cls(
            tenant_id,
            user_id,
            bool(row["accepts"]),
            json.loads(row["weekly_off"]),
            json.loads(row["days_off"]),
        )

    async def save(self) -> None:
        await self.db.execute(
            "INSERT INTO letter_operator (tenant_id, user_id, accepts, weekly_off, days_off) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, user_id) DO UPDATE "
            "SET accepts=$3, weekly_off=$4, days_off=$5",
            self.tenant_id,
            self.user_id,
            self.accepts,
            json.dumps(sorted(self.weekly_off)),
            json.dumps(sorted(self.days_off)),
        )
