from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


# Version 11 (from 10): registered at its place whatever migrations come before it.
@upgrade_table.register(index=10, description="Unique event sequence numbers per case")  # type: ignore[call-arg,arg-type]
async def upgrade_v11(conn: Connection, scheme: Scheme) -> None:
    # Two workers of one case (its client room's and its case room's) could once read the same
    # MAX(seq) and write the same number: renumber those cases in their order before the index.
    await conn.execute("""
        UPDATE event_map SET seq = ranked.n FROM (
            SELECT source_event, target_room, ROW_NUMBER() OVER (
                PARTITION BY case_id ORDER BY seq, sent_at, source_event, target_room
            ) AS n
            FROM event_map
            WHERE case_id IN (
                SELECT case_id FROM event_map GROUP BY case_id, seq HAVING COUNT(*) > 1
            )
        ) AS ranked
        WHERE event_map.source_event = ranked.source_event
          AND event_map.target_room = ranked.target_room
    """)
    await conn.execute("DROP INDEX event_map_case")
    await conn.execute("CREATE UNIQUE INDEX event_map_case_seq ON event_map (case_id, seq)")
    # The next number of each case, taken and counted up in one statement.
    await conn.execute("ALTER TABLE consult_case ADD COLUMN next_seq BIGINT NOT NULL DEFAULT 1")
    await conn.execute("""
        UPDATE consult_case SET next_seq = 1 + COALESCE(
            (SELECT MAX(seq) FROM event_map WHERE event_map.case_id = consult_case.id), 0
        )
    """)
