"""The migration that cleans stored board texts: its text cleaning on its own, and the upgrade
of a database (every migration before it, on SQLite and on PostgreSQL) holding dirty posts."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from mautrix.util.async_db import Database, UpgradeTable

from appservice import db
from appservice.db.upgrade.v12_board_text import clean_text


@pytest.mark.parametrize(
    ("stored", "cleaned"),
    [
        # An old-form reply fallback at the start goes, with the empty line after it.
        ("> <@c-abc:soudan.test> my topic\n\nIt got worse.", "It got worse."),
        ("> <@op:soudan.test> first line\n> second line\n\nThanks", "Thanks"),
        ("> * <@c-abc:soudan.test> waves\n\nhello", "hello"),
        ("\n  > <@c-abc:soudan.test> quoted\n\nafter a newline", "after a newline"),
        # A quote that names nobody is the author's own, and stays.
        ("> only a quote", "> only a quote"),
        ("> a quote\n\nand text", "> a quote\n\nand text"),
        # Nothing but a fallback: the quote stays, naming nobody.
        ("> <@c-abc:soudan.test> alone", "> <someone> alone"),
        # User IDs and links to users anywhere else become the neutral word.
        ("ask @op1:soudan.test please", "ask someone please"),
        ("ask @op1:soudan.test.", "ask someone."),
        ("ask @op1:localhost:8448, then", "ask someone, then"),
        ("see https://matrix.to/#/@op1:soudan.test now", "see someone now"),
        ("see https://matrix.to/#/%40op1%3Asoudan.test now", "see someone now"),
        ("see matrix:u/op1:soudan.test now", "see someone now"),
        ("@a:[::1]:8448 and @b:10.0.0.1", "someone and someone"),
        # What is no user stays: e-mail addresses, rooms, plain at-signs.
        ("mail me@example.org", "mail me@example.org"),
        ("meet @ 5, room #club:soudan.test", "meet @ 5, room #club:soudan.test"),
        ("plain text", "plain text"),
    ],
)
def test_clean_text(stored: str, cleaned: str) -> None:
    assert clean_text(stored, "someone") == cleaned


def test_clean_text_twice_changes_nothing_more() -> None:
    once = clean_text("> <@c-a:x.test> q\n\nhi @op:x.test", "だれか")
    assert once == "hi だれか"
    assert clean_text(once, "だれか") == once


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_the_migration_cleans_stored_topics_and_posts(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "postgres":
        url = request.getfixturevalue("postgres").create_database(f"board_{uuid.uuid4().hex[:12]}")
    else:
        url = f"sqlite:{tmp_path / 'board.db'}"
    before = UpgradeTable(version_table_name="soudan_version", database_name="soudan")
    before.upgrades = db.upgrade_table.upgrades[:11]
    old = Database.create(url, upgrade_table=before)
    await old.start()
    rows = (
        "INSERT INTO tenant (slug, name, preset, language, created_at) "
        "VALUES ('t', 'T', 'counseling', 'ja', 0)",
        "INSERT INTO tenant (slug, name, preset, language, created_at) "
        "VALUES ('u', 'U', 'counseling', 'en', 0)",
        "INSERT INTO client (tenant_id, user_id, nickname, created_at) "
        "VALUES (1, '@c-aoi:x.test', 'Aoi', 0)",
        "INSERT INTO client (tenant_id, user_id, nickname, created_at) "
        "VALUES (2, '@c-ren:x.test', 'Ren', 0)",
        "INSERT INTO board_topic (tenant_id, number, client_id, ghost, body, created_at, "
        "source_event) VALUES (1, 1, 1, 'topic_a', 'I cannot sleep.', 0, '$t1')",
        "INSERT INTO board_topic (tenant_id, number, client_id, ghost, body, created_at, "
        "source_event) VALUES (1, 2, 1, 'topic_b', '> <@c-aoi:x.test> I cannot sleep.\n\n"
        "Still awake, @c-aoi:x.test', 0, '$t2')",
        "INSERT INTO board_topic (tenant_id, number, client_id, ghost, body, created_at, "
        "source_event) VALUES (2, 1, 2, 'topic_c', 'ping @op2:x.test', 0, '$t3')",
        "INSERT INTO board_post (topic_id, number, operator_id, body, created_at, "
        "source_event) VALUES (1, NULL, NULL, '> <@c-aoi:x.test> I cannot sleep.\n\n"
        "It started last month.', 0, '$p1')",
        "INSERT INTO board_post (topic_id, number, operator_id, body, created_at, hidden_at, "
        "source_event) VALUES (1, 1, '@op1:x.test', '> <@op2:x.test> Rest well.\n\n"
        "Agreed with https://matrix.to/#/@op2:x.test', 0, 5, '$p2')",
        "INSERT INTO board_post (topic_id, number, operator_id, body, created_at, "
        "source_event) VALUES (3, 1, '@op1:x.test', '> only a quote', 0, '$p3')",
    )
    for row in rows:
        await old.execute(row)
    await old.stop()

    database = Database.create(url, upgrade_table=db.upgrade_table)
    await database.start()
    try:
        topics = await database.fetch("SELECT source_event, body FROM board_topic ORDER BY id")
        assert [(r["source_event"], r["body"]) for r in topics] == [
            ("$t1", "I cannot sleep."),
            ("$t2", "Still awake, だれか"),
            ("$t3", "ping someone"),
        ]
        posts = await database.fetch("SELECT source_event, body FROM board_post ORDER BY id")
        assert [(r["source_event"], r["body"]) for r in posts] == [
            ("$p1", "It started last month."),
            ("$p2", "Agreed with だれか"),  # hidden posts too: the audit keeps no IDs either
            ("$p3", "> only a quote"),
        ]
        version = await database.fetchval("SELECT version FROM soudan_version")
        assert version == len(db.upgrade_table.upgrades)
    finally:
        await database.stop()
