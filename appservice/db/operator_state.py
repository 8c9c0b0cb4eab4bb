"""Operators' routing state: status, nominations, team and public profile."""

from __future__ import annotations

from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import UserID
from mautrix.util.async_db import Database


@dataclass
class OperatorState:
    """Where an operator stands for routing: status, nominations, team, public profile."""

    db: ClassVar[Database]

    tenant_id: int
    user_id: UserID
    status: str = "offline"
    nominations: bool = False
    last_active: int = 0
    team: str | None = None
    profile_name: str | None = None
    profile_text: str | None = None
    board_ghost: str | None = None

    _COLUMNS: ClassVar[str] = (
        "tenant_id, user_id, status, nominations, last_active, team, profile_name, profile_text, "
        "board_ghost"
    )

    @classmethod
    def _from_row(cls, row: Any) -> OperatorState:
        values = dict(row)
        values["nominations"] = bool(values["nominations"])
        return cls(**values)

    @classmethod
    async def get(cls, tenant_id: int, user_id: UserID) -> OperatorState:
        row = await cls.db.fetchrow(
            f"SELECT {cls._COLUMNS} FROM operator_state WHERE tenant_id=$1 AND user_id=$2",
            tenant_id,
            user_id,
        )
        return cls._from_row(row) if row else cls(tenant_id, user_id)

    @classmethod
    async def all(cls, tenant_id: int) -> list[OperatorState]:
        """The state of every current operator of the tenant (defaults where none is stored)."""
        rows = await cls.db.fetch(
            "SELECT m.user_id, s.status, s.nominations, s.last_active, s.team, s.profile_name, "
            "s.profile_text, s.board_ghost FROM tenant_member m LEFT JOIN operator_state s "
            "ON s.tenant_id=m.tenant_id AND s.user_id=m.user_id "
            "WHERE m.tenant_id=$1 AND m.role='operator' ORDER BY m.added_at",
            tenant_id,
        )
        return [
            cls(
                tenant_id=tenant_id,
                user_id=UserID(row["user_id"]),
                status=row["status"] or "offline",
                nominations=bool(row["nominations"]),
                last_active=row["last_active"] or 0,
                team=row["team"],
                profile_name=row["profile_name"],
                profile_text=row["profile_text"],
                board_ghost=row["board_ghost"],
            )
            for row in rows
        ]

    async def save(self) -> None:
        await self.db.execute(
            "INSERT INTO operator_state (tenant_id, user_id, status, nominations, last_active, "
            "team, profile_name, profile_text, board_ghost) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            "ON CONFLICT (tenant_id, user_id) DO UPDATE SET status=$3, nominations=$4, "
            "last_active=$5, team=$6, profile_name=$7, profile_text=$8, board_ghost=$9",
            self.tenant_id,
            self.user_id,
            self.status,
            self.nominations,
            self.last_active,
            self.team,
            self.profile_name,
            self.profile_text,
            self.board_ghost,
        )
