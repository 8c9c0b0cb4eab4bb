from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Inbox, transactions and bot rooms")  # type: ignore[call-arg,arg-type]
async def upgrade_v1(conn: Connection, scheme: Scheme) -> None:
    serial = "BIGSERIAL" if scheme != Scheme.SQLITE else "INTEGER"
    autoinc = "" if scheme != Scheme.SQLITE else " AUTOINCREMENT"
    # Events are stored before the homeserver gets its 200 and worked off afterwards, so a
    # crash between the two loses nothing; event_id is unique, so a resent event is one row.
    await conn.execute(f"""
        CREATE TABLE inbox (
            seq         {serial} PRIMARY KEY{autoinc},
            event_id    TEXT NOT NULL UNIQUE,
            room_id     TEXT NOT NULL,
            raw         TEXT,
            received_at BIGINT NOT NULL,
            done        BOOLEAN NOT NULL DEFAULT false,
            attempts    INTEGER NOT NULL DEFAULT 0,
            error       TEXT
        )
    """)
    await conn.execute("CREATE INDEX inbox_pending ON inbox (done, seq)")
    # Synapse on SQLite numbers transactions from 1 again after a restart, so a transaction
    # is identified by its ID and a digest of its body, never by the ID alone.
    await conn.execute("""
        CREATE TABLE as_transaction (
            txn_id      TEXT NOT NULL,
            digest      TEXT NOT NULL,
            received_at BIGINT NOT NULL,
            PRIMARY KEY (txn_id, digest)
        )
    """)
    await conn.execute("""
        CREATE TABLE bot_room (
            room_id    TEXT PRIMARY KEY,
            kind       TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
    """)
