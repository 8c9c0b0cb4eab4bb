from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


# Version 16 (from 15): registered at its place whatever migrations come before it.
@upgrade_table.register(index=15, description="Who sent a case back to the queue")  # type: ignore[call-arg,arg-type]
async def upgrade_v16(conn: Connection, scheme: Scheme) -> None:
    # The operator who last sent the case back to the queue: automatic routing passes over
    # them until someone is given the case. NULL for every case so far.
    await conn.execute("ALTER TABLE consult_case ADD COLUMN sent_back_by TEXT")
