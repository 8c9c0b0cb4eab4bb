"""Removing a client ends the account and keeps the records: a month with a consultation
(rating, note, ticket) and a letter package, its summary and its statement read the same before
and after the removal; an open case is closed with the reason."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from mautrix.types import UserID
from mautrix.util.async_db import Database, UpgradeTable

from appservice import db
from appservice.db import Client, Tenant

from .conftest import OpenUser, Stack
from .tenants import (
    PREFIX,
    Api,
    add_operators,
    command,
    login_details,
    new_client,
    new_tenant,
)
from .test_sessions import _clinic, _starts
from .test_statements import _ms
from .test_tenants import login_fails


async def _bytes(api: Api, path: str) -> bytes:
    headers = {"Authorization": f"Bearer {api.platform_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(api.stack.soudan.url + PREFIX + path, headers=headers) as response,
    ):
        assert response.status == 200, await response.text()
        return await response.read()


async def _records(api: Api, admin: Any, slug: str) -> dict[str, Any]:
    """Everything the tenant reports about October: summaries, cases, tickets, packages and
    the statement, as the API and the admin room give them."""
    t = f"/tenants/{slug}"
    return {
        "summary": await api.ok("GET", f"{t}/summary?month=2026-10"),
        "summary_text": await admin.command("!summary 2026-10"),
        "cases": await api.ok("GET", f"{t}/cases"),
        "case_text": await admin.command("!case 1"),
        "export_csv": await _bytes(api, f"{t}/cases/export?format=csv"),
        "tickets": await api.ok("GET", f"{t}/tickets?status=all"),
        "ticket": await api.ok("GET", f"{t}/tickets/1"),
        "packages": await api.ok("GET", f"{t}/packages"),
        "statements": await api.ok("GET", f"{t}/statements"),
        "statement": await api.ok("GET", f"{t}/statements/S1"),
        "statement_csv": await _bytes(api, f"{t}/statements/1?format=csv"),
    }


async def test_removing_a_client_keeps_the_month_as_reported(
    stack: Stack, users: OpenUser
) -> None:
    api = Api(stack)
    await api.ok("POST", "/debug/clock", {"to_ms": _ms("2026-09-25T12:00")})
    try:
        await _october(stack, users, api)
    finally:
        await api.ok("POST", "/debug/clock", {"to_ms": int(time.time() * 1000)})


async def _october(stack: Stack, users: OpenUser, api: Api) -> None:
    clinic = await _clinic(stack, users, operators=1)
    admin, (sato,) = clinic.tenant, clinic.operators
    await admin.command("!package-type add Standard replies=4 days=2 chars=3000 price=12000")
    client_id, password = login_details(await admin.command("!add-client Aoi"))
    client = await users(stack.hs.url, client_id, password)
    room = (await client.client.joined_rooms()).rooms[0]  # type: ignore[union-attr]

    # A consultation with a note, a ticket and a rating.
    await clinic.move_to(_ms("2026-10-05T10:00"))
    await client.send_text(room, "I cannot sleep")
    assert await command(sato, admin.staff_room, "!take 1") == "Case #1 has been taken."
    case_room = await sato.wait_for_invite(ignore=(admin.space_room,))
    await sato.join(case_room)
    await sato.wait_for(_starts(case_room, "I cannot sleep"), timeout=30)
    await sato.send_text(case_room, "Tell me about your evenings")
    await client.wait_for(_starts(room, "Tell me about your evenings"))
    assert await command(sato, case_room, "!note Sleep diary suggested") == (
        "Note added to case #1."
    )
    ticket = await command(sato, case_room, "!ticket Follow up | Ask again in a week")
    assert ticket.startswith("Ticket #1 opened from case #1."), ticket
    await sato.send_text(case_room, "!close")
    await client.wait_for(_starts(room, "How was this consultation?"))
    await client.send_text(room, "4")
    await client.wait_for(_starts(room, "Thank you for your answer."))
    await clinic.move_to(_ms("2026-10-20T12:00"))
    granted = await admin.command(f"!package-grant Aoi Standard {sato.user_id}")
    assert granted.startswith("Package P1 granted."), granted

    # November 1st: October's statement is made and sent by itself.
    since = len(sato.events)
    await clinic.move_to(_ms("2026-11-01T09:00") + 5_000)
    await sato.wait_for(
        _starts(clinic.private[sato.user_id], "Your statement S1 for 2026-10: 1 line"),
        since=since,
        timeout=30,
    )
    before = await _records(api, admin, admin.slug)
    # What is compared is the month as reported, with the client in it under their alias.
    assert before["summary"]["opened"] == 1 and before["summary"]["average_rating"] == 4
    assert [c["client"] for c in before["cases"]["cases"]] == ["Aoi"], before["cases"]
    assert "Sleep diary suggested" in before["case_text"]
    assert before["ticket"]["title"] == "Follow up"
    assert [line["client"] for line in before["statement"]["lines"]] == ["Aoi"]
    assert before["statement"]["total"] == 12000

    answer = await admin.command("!remove-client Aoi")
    assert answer == (
        "Removed the client “Aoi”: the account is deactivated; "
        "their cases and records stay under their alias."
    )
    after = await _records(api, admin, admin.slug)
    for key, value in before.items():
        assert after[key] == value, key
    # The account is ended: no login, not among the clients, its nickname free again.
    assert await login_fails(stack.hs.url, client_id, password)
    assert "Aoi" not in await admin.command("!clients")
    status, _ = await api.call("GET", f"/tenants/{admin.slug}/clients/Aoi/record")
    assert status == 404
    again = await admin.command("!add-client Aoi")
    new_id, _ = login_details(again)
    assert new_id != client_id
    listing = (await api.ok("GET", f"/tenants/{admin.slug}/clients"))["clients"]
    assert listing == [{"nickname": "Aoi", "user_id": new_id}]
    assert await _records(api, admin, admin.slug) == before


async def test_removing_a_client_closes_their_open_case(stack: Stack, users: OpenUser) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    (operator,) = await add_operators(stack, api, users, tenant, 1)
    client, room = await new_client(stack, users, tenant, "Ren")
    await client.send_text(room, "Hello")
    await command(operator, tenant.staff_room, "!take 1")
    case_room = await operator.wait_for_invite(ignore=(tenant.space_room,))
    await operator.join(case_room)
    await operator.wait_for(_starts(case_room, "Hello"))
    await api.ok("DELETE", f"/tenants/{tenant.slug}/clients/Ren")
    await operator.wait_for(
        _starts(case_room, "Case #1 is closed: the client's account was removed.")
    )
    (case,) = (await api.ok("GET", f"/tenants/{tenant.slug}/cases"))["cases"]
    assert (case["status"], case["client"]) == ("closed", "Ren")
    # Gone from the list, and a second removal finds nobody.
    assert (await api.ok("GET", f"/tenants/{tenant.slug}/clients"))["clients"] == []
    status, data = await api.call("DELETE", f"/tenants/{tenant.slug}/clients/Ren")
    assert (status, data["errcode"]) == (404, "M_NOT_FOUND"), data


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_the_migration_keeps_clients_and_frees_nicknames_of_removed_ones(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "postgres":
        url = request.getfixturevalue("postgres").create_database(
            f"removal_{uuid.uuid4().hex[:12]}"
        )
    else:
        url = f"sqlite:{tmp_path / 'removal.db'}"
    before = UpgradeTable(version_table_name="soudan_version", database_name="soudan")
    before.upgrades = db.upgrade_table.upgrades[:14]
    old = Database.create(url, upgrade_table=before)
    await old.start()
    await old.execute(
        "INSERT INTO tenant (slug, name, preset, language, created_at) "
        "VALUES ('acme', 'Acme', 'counseling', 'en', 0)"
    )
    await old.execute(
        "INSERT INTO client (tenant_id, user_id, nickname, created_at, alias) "
        "VALUES (1, '@c-old:x', 'Aoi', 0, 'Aoi')"
    )
    await old.stop()

    database = Database.create(url, upgrade_table=db.upgrade_table)
    await database.start()
    db.init(database)
    try:
        tenant = await Tenant.get_by_slug("acme")
        assert tenant is not None and not tenant.deleted
        client = await Client.get_by_nickname(tenant.id, "Aoi")
        assert client is not None and not client.removed
        # Two clients still there cannot share a nickname.
        with pytest.raises(Exception, match=r"(?i)unique"):
            await Client.insert(tenant.id, UserID("@c-twin:x"), "Aoi", 1)
        # Once removed, the nickname is free; the removed client stays, alias and all.
        await client.mark_removed(2)
        again = await Client.insert(tenant.id, UserID("@c-new:x"), "Aoi", 3)
        assert [c.id for c in await Client.all(tenant.id)] == [again.id]
        kept = await Client.get(client.id)
        assert kept is not None and kept.removed and kept.alias == "Aoi"
        assert await Client.get_by_user(UserID("@c-old:x")) is None
        # A deleted tenant is found by no ordinary look-up, and keeps its slug.
        await tenant.mark_deleted(4)
        assert await Tenant.get_by_slug("acme") is None and await Tenant.all() == []
        gone = await Tenant.get_any_by_slug("acme")
        assert gone is not None and gone.deleted
    finally:
        await database.stop()
