"""A case's event sequence numbers on a database of its own (every migration, on SQLite and
PostgreSQL): taken at once by many workers they stay unique, and the migration that adds the
unique index renumbers the duplicates written before it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from mautrix.types import EventID, RoomID
from mautrix.util.async_db import Database, UpgradeTable

from appservice import db
from appservice.db import EventMap

from .pgserver import PostgresServer

CLIENT_ROOM, CASE_ROOM = RoomID("!client:x"), RoomID("!case:x")


async def _case(database: Database) -> int:
    await database.execute(
        "INSERT INTO tenant (slug, name, preset, language, created_at) "
        "VALUES ('t', 'T', 'counseling', 'en', 0)"
    )
    tenant = int(await database.fetchval("SELECT id FROM tenant"))
    await database.execute(
        "INSERT INTO client (tenant_id, user_id, nickname, created_at) "
        "VALUES ($1, '@c:x', 'A', 0)",
        tenant,
    )
    client = int(await database.fetchval("SELECT id FROM client"))
    # Plain SQL: the model knows columns that later migrations add, and the migration test
    # writes to a database from before them.
    await database.execute(
        "INSERT INTO consult_case (tenant_id, client_id, number, status, opened_at) "
        "VALUES ($1, $2, 1, 'waiting', 0)",
        tenant,
        client,
    )
    return int(await database.fetchval("SELECT id FROM consult_case"))


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:{tmp_path / 'seq.db'}"
        return
    pg: PostgresServer = request.getfixturevalue("postgres")
    name = f"soudan_seq_{uuid.uuid4().hex[:12]}"
    yield pg.create_database(name)
    pg.drop_database(name)


@pytest.fixture
async def case(url: str) -> AsyncIterator[int]:
    database = Database.create(url, upgrade_table=db.upgrade_table)
    await database.start()
    db.init(database)
    try:
        yield await _case(database)
    finally:
        await database.stop()


async def test_two_rooms_adding_at_once_never_share_a_number(case: int) -> None:
    async def side(source: RoomID, target: RoomID, name: str) -> None:
        for n in range(40):
            event = EventID(f"${name}{n}")
            await EventMap.add(case, source, event, target, EventID(f"{event}-copy"))

    await asyncio.gather(side(CLIENT_ROOM, CASE_ROOM, "a"), side(CASE_ROOM, CLIENT_ROOM, "b"))
    seqs = [r["seq"] for r in await EventMap.db.fetch("SELECT seq FROM event_map")]
    assert len(seqs) == 80 and len(set(seqs)) == 80


async def test_the_migration_renumbers_duplicates_in_their_order(url: str) -> None:
    before = UpgradeTable(version_table_name="soudan_version", database_name="soudan")
    before.upgrades = db.upgrade_table.upgrades[:9]
    old = Database.create(url, upgrade_table=before)
    await old.start()
    db.init(old)
    try:
        case = await _case(old)
        for seq, event in ((1, "$a"), (2, "$b"), (2, "$c"), (3, "$d"), (3, "$e")):
            await old.execute(
                "INSERT INTO event_map (case_id, source_room, source_event, target_room, seq) "
                "VALUES ($1, $2, $3, $4, $5)",
                case,
                CLIENT_ROOM,
                event,
                CASE_ROOM,
                seq,
            )
    finally:
        await old.stop()
    new = Database.create(url, upgrade_table=db.upgrade_table)
    await new.start()
    db.init(new)
    try:
        rows = await new.fetch("SELECT source_event, seq FROM event_map ORDER BY seq")
        assert [(r["source_event"], r["seq"]) for r in rows] == [
            ("$a", 1), ("$b", 2), ("$c", 3), ("$d", 4), ("$e", 5),
        ]  # fmt: skip
        await EventMap.add(case, CLIENT_ROOM, EventID("$f"), CASE_ROOM, None)
        assert await new.fetchval("SELECT seq FROM event_map WHERE source_event='$f'") == 6
    finally:
        await new.stop()
