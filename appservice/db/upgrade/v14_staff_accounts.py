from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


# Version 14 (from 13): registered at its place whatever migrations come before it.
@upgrade_table.register(index=13, description="Staff accounts soudan created")  # type: ignore[call-arg,arg-type]
async def upgrade_v14(conn: Connection, scheme: Scheme) -> None:
    # The admin and operator accounts soudan made itself. Only these are deactivated when
    # their last role goes; a user who was appointed keeps their account. The row stays after
    # deactivation, so that the user ID is never taken for someone else's.
    await conn.execute("""
        CREATE TABLE staff_account (
            user_id        TEXT PRIMARY KEY,
            tenant_id      BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            nickname       TEXT NOT NULL,
            role           TEXT NOT NULL,
            created_at     BIGINT NOT NULL,
            deactivated_at BIGINT
        )
    """)
    # A nickname names one active account of the tenant (one removed may be used again).
    await conn.execute(
        "CREATE UNIQUE INDEX staff_account_nickname ON staff_account (tenant_id, nickname) "
        "WHERE deactivated_at IS NULL"
    )
