from __future__ import annotations

from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import RoomID, UserID
from mautrix.util.async_db import Database


@dataclass
class Client:
    """A client account: a nickname (none for vouchers), its Matrix ID and its client room.

    A removed client keeps its row (``removed_at``): its records stay under its alias. Only
    :meth:`get` finds it; every look-up by person (nickname, Matrix ID, the tenant's list)
    finds the clients still there."""

    db: ClassVar[Database]

    id: int
    tenant_id: int
    user_id: UserID
    nickname: str | None
    room_id: RoomID | None
    created_at: int
    ghost: str | None = None
    alias: str | None = None
    board_room: RoomID | None = None
    removed_at: int | None = None

    _COLUMNS: ClassVar[str] = (
        "id, tenant_id, user_id, nickname, room_id, created_at, ghost, alias, board_room, "
        "removed_at"
    )

    @classmethod
    def _from_row(cls, row: Any) -> Client | None:
        return cls(**dict(row)) if row else None

    @classmethod
    async def get(cls, client_id: int) -> Client | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {cls._COLUMNS} FROM client WHERE id=$1", client_id)
        )

    @classmethod
    async def get_by_user(cls, user_id: UserID) -> Client | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {cls._COLUMNS} FROM client WHERE user_id=$1 AND removed_at IS NULL",
                user_id,
            )
        )

    @classmethod
    async def get_by_nickname(cls, tenant_id: int, nickname: str) -> Client | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {cls._COLUMNS} FROM client WHERE tenant_id=$1 AND nickname=$2 "
                "AND removed_at IS NULL",
                tenant_id,
                nickname,
            )
        )

    async def set_board_room(self, room_id: RoomID) -> None:
        await self.db.execute("UPDATE client SET board_room=$2 WHERE id=$1", self.id, room_id)
        self.board_room = room_id

    @classmethod
    async def all(cls, tenant_id: int) -> list[Client]:
        rows = await cls.db.fetch(
            f"SELECT {cls._COLUMNS} FROM client WHERE tenant_id=$1 AND removed_at IS NULL "
            "ORDER BY id",
            tenant_id,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def aliases(cls, tenant_id: int) -> set[str]:
        """Every alias the tenant's clients were given, removed clients' too: records name a
        client by alias, so an alias is never given twice."""
        rows = await cls.db.fetch(
            "SELECT alias FROM client WHERE tenant_id=$1 AND alias IS NOT NULL", tenant_id
        )
        return {str(row["alias"]) for row in rows}

    @classmethod
    async def insert(
        cls, tenant_id: int, user_id: UserID, nickname: str | None, now: int
    ) -> Client:
        await cls.db.execute(
            "INSERT INTO client (tenant_id, user_id, nickname, created_at) "
            "VALUES ($1, $2, $3, $4)",
            tenant_id,
            user_id,
            nickname,
            now,
        )
        client = await cls.get_by_user(user_id)
        assert client is not None
        return client

    async def set_room(self, room_id: RoomID) -> None:
        self.room_id = room_id
        await self.db.execute("UPDATE client SET room_id=$2 WHERE id=$1", self.id, room_id)

    async def mark_removed(self, now: int | None) -> None:
        """Removed at ``now``, or (None) there again: a removal the homeserver refused."""
        self.removed_at = now
        await self.db.execute("UPDATE client SET removed_at=$2 WHERE id=$1", self.id, now)

    @classmethod
    async def remove_all(cls, tenant_id: int, now: int) -> None:
        await cls.db.execute(
            "UPDATE client SET removed_at=$2 WHERE tenant_id=$1 AND removed_at IS NULL",
            tenant_id,
            now,
        )

    @classmethod
    async def user_ids_ever(cls, tenant_id: int) -> list[UserID]:
        """The accounts made for the tenant's clients, removed ones included."""
        rows = await cls.db.fetch(
            "SELECT user_id FROM client WHERE tenant_id=$1 ORDER BY id", tenant_id
        )
        return [UserID(row["user_id"]) for row in rows]

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    async def set_ghost(self, ghost: str, alias: str) -> None:
        self.ghost, self.alias = ghost, alias
        await self.db.execute(
            "UPDATE client SET ghost=$2, alias=$3 WHERE id=$1", self.id, ghost, alias
        )

    @property
    def label(self) -> str:
        return self.nickname or self.user_id


@dataclass
class Group:
    db: ClassVar[Database]

    id: int
    tenant_id: int
    name: str
    room_id: RoomID | None
    # What the room was last brought to ("chat" or "notices"); None: not yet (see v13).
    room_mode: str | None = None

    @classmethod
    async def get(cls, tenant_id: int, name: str) -> Group | None:
        row = await cls.db.fetchrow(
            "SELECT id, tenant_id, name, room_id, room_mode FROM client_group "
            "WHERE tenant_id=$1 AND name=$2",
            tenant_id,
            name,
        )
        return cls(**dict(row)) if row else None

    @classmethod
    async def all(cls, tenant_id: int) -> list[Group]:
        rows = await cls.db.fetch(
            "SELECT id, tenant_id, name, room_id, room_mode FROM client_group WHERE tenant_id=$1 "
            "ORDER BY name",
            tenant_id,
        )
        return [cls(**dict(row)) for row in rows]

    @classmethod
    async def insert(cls, tenant_id: int, name: str) -> Group:
        await cls.db.execute(
            "INSERT INTO client_group (tenant_id, name) VALUES ($1, $2)", tenant_id, name
        )
        group = await cls.get(tenant_id, name)
        assert group is not None
        return group

    async def save(self) -> None:
        await self.db.execute(
            "UPDATE client_group SET name=$2, room_id=$3, room_mode=$4 WHERE id=$1",
            self.id,
            self.name,
            self.room_id,
            self.room_mode,
        )

    async def delete(self) -> None:
        await self.db.execute("DELETE FROM group_member WHERE group_id=$1", self.id)
        await self.db.execute("DELETE FROM client_group WHERE id=$1", self.id)

    async def members(self) -> list[Client]:
        rows = await self.db.fetch(
            "SELECT c.id, c.tenant_id, c.user_id, c.nickname, c.room_id, c.created_at, "
            "c.ghost, c.alias "
            "FROM client c JOIN group_member m ON m.client_id=c.id WHERE m.group_id=$1 "
            "AND c.removed_at IS NULL "
            "ORDER BY c.nickname",
            self.id,
        )
        return [Client(**dict(row)) for row in rows]

    async def add(self, client: Client) -> bool:
        if await self.db.fetchval(
            "SELECT 1 FROM group_member WHERE group_id=$1 AND client_id=$2", self.id, client.id
        ):
            return False
        await self.db.execute(
            "INSERT INTO group_member (group_id, client_id) VALUES ($1, $2)", self.id, client.id
        )
        return True

    async def remove(self, client: Client) -> bool:
        if not await self.db.fetchval(
            "SELECT 1 FROM group_member WHERE group_id=$1 AND client_id=$2", self.id, client.id
        ):
            return False
        await self.db.execute(
            "DELETE FROM group_member WHERE group_id=$1 AND client_id=$2", self.id, client.id
        )
        return True

    @classmethod
    async def tenants_out_of_line(cls) -> list[int]:
        """Tenants with a group whose room was not yet brought to the tenant's group chat
        setting."""
        rows = await cls.db.fetch(
            "SELECT DISTINCT g.tenant_id FROM client_group g JOIN tenant t ON t.id=g.tenant_id "
            "WHERE g.room_mode IS NULL "
            "OR g.room_mode <> (CASE WHEN t.group_chat THEN 'chat' ELSE 'notices' END)"
        )
        return [int(row["tenant_id"]) for row in rows]

    @classmethod
    async def of_client(cls, client: Client) -> list[Group]:
        rows = await cls.db.fetch(
            "SELECT g.id, g.tenant_id, g.name, g.room_id, g.room_mode FROM client_group g "
            "JOIN group_member m ON m.group_id=g.id WHERE m.client_id=$1",
            client.id,
        )
        return [cls(**dict(row)) for row in rows]
