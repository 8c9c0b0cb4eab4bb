from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Scheduled sessions: slots, bookings and calendar feeds")  # type: ignore[call-arg,arg-type]
async def upgrade_v8(conn: Connection, scheme: Scheme) -> None:
    serial = "BIGSERIAL PRIMARY KEY" if scheme != Scheme.SQLITE else "INTEGER PRIMARY KEY"
    for column in (
        "session_minutes INTEGER NOT NULL DEFAULT 50",
        "session_cutoff_hours INTEGER NOT NULL DEFAULT 24",
        "session_reminders TEXT NOT NULL DEFAULT '[1440, 15]'",  # minutes before the start
        "video_lead_minutes INTEGER NOT NULL DEFAULT 5",
        "video_url TEXT NOT NULL DEFAULT 'https://meet.jit.si/{room}'",
        "next_slot INTEGER NOT NULL DEFAULT 1",
        "next_booking INTEGER NOT NULL DEFAULT 1",
    ):
        await conn.execute(f"ALTER TABLE tenant ADD COLUMN {column}")
    # The hash of the operator's calendar feed token; the token itself is shown once.
    await conn.execute("ALTER TABLE operator_state ADD COLUMN calendar_token TEXT")
    await conn.execute(
        "CREATE UNIQUE INDEX operator_calendar_token ON operator_state (calendar_token)"
    )
    # One occurrence of an operator's availability. A series is the occurrences sharing
    # ``series``. ``booked`` only ever moves in one UPDATE that checks it against ``capacity``,
    # and the CHECK holds the line should anything else try.
    await conn.execute(f"""
        CREATE TABLE slot (
            id           {serial},
            tenant_id    BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            number       INTEGER NOT NULL,
            operator_id  TEXT NOT NULL,
            series       TEXT,
            starts_at    BIGINT NOT NULL,
            ends_at      BIGINT NOT NULL,
            capacity     INTEGER NOT NULL,
            booked       INTEGER NOT NULL DEFAULT 0,
            created_at   BIGINT NOT NULL,
            removed_at   BIGINT,
            UNIQUE (tenant_id, number),
            CHECK (booked >= 0 AND booked <= capacity)
        )
    """)
    await conn.execute("CREATE INDEX slot_operator ON slot (tenant_id, operator_id, starts_at)")
    await conn.execute("CREATE INDEX slot_time ON slot (tenant_id, starts_at)")
    # A booking is also the session's record: it stays, with the client's alias of the day,
    # when the slot is removed or the client deleted.
    await conn.execute(f"""
        CREATE TABLE booking (
            id           {serial},
            tenant_id    BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            number       INTEGER NOT NULL,
            slot_id      BIGINT NOT NULL REFERENCES slot(id),
            client_id    BIGINT REFERENCES client(id) ON DELETE SET NULL,
            client_alias TEXT NOT NULL,
            operator_id  TEXT NOT NULL,
            starts_at    BIGINT NOT NULL,
            ends_at      BIGINT NOT NULL,
            status       TEXT NOT NULL DEFAULT 'booked',
            created_at   BIGINT NOT NULL,
            changed_at   BIGINT NOT NULL,
            uid          TEXT NOT NULL UNIQUE,
            sequence     INTEGER NOT NULL DEFAULT 0,
            video_room   TEXT NOT NULL,
            UNIQUE (tenant_id, number)
        )
    """)
    await conn.execute(
        "CREATE UNIQUE INDEX booking_once ON booking (slot_id, client_id) WHERE status='booked'"
    )
    await conn.execute("CREATE INDEX booking_time ON booking (tenant_id, starts_at)")
    await conn.execute("CREATE INDEX booking_client ON booking (client_id, starts_at)")
    await conn.execute("CREATE INDEX booking_operator ON booking (operator_id, starts_at)")
