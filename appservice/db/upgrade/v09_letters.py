from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Letter packages, counselors' days off and statements")  # type: ignore[call-arg,arg-type]
async def upgrade_v9(conn: Connection, scheme: Scheme) -> None:
    serial = "BIGSERIAL PRIMARY KEY" if scheme != Scheme.SQLITE else "INTEGER PRIMARY KEY"
    for column in (
        "country TEXT NOT NULL DEFAULT 'JP'",  # whose public holidays do not count
        "currency TEXT NOT NULL DEFAULT 'JPY'",
        "session_price INTEGER NOT NULL DEFAULT 0",
        "package_month TEXT NOT NULL DEFAULT 'started'",  # or 'completed'
        # When a counselor is reminded of a reply: 'start' (09:00 on its last business day)
        # or a number of hours before it is due.
        "letter_reminder TEXT NOT NULL DEFAULT 'start'",
        "next_package INTEGER NOT NULL DEFAULT 1",
        "next_statement INTEGER NOT NULL DEFAULT 1",
    ):
        await conn.execute(f"ALTER TABLE tenant ADD COLUMN {column}")
    await conn.execute(f"""
        CREATE TABLE package_type (
            id            {serial},
            tenant_id     BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            name          TEXT NOT NULL,
            replies       INTEGER NOT NULL CHECK (replies > 0),
            deadline_days INTEGER NOT NULL CHECK (deadline_days > 0),
            char_limit    INTEGER NOT NULL CHECK (char_limit > 0),
            price         INTEGER NOT NULL CHECK (price >= 0),
            created_at    BIGINT NOT NULL,
            UNIQUE (tenant_id, name)
        )
    """)
    # A package is a copy of its type's terms at the time it was granted: changing or removing
    # the type later changes no package already granted.
    await conn.execute(f"""
        CREATE TABLE package (
            id             {serial},
            tenant_id      BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            number         INTEGER NOT NULL,
            client_id      BIGINT REFERENCES client(id) ON DELETE SET NULL,
            client_alias   TEXT NOT NULL,
            operator_id    TEXT,
            type_name      TEXT NOT NULL,
            replies        INTEGER NOT NULL CHECK (replies > 0),
            deadline_days  INTEGER NOT NULL,
            char_limit     INTEGER NOT NULL,
            price          INTEGER NOT NULL CHECK (price >= 0),
            status         TEXT NOT NULL,
            sent           INTEGER NOT NULL DEFAULT 0,
            granted_at     BIGINT NOT NULL,
            started_at     BIGINT,
            completed_at   BIGINT,
            letter_at      BIGINT,
            due_at         BIGINT,
            continue_poll  TEXT,
            answer_event   TEXT UNIQUE,
            previous_id    BIGINT,
            UNIQUE (tenant_id, number),
            CHECK (sent >= 0 AND sent <= replies)
        )
    """)
    await conn.execute("CREATE INDEX package_client ON package (client_id, id)")
    await conn.execute("CREATE INDEX package_previous ON package (previous_id)")
    await conn.execute("CREATE INDEX package_operator ON package (tenant_id, operator_id)")
    # Each numbered reply, by the operator's event: a retried relay finds its number here
    # instead of taking the next one.
    await conn.execute("""
        CREATE TABLE package_reply (
            package_id   BIGINT NOT NULL REFERENCES package(id) ON DELETE CASCADE,
            n            INTEGER NOT NULL,
            source_event TEXT NOT NULL UNIQUE,
            sent_at      BIGINT NOT NULL,
            PRIMARY KEY (package_id, n)
        )
    """)
    await conn.execute("""
        CREATE TABLE letter_operator (
            tenant_id   BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            user_id     TEXT NOT NULL,
            accepts     BOOLEAN NOT NULL DEFAULT false,
            weekly_off  TEXT NOT NULL DEFAULT '[5, 6]',
            days_off    TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (tenant_id, user_id)
        )
    """)
    # A statement keeps its lines as they were made: a sent statement does not change.
    await conn.execute(f"""
        CREATE TABLE statement (
            id           {serial},
            tenant_id    BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            number       INTEGER NOT NULL,
            operator_id  TEXT NOT NULL,
            month        TEXT NOT NULL,
            status       TEXT NOT NULL DEFAULT 'draft',
            lines        TEXT NOT NULL,
            total        INTEGER NOT NULL,
            currency     TEXT NOT NULL,
            created_at   BIGINT NOT NULL,
            sent_at      BIGINT,
            paid_at      BIGINT,
            UNIQUE (tenant_id, number),
            UNIQUE (tenant_id, operator_id, month)
        )
    """)
