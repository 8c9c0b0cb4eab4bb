from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


# Version 15 (from 14): registered at its place whatever migrations come before it.
@upgrade_table.register(index=14, description="Removed clients and deleted tenants keep records")  # type: ignore[call-arg,arg-type]
async def upgrade_v15(conn: Connection, scheme: Scheme) -> None:
    # A removed client's row stays, with its alias, so that its cases, ratings, notes, tickets,
    # bookings, packages and statements read as they did; the account itself is deactivated.
    await conn.execute("ALTER TABLE client ADD COLUMN removed_at BIGINT")
    # A nickname is unique among the clients still there: a client removed after a hijack
    # comes back under the same nickname with a new account.
    await conn.execute("DROP INDEX client_nickname")
    await conn.execute(
        "CREATE UNIQUE INDEX client_nickname ON client (tenant_id, nickname) "
        "WHERE removed_at IS NULL"
    )
    # A deleted tenant keeps its row (and so its slug, which is never given again) and its
    # records; nothing of it is relayed or scheduled any more.
    await conn.execute("ALTER TABLE tenant ADD COLUMN deleted_at BIGINT")
    # The code a platform admin repeats to confirm a deletion, and until when it holds.
    await conn.execute("ALTER TABLE tenant ADD COLUMN deletion_code TEXT")
    await conn.execute("ALTER TABLE tenant ADD COLUMN deletion_code_until BIGINT")
