from __future__ import annotations

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table


@upgrade_table.register(description="Tenants, members, clients, groups, tokens, timers")  # type: ignore[call-arg,arg-type]
async def upgrade_v2(conn: Connection, scheme: Scheme) -> None:
    serial = "BIGSERIAL PRIMARY KEY" if scheme != Scheme.SQLITE else "INTEGER PRIMARY KEY"
    await conn.execute(f"""
        CREATE TABLE tenant (
            id            {serial},
            slug          TEXT NOT NULL UNIQUE,
            name          TEXT NOT NULL,
            preset        TEXT NOT NULL,
            language      TEXT NOT NULL,
            suspended_at  BIGINT,
            trial_ends_at BIGINT,
            seat_limit    INTEGER,
            space_room    TEXT,
            admin_room    TEXT,
            staff_room    TEXT,
            created_at    BIGINT NOT NULL
        )
    """)
    # Admins and operators are ordinary Matrix users, possibly on other homeservers.
    await conn.execute("""
        CREATE TABLE tenant_member (
            tenant_id BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            user_id   TEXT NOT NULL,
            role      TEXT NOT NULL,
            added_at  BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, user_id, role)
        )
    """)
    # A client stores a nickname only (vouchers not even that): no e-mail, no phone, and
    # nothing that links a voucher account to a person.
    await conn.execute(f"""
        CREATE TABLE client (
            id         {serial},
            tenant_id  BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            user_id    TEXT NOT NULL UNIQUE,
            nickname   TEXT,
            room_id    TEXT,
            created_at BIGINT NOT NULL
        )
    """)
    await conn.execute("CREATE UNIQUE INDEX client_nickname ON client (tenant_id, nickname)")
    await conn.execute(f"""
        CREATE TABLE client_group (
            id        {serial},
            tenant_id BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            name      TEXT NOT NULL,
            room_id   TEXT,
            UNIQUE (tenant_id, name)
        )
    """)
    await conn.execute("""
        CREATE TABLE group_member (
            group_id  BIGINT NOT NULL REFERENCES client_group(id) ON DELETE CASCADE,
            client_id BIGINT NOT NULL REFERENCES client(id) ON DELETE CASCADE,
            PRIMARY KEY (group_id, client_id)
        )
    """)
    # Only a hash of each tenant admin token is kept; the token is shown once.
    await conn.execute(f"""
        CREATE TABLE api_token (
            id         {serial},
            tenant_id  BIGINT NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            label      TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            revoked_at BIGINT
        )
    """)
    # Every timer is a row with a due time, so it survives restarts.
    await conn.execute(f"""
        CREATE TABLE timer (
            id      {serial},
            kind    TEXT NOT NULL,
            due_at  BIGINT NOT NULL,
            payload TEXT NOT NULL,
            done_at BIGINT
        )
    """)
    await conn.execute("CREATE INDEX timer_due ON timer (done_at, due_at)")
    # "Told once per period": which notice a room got for which period (suspension, ...).
    await conn.execute("""
        CREATE TABLE notice_sent (
            room_id TEXT NOT NULL,
            kind    TEXT NOT NULL,
            period  TEXT NOT NULL,
            PRIMARY KEY (room_id, kind, period)
        )
    """)
