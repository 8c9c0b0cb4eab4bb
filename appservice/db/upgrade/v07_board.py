from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Board: topics, answers, and every event that shows them")  # type: ignore[call-arg,arg-type]
async def upgrade_v7(conn: Connection, scheme: Scheme) -> None:
    serial = "BIGSERIAL PRIMARY KEY" if scheme != Scheme.SQLITE else "INTEGER PRIMARY KEY"
    for column in (
        "board BOOLEAN NOT NULL DEFAULT false",
        "board_room TEXT",  # the operators' board room
        "board_max_chars INTEGER NOT NULL DEFAULT 3000",
        "board_daily_topics INTEGER NOT NULL DEFAULT 5",
        "next_topic INTEGER NOT NULL DEFAULT 1",
    ):
        await conn.execute(f"ALTER TABLE tenant ADD COLUMN {column}")
    await conn.execute("UPDATE tenant SET board=true WHERE preset IN ('counseling', 'club')")
    await conn.execute("ALTER TABLE client ADD COLUMN board_room TEXT")
    await conn.execute("CREATE INDEX client_board_room ON client (board_room)")
    # The ghost that speaks for the operator on the board, under their profile name.
    await conn.execute("ALTER TABLE operator_state ADD COLUMN board_ghost TEXT")
    for column in (
        "moderate BOOLEAN NOT NULL DEFAULT false",
        "notify_new_topic BOOLEAN NOT NULL DEFAULT true",
    ):
        await conn.execute(f"ALTER TABLE operator_settings ADD COLUMN {column}")
    # A topic: its author is a client, shown to everyone else only as the topic's own ghost.
    await conn.execute(f"""
        CREATE TABLE board_topic (
            id           {serial},
            tenant_id    BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            number       INTEGER NOT NULL,
            client_id    BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,
            ghost        TEXT NOT NULL,
            body         TEXT NOT NULL,
            created_at   BIGINT NOT NULL,
            closed_at    BIGINT,
            hidden_at    BIGINT,
            hidden_by    TEXT,
            source_event TEXT NOT NULL UNIQUE,
            root_event   TEXT,
            UNIQUE (tenant_id, number)
        )
    """)
    await conn.execute("CREATE INDEX board_topic_client ON board_topic (client_id, created_at)")
    # Follow-ups by the author (no operator, no number) and answers by operators (numbered
    # within the topic). Hidden posts stay for the audit.
    await conn.execute(f"""
        CREATE TABLE board_post (
            id           {serial},
            topic_id     BIGINT NOT NULL REFERENCES board_topic(id) ON DELETE CASCADE,
            number       INTEGER,
            operator_id  TEXT,
            body         TEXT NOT NULL,
            created_at   BIGINT NOT NULL,
            hidden_at    BIGINT,
            hidden_by    TEXT,
            source_event TEXT NOT NULL UNIQUE
        )
    """)
    await conn.execute("CREATE INDEX board_post_topic ON board_post (topic_id)")
    # Every event on any side that shows a topic or a post: the originals, their copies and
    # the pages clients browse. Hiding redacts all of them.
    await conn.execute(f"""
        CREATE TABLE board_event (
            id           {serial},
            room_id      TEXT NOT NULL,
            event_id     TEXT NOT NULL,
            topic_id     BIGINT NOT NULL REFERENCES board_topic(id) ON DELETE CASCADE,
            post_id      BIGINT REFERENCES board_post(id) ON DELETE CASCADE,
            source_event TEXT
        )
    """)
    await conn.execute("CREATE INDEX board_event_room ON board_event (room_id, event_id)")
    await conn.execute("CREATE INDEX board_event_topic ON board_event (topic_id)")
    await conn.execute("CREATE INDEX board_event_post ON board_event (post_id)")
    await conn.execute(
        "CREATE UNIQUE INDEX board_event_copy ON board_event (source_event, room_id)"
    )
