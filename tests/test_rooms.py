"""The room registry's migration: an existing database (every migration up to the one
before, on SQLite and on PostgreSQL) gets a row for every room it knew, with its kind, tenant
and owner."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from mautrix.types import RoomID
from mautrix.util.async_db import Database, UpgradeTable

from appservice import db
from appservice.db import Room


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_the_migration_registers_every_room_already_made(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "postgres":
        url = request.getfixturevalue("postgres").create_database(f"rooms_{uuid.uuid4().hex[:12]}")
    else:
        url = f"sqlite:{tmp_path / 'rooms.db'}"
    before = UpgradeTable(version_table_name="soudan_version", database_name="soudan")
    before.upgrades = db.upgrade_table.upgrades[:9]
    old = Database.create(url, upgrade_table=before)
    await old.start()
    rows = (
        "INSERT INTO bot_room (room_id, kind, created_at) VALUES ('!control', 'control', 0)",
        "INSERT INTO tenant (slug, name, preset, language, created_at, space_room, admin_room, "
        "staff_room, board_room) VALUES ('t', 'T', 'counseling', 'en', 0, '!space', '!admin', "
        "'!staff', '!board')",
        "INSERT INTO tenant (slug, name, preset, language, created_at) "
        "VALUES ('u', 'U', 'counseling', 'en', 0)",  # no rooms yet
        "INSERT INTO client (tenant_id, user_id, nickname, room_id, board_room, created_at) "
        "VALUES (1, '@c:x', 'Aoi', '!desk', '!cboard', 0)",
        "INSERT INTO client (tenant_id, user_id, nickname, created_at) "
        "VALUES (1, '@d:x', 'Ren', 0)",
        "INSERT INTO consult_case (tenant_id, client_id, number, status, opened_at, "
        "operator_id, case_room) VALUES (1, 1, 1, 'closed', 0, '@op:x', '!case')",
        "INSERT INTO client_group (tenant_id, name, room_id) VALUES (1, 'club', '!group')",
        "INSERT INTO operator_settings (tenant_id, user_id, private_room) "
        "VALUES (1, '@op:x', '!private')",
    )
    for row in rows:
        await old.execute(row)
    await old.stop()

    database = Database.create(url, upgrade_table=db.upgrade_table)
    await database.start()
    db.init(database)
    try:
        found = {
            row["room_id"]: tuple(row)[1:]
            for row in await database.fetch(
                "SELECT room_id, kind, tenant_id, client_id, case_id, group_id, user_id FROM room"
            )
        }
        assert found == {
            "!control": ("control", None, None, None, None, None),
            "!space": ("space", 1, None, None, None, None),
            "!admin": ("admin", 1, None, None, None, None),
            "!staff": ("staff", 1, None, None, None, None),
            "!board": ("board", 1, None, None, None, None),
            "!desk": ("desk", 1, 1, None, None, None),
            "!cboard": ("client_board", 1, 1, None, None, None),
            "!case": ("case", 1, None, 1, None, None),
            "!group": ("group", 1, None, None, 1, None),
            "!private": ("private", 1, None, None, None, "@op:x"),
        }
        room = await Room.get(RoomID("!case"))
        assert room is not None and (room.kind, room.case_id) == ("case", 1)
        await Room.add(RoomID("!case"), "case", 1, case_id=1)  # again: nothing changes
        assert await Room.get(RoomID("!nowhere")) is None
    finally:
        await database.stop()
