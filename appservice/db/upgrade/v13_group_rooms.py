from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


# Version 13 (from 12): registered at its place whatever migrations come before it.
@upgrade_table.register(index=12, description="Group rooms follow the tenant's group chat")  # type: ignore[call-arg,arg-type]
async def upgrade_v13(conn: Connection, scheme: Scheme) -> None:
    # Members of a group talk with each other only where the tenant says so: clubs do, while
    # in counseling and workplace tenants clients never meet (a group is an audience for
    # notices, which reach each member's own desk room).
    await conn.execute("ALTER TABLE tenant ADD COLUMN group_chat BOOLEAN NOT NULL DEFAULT false")
    await conn.execute("UPDATE tenant SET group_chat = true WHERE preset = 'club'")
    # What each group's room was last brought to on the homeserver ('chat' or 'notices').
    # NULL for every existing group: a migration cannot reach the homeserver, so the process
    # brings those rooms in line (power levels, members) when it starts.
    await conn.execute("ALTER TABLE client_group ADD COLUMN room_mode TEXT")
