from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table

# Where each kind of room was recorded before the registry, in the order events looked them
# up: a room found twice keeps the first kind.
_BACKFILL = (
    "SELECT room_id, 'desk', tenant_id, id, NULL, NULL, NULL FROM client "
    "WHERE room_id IS NOT NULL",
    "SELECT case_room, 'case', tenant_id, NULL, id, NULL, NULL FROM consult_case "
    "WHERE case_room IS NOT NULL",
    "SELECT board_room, 'client_board', tenant_id, id, NULL, NULL, NULL FROM client "
    "WHERE board_room IS NOT NULL",
    "SELECT board_room, 'board', id, NULL, NULL, NULL, NULL FROM tenant "
    "WHERE board_room IS NOT NULL",
    "SELECT room_id, 'control', NULL, NULL, NULL, NULL, NULL FROM bot_room WHERE kind='control'",
    "SELECT admin_room, 'admin', id, NULL, NULL, NULL, NULL FROM tenant "
    "WHERE admin_room IS NOT NULL",
    "SELECT staff_room, 'staff', id, NULL, NULL, NULL, NULL FROM tenant "
    "WHERE staff_room IS NOT NULL",
    "SELECT private_room, 'private', tenant_id, NULL, NULL, NULL, user_id "
    "FROM operator_settings WHERE private_room IS NOT NULL",
    "SELECT space_room, 'space', id, NULL, NULL, NULL, NULL FROM tenant "
    "WHERE space_room IS NOT NULL",
    "SELECT room_id, 'group', tenant_id, NULL, NULL, id, NULL FROM client_group "
    "WHERE room_id IS NOT NULL",
)


@upgrade_table.register(description="One registry of the rooms soudan made")  # type: ignore[call-arg,arg-type]
async def upgrade_v10(conn: Connection, scheme: Scheme) -> None:
    await conn.execute("""
        CREATE TABLE room (
            room_id   TEXT PRIMARY KEY,
            kind      TEXT NOT NULL,
            tenant_id BIGINT REFERENCES tenant(id) ON DELETE CASCADE,
            client_id BIGINT REFERENCES client(id) ON DELETE CASCADE,
            case_id   BIGINT REFERENCES consult_case(id) ON DELETE CASCADE,
            group_id  BIGINT REFERENCES client_group(id) ON DELETE CASCADE,
            user_id   TEXT  -- the operator whose private room it is
        )
    """)
    for select in _BACKFILL:
        await conn.execute(
            "INSERT INTO room (room_id, kind, tenant_id, client_id, case_id, group_id, user_id) "
            f"{select} ON CONFLICT (room_id) DO NOTHING"
        )
