from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Personal personas of operators")  # type: ignore[call-arg,arg-type]
async def upgrade_v4(conn: Connection, scheme: Scheme) -> None:
    await conn.execute(
        "ALTER TABLE tenant ADD COLUMN personal_personas BOOLEAN NOT NULL DEFAULT false"
    )
    # The ghost that speaks for an operator who chose a personal persona: its own opaque
    # localpart and the display name the operator picked, never their Matrix ID.
    await conn.execute("""
        CREATE TABLE operator_persona (
            tenant_id BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            user_id   TEXT NOT NULL,
            ghost     TEXT NOT NULL,
            name      TEXT NOT NULL,
            active    BOOLEAN NOT NULL DEFAULT true,
            PRIMARY KEY (tenant_id, user_id)
        )
    """)
