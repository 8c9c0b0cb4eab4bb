from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Operator permissions, templates, client and case records")  # type: ignore[call-arg,arg-type]
async def upgrade_v6(conn: Connection, scheme: Scheme) -> None:
    serial = "BIGSERIAL PRIMARY KEY" if scheme != Scheme.SQLITE else "INTEGER PRIMARY KEY"
    # What an operator may see and do, set by the tenant's admins. No row: the defaults
    # (everything, as before permissions existed; no notifications).
    await conn.execute("""
        CREATE TABLE operator_settings (
            tenant_id       BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            user_id         TEXT NOT NULL,
            scope           TEXT NOT NULL DEFAULT 'all',
            scope_tags      TEXT NOT NULL DEFAULT '[]',
            see_notes       BOOLEAN NOT NULL DEFAULT true,
            see_intake      BOOLEAN NOT NULL DEFAULT true,
            may_send        BOOLEAN NOT NULL DEFAULT true,
            templates_only  BOOLEAN NOT NULL DEFAULT false,
            persona         TEXT NOT NULL DEFAULT 'switch',
            notify          TEXT NOT NULL DEFAULT 'none',
            notify_new_case BOOLEAN NOT NULL DEFAULT true,
            notify_assigned BOOLEAN NOT NULL DEFAULT true,
            notify_message  BOOLEAN NOT NULL DEFAULT true,
            private_room    TEXT,
            PRIMARY KEY (tenant_id, user_id)
        )
    """)
    await conn.execute("CREATE INDEX operator_settings_room ON operator_settings (private_room)")
    await conn.execute("""
        CREATE TABLE template (
            tenant_id  BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            name       TEXT NOT NULL,
            body       TEXT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, name)
        )
    """)
    await conn.execute("""
        CREATE TABLE client_tag (
            client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,
            tag       TEXT NOT NULL,
            PRIMARY KEY (client_id, tag)
        )
    """)
    await conn.execute(f"""
        CREATE TABLE client_note (
            id         {serial},
            client_id  BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,
            author     TEXT NOT NULL,
            body       TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
    """)
    # Categories are paths of one to three names ("Billing > Refund"); a removed one stays for
    # the cases that carry it.
    await conn.execute(f"""
        CREATE TABLE category (
            id         {serial},
            tenant_id  BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            path       TEXT NOT NULL,
            removed_at BIGINT,
            UNIQUE (tenant_id, path)
        )
    """)
    for column in ("category_id BIGINT", "intake_answer TEXT", "last_reply_at BIGINT"):
        await conn.execute(f"ALTER TABLE consult_case ADD COLUMN {column}")
    await conn.execute("CREATE INDEX case_opened ON consult_case (tenant_id, opened_at)")
    await conn.execute(f"""
        CREATE TABLE case_note (
            id         {serial},
            case_id    BIGINT NOT NULL REFERENCES consult_case(id) ON DELETE CASCADE,
            author     TEXT NOT NULL,
            body       TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
    """)
    await conn.execute("CREATE INDEX case_note_case ON case_note (case_id)")
    await conn.execute("ALTER TABLE tenant ADD COLUMN next_ticket INTEGER NOT NULL DEFAULT 1")
    await conn.execute(f"""
        CREATE TABLE ticket (
            id         {serial},
            tenant_id  BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            number     INTEGER NOT NULL,
            case_id    BIGINT NOT NULL REFERENCES consult_case(id) ON DELETE CASCADE,
            title      TEXT NOT NULL,
            body       TEXT NOT NULL,
            status     TEXT NOT NULL DEFAULT 'open',
            created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            closed_at  BIGINT,
            UNIQUE (tenant_id, number)
        )
    """)
    # The text of each relayed message, for searching the history and showing it with a
    # ticket; cleared when the message is redacted.
    await conn.execute("ALTER TABLE event_map ADD COLUMN body TEXT")
    await conn.execute("ALTER TABLE event_map ADD COLUMN sent_at BIGINT")
