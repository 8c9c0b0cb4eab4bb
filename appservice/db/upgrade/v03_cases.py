from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Cases, the relay's event map, tenant chat settings")  # type: ignore[call-arg,arg-type]
async def upgrade_v3(conn: Connection, scheme: Scheme) -> None:
    serial = "BIGSERIAL PRIMARY KEY" if scheme != Scheme.SQLITE else "INTEGER PRIMARY KEY"
    await conn.execute("ALTER TABLE tenant ADD COLUMN greeting TEXT")
    await conn.execute(
        "ALTER TABLE tenant ADD COLUMN queue_preview BOOLEAN NOT NULL DEFAULT false"
    )
    await conn.execute("ALTER TABLE tenant ADD COLUMN next_case INTEGER NOT NULL DEFAULT 1")
    # The ghost that stands for a client in case rooms: an opaque localpart and an alias,
    # never derived from the client's Matrix ID.
    await conn.execute("ALTER TABLE client ADD COLUMN ghost TEXT")
    await conn.execute("ALTER TABLE client ADD COLUMN alias TEXT")
    await conn.execute(f"""
        CREATE TABLE consult_case (
            id                {serial},
            tenant_id         BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            client_id         BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,
            number            INTEGER NOT NULL,
            status            TEXT NOT NULL,
            operator_id       TEXT,
            case_room         TEXT,
            opened_at         BIGINT NOT NULL,
            assigned_at       BIGINT,
            first_response_at BIGINT,
            closed_at         BIGINT,
            rating            INTEGER,
            rating_poll       TEXT,
            UNIQUE (tenant_id, number)
        )
    """)
    await conn.execute("CREATE INDEX case_client ON consult_case (client_id, status)")
    await conn.execute("CREATE INDEX case_room ON consult_case (case_room)")
    # Each relayed copy: where it came from and where it went. A client message written before
    # the case was taken waits here with no target yet.
    await conn.execute("""
        CREATE TABLE event_map (
            case_id      BIGINT NOT NULL REFERENCES consult_case(id) ON DELETE CASCADE,
            source_room  TEXT NOT NULL,
            source_event TEXT NOT NULL,
            target_room  TEXT NOT NULL,
            target_event TEXT,
            seq          BIGINT NOT NULL,
            PRIMARY KEY (source_event, target_room)
        )
    """)
    await conn.execute("CREATE INDEX event_map_target ON event_map (target_event)")
    await conn.execute("CREATE INDEX event_map_case ON event_map (case_id, seq)")
