from __future__ import annotations

import json
from typing import Any, ClassVar

from attr import Factory, dataclass
from mautrix.types import RoomID, UserID
from mautrix.util.async_db import Database

from ..i18n import Lang

ADMIN = "admin"
OPERATOR = "operator"
_COLUMNS = (
    "id, slug, name, preset, language, suspended_at, trial_ends_at, seat_limit, space_room, "
    "admin_room, staff_room, created_at, greeting, queue_preview, personal_personas, "
    "assign_mode, max_open, timezone, hours, closed_dates, texts, halted_at, intake, board, "
    "board_room, board_max_chars, board_daily_topics, session_minutes, session_cutoff_hours, "
    "session_reminders, video_lead_minutes, video_url, country, currency, session_price, "
    "package_month, letter_reminder"
)


@dataclass
class Tenant:
    db: ClassVar[Database]

    id: int
    slug: str
    name: str
    preset: str
    language: Lang
    suspended_at: int | None
    trial_ends_at: int | None
    seat_limit: int | None
    space_room: RoomID | None
    admin_room: RoomID | None
    staff_room: RoomID | None
    created_at: int
    greeting: str | None = None
    queue_preview: bool = False
    personal_personas: bool = False
    assign_mode: str = "manual"
    max_open: int = 5
    timezone: str = "Asia/Tokyo"
    hours: dict[str, list[list[str]]] | None = None
    closed_dates: list[str] = Factory(list)
    texts: dict[str, str] = Factory(dict)
    halted_at: int | None = None
    intake: dict[str, Any] | None = None
    board: bool = False
    board_room: RoomID | None = None
    board_max_chars: int = 3000
    board_daily_topics: int = 5
    session_minutes: int = 50
    session_cutoff_hours: int = 24
    session_reminders: list[int] = Factory(lambda: [1440, 15])  # minutes before the start
    video_lead_minutes: int = 5
    video_url: str = "https://meet.jit.si/{room}"
    country: str = "JP"
    currency: str = "JPY"
    session_price: int = 0
    package_month: str = "started"
    letter_reminder: str = "start"

    @classmethod
    def _from_row(cls, row: Any) -> Tenant | None:
        if row is None:
            return None
        values = dict(row)
        values["queue_preview"] = bool(values["queue_preview"])
        values["personal_personas"] = bool(values["personal_personas"])
        values["board"] = bool(values["board"])
        for key in ("hours", "closed_dates", "texts", "intake", "session_reminders"):
            values[key] = json.loads(values[key]) if values[key] is not None else None
        return cls(**values)

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def halted(self) -> bool:
        return self.halted_at is not None

    @classmethod
    async def get_by_slug(cls, slug: str) -> Tenant | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {_COLUMNS} FROM tenant WHERE slug=$1", slug)
        )

    @classmethod
    async def get(cls, tenant_id: int) -> Tenant | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {_COLUMNS} FROM tenant WHERE id=$1", tenant_id)
        )

    @classmethod
    async def all(cls) -> list[Tenant]:
        rows = await cls.db.fetch(f"SELECT {_COLUMNS} FROM tenant ORDER BY slug")
        return [t for t in map(cls._from_row, rows) if t]

    @classmethod
    async def insert(cls, slug: str, name: str, preset: str, language: Lang, now: int) -> Tenant:
        await cls.db.execute(
            "INSERT INTO tenant (slug, name, preset, language, created_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            slug,
            name,
            preset,
            language,
            now,
        )
        tenant = await cls.get_by_slug(slug)
        assert tenant is not None
        return tenant

    async def save(self) -> None:
        await self.db.execute(
            "UPDATE tenant SET name=$2, suspended_at=$3, trial_ends_at=$4, seat_limit=$5, "
            "space_room=$6, admin_room=$7, staff_room=$8, greeting=$9, queue_preview=$10, "
            "personal_personas=$11, assign_mode=$12, max_open=$13, timezone=$14, hours=$15, "
            "closed_dates=$16, texts=$17, halted_at=$18, intake=$19, board=$20, board_room=$21, "
            "board_max_chars=$22, board_daily_topics=$23, session_minutes=$24, "
            "session_cutoff_hours=$25, session_reminders=$26, video_lead_minutes=$27, "
            "video_url=$28, country=$29, currency=$30, session_price=$31, package_month=$32, "
            "letter_reminder=$33 WHERE id=$1",
            self.id,
            self.name,
            self.suspended_at,
            self.trial_ends_at,
            self.seat_limit,
            self.space_room,
            self.admin_room,
            self.staff_room,
            self.greeting,
            self.queue_preview,
            self.personal_personas,
            self.assign_mode,
            self.max_open,
            self.timezone,
            None if self.hours is None else json.dumps(self.hours),
            json.dumps(self.closed_dates),
            json.dumps(self.texts, ensure_ascii=False),
            self.halted_at,
            None if self.intake is None else json.dumps(self.intake, ensure_ascii=False),
            self.board,
            self.board_room,
            self.board_max_chars,
            self.board_daily_topics,
            self.session_minutes,
            self.session_cutoff_hours,
            json.dumps(self.session_reminders),
            self.video_lead_minutes,
            self.video_url,
            self.country,
            self.currency,
            self.session_price,
            self.package_month,
            self.letter_reminder,
        )

    async def delete(self) -> None:
        await self.db.execute("DELETE FROM tenant WHERE id=$1", self.id)

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
