"""Operators' calendar feed tokens."""

from __future__ import annotations

from typing import ClassVar

from mautrix.types import UserID
from mautrix.util.async_db import Database


class CalendarToken:
    """The hash of an operator's calendar feed token, kept on their routing state row."""

    db: ClassVar[Database]

    @classmethod
    async def set(cls, tenant_id: int, operator: UserID, token_hash: str) -> None:
        await cls.db.execute(
            "INSERT INTO operator_state (tenant_id, user_id, calendar_token) VALUES ($1, $2, $3) "
            "ON CONFLICT (tenant_id, user_id) DO UPDATE SET calendar_token=$3",
            tenant_id,
            operator,
            token_hash,
        )

    @classmethod
    async def clear(cls, tenant_id: int, operator: UserID) -> None:
        await cls.db.execute(
            "UPDATE operator_state SET calendar_token=NULL WHERE tenant_id=$1 AND user_id=$2",
            tenant_id,
            operator,
        )

    @classmethod
    async def owner(cls, token_hash: str) -> tuple[int, UserID] | None:
        row = await cls.db.fetchrow(
            "SELECT tenant_id, user_id FROM operator_state WHERE calendar_token=$1", token_hash
        )
        return (row["tenant_id"], UserID(row["user_id"])) if row else None
