from __future__ import annotations

import json
from typing import Any, ClassVar

from attr import Factory, dataclass
from mautrix.types import RoomID
from mautrix.util.async_db import Database

from ..i18n import Lang
from .tenant_member import TenantMembers

_COLUMNS = (
    "id, slug, name, preset, language, suspended_at, trial_ends_at, seat_limit, space_room, "
    "admin_room, staff_room, created_at, greeting, queue_preview, personal_personas, "
    "assign_mode, max_open, timezone, hours, closed_dates, texts, halted_at, intake, board, "
    "board_room, board_max_chars, board_daily_topics, session_minutes, session_cutoff_hours, "
    "session_reminders, video_lead_minutes, video_url, country, currency, session_price, "
    "package_month, letter_reminder, group_chat, deleted_at"
)
# A deleted tenant keeps its row and its records; no look-up but the ``_any`` ones finds it,
# so nothing of it is relayed, scheduled or answered.
_LIVE = "deleted_at IS NULL"


@dataclass
class Tenant(TenantMembers):
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
    group_chat: bool = False  # members of a group talk with each other in its room
    deleted_at: int | None = None

    @classmethod
    def _from_row(cls, row: Any) -> Tenant | None:
        if row is None:
            return None
        values = dict(row)
        values["queue_preview"] = bool(values["queue_preview"])
        values["personal_personas"] = bool(values["personal_personas"])
        values["board"] = bool(values["board"])
        values["group_chat"] = bool(values["group_chat"])
        for key in ("hours", "closed_dates", "texts", "intake", "session_reminders"):
            values[key] = json.loads(values[key]) if values[key] is not None else None
        return cls(**values)

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def halted(self) -> bool:
        return self.halted_at is not None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    async def get_by_slug(cls, slug: str) -> Tenant | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {_COLUMNS} FROM tenant WHERE slug=$1 AND {_LIVE}", slug)
        )

    @classmethod
    async def get(cls, tenant_id: int) -> Tenant | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {_COLUMNS} FROM tenant WHERE id=$1 AND {_LIVE}", tenant_id
            )
        )

    @classmethod
    async def get_any(cls, tenant_id: int) -> Tenant | None:
        """The tenant, deleted or not."""
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {_COLUMNS} FROM tenant WHERE id=$1", tenant_id)
        )

    @classmethod
    async def get_any_by_slug(cls, slug: str) -> Tenant | None:
        """The tenant that has or had this slug, deleted or not."""
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {_COLUMNS} FROM tenant WHERE slug=$1", slug)
        )

    @classmethod
    async def all(cls) -> list[Tenant]:
        rows = await cls.db.fetch(f"SELECT {_COLUMNS} FROM tenant WHERE {_LIVE} ORDER BY slug")
        return [t for t in map(cls._from_row, rows) if t]

    async def mark_deleted(self, now: int) -> None:
        self.deleted_at = now
        await self.db.execute(
            "UPDATE tenant SET deleted_at=$2, deletion_code=NULL, deletion_code_until=NULL "
            "WHERE id=$1",
            self.id,
            now,
        )

    async def set_deletion_code(self, code: str | None, until: int | None) -> None:
        await self.db.execute(
            "UPDATE tenant SET deletion_code=$2, deletion_code_until=$3 WHERE id=$1",
            self.id,
            code,
            until,
        )

    async def deletion_code(self) -> tuple[str, int] | None:
        """The confirmation code asked for last, and until when it holds."""
        row = await self.db.fetchrow(
            "SELECT deletion_code, deletion_code_until FROM tenant WHERE id=$1", self.id
        )
        if row is None or row["deletion_code"] is None:
            return None
        return str(row["deletion_code"]), int(row["deletion_code_until"])

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
            "letter_reminder=$33, group_chat=$34 WHERE id=$1",
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
            self.group_chat,
        )

    async def delete(self) -> None:
        await self.db.execute("DELETE FROM tenant WHERE id=$1", self.id)
