from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Routing: operator state, business hours, halt, nominations")  # type: ignore[call-arg,arg-type]
async def upgrade_v5(conn: Connection, scheme: Scheme) -> None:
    for column in (
        "assign_mode TEXT NOT NULL DEFAULT 'manual'",
        "max_open INTEGER NOT NULL DEFAULT 5",
        "timezone TEXT NOT NULL DEFAULT 'Asia/Tokyo'",
        "hours TEXT",  # JSON: {"mon": [["09:00", "17:00"]], ...}; NULL = always open
        "closed_dates TEXT NOT NULL DEFAULT '[]'",
        "texts TEXT NOT NULL DEFAULT '{}'",  # the tenant's own wording of notices
        "halted_at BIGINT",
        "intake TEXT",  # JSON: {"question": ..., "answers": [{"label": ..., "team": ...}]}
    ):
        await conn.execute(f"ALTER TABLE tenant ADD COLUMN {column}")
    await conn.execute("""
        CREATE TABLE operator_state (
            tenant_id    BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            user_id      TEXT NOT NULL,
            status       TEXT NOT NULL DEFAULT 'offline',
            nominations  BOOLEAN NOT NULL DEFAULT false,
            last_active  BIGINT NOT NULL DEFAULT 0,
            team         TEXT,
            profile_name TEXT,
            profile_text TEXT,
            PRIMARY KEY (tenant_id, user_id)
        )
    """)
    await conn.execute("ALTER TABLE consult_case ADD COLUMN nominee TEXT")
    await conn.execute("ALTER TABLE consult_case ADD COLUMN team TEXT")
    await conn.execute("ALTER TABLE consult_case ADD COLUMN intake_poll TEXT")
