"""Case records and the history end to end: case-room records, tickets, search, exports of a
thousand cases (admin room, operator's private room, API), the monthly summary."""

from __future__ import annotations

import csv
import io
import urllib.parse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import openpyxl
from mautrix.util.async_db import Database

from .conftest import OpenUser, Stack
from .matrix import User
from .tenants import PREFIX, Api, add_operators, command, login_details, new_client, new_tenant

TOKYO = ZoneInfo("Asia/Tokyo")
HEADER = [
    "Case",
    "Opened",
    "Status",
    "Handled",
    "Category",
    "Operator",
    "Client",
    "Team",
    "Intake answer",
    "Assigned",
    "First reply",
    "Seconds to first reply",
    "Closed",
    "Rating",
    "Notes",
    "Tickets",
]
STATUSES = ("closed", "expired", "assigned", "waiting")


def _starts(room_id: str, start: str):
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


async def _file(user: User, room_id: str, since: int, suffix: str) -> bytes:
    event = await user.wait_for(
        lambda r, e: (
            r == room_id
            and e.get("content", {}).get("msgtype") == "m.file"
            and e["content"]["body"].endswith(suffix)
        ),
        since=since,
        timeout=60,
    )
    response = await user.client.download(mxc=event["content"]["url"])
    return bytes(response.body)  # type: ignore[union-attr]


async def _api_file(stack: Stack, path: str) -> bytes:
    headers = {"Authorization": f"Bearer {stack.config['provisioning.shared_secret']}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(stack.soudan.url + PREFIX + path, headers=headers) as response,
    ):
        assert response.status == 200, await response.text()
        return await response.read()


def _xlsx_rows(data: bytes) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_export_of_a_thousand_cases(stack: Stack, users: OpenUser) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    everyone, tagged = await add_operators(stack, api, users, tenant, 2)
    ids = {}
    for name in ("Ann", "Ben"):
        answer = await tenant.command(f"!add-client {name}")
        ids[name] = login_details(answer)[0]
    assert await tenant.command("!client-tag Ann add vip") == "Tagged Ann “vip”."
    assert (await tenant.command("!category-add Billing > Refund")).startswith("Category")
    await tenant.command(f"!operator-settings {tagged.user_id} scope=tags:vip")
    # A thousand cases of past months, written straight into soudan's database: the export is
    # what is under test, not a thousand consultations.
    start = datetime(2026, 6, 1, 9, 0, tzinfo=TOKYO)
    expected = {}
    db = Database.create(stack.config["database.url"])
    await db.start()
    try:
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", tenant.slug)
        clients = {
            name: await db.fetchval("SELECT id FROM client WHERE user_id=$1", user_id)
            for name, user_id in ids.items()
        }
        category = await db.fetchval(
            "SELECT id FROM category WHERE tenant_id=$1 AND path=$2", tenant_id, "Billing > Refund"
        )
        for name, client_id in clients.items():
            await db.execute("UPDATE client SET alias=$2 WHERE id=$1", client_id, name)
        rows = []
        for number in range(1, 1001):
            opened = start + timedelta(hours=3 * number)
            opened_ms = int(opened.timestamp() * 1000)
            name = "Ann" if number % 2 else "Ben"
            status = STATUSES[number % 4]
            handled = status in ("closed", "assigned") and number % 3 != 0
            rating = (number % 5) + 1 if status == "closed" else None
            rows.append(
                (
                    tenant_id,
                    clients[name],
                    number,
                    status,
                    everyone.user_id if status != "waiting" else None,
                    opened_ms,
                    opened_ms + 90_000 if handled else None,
                    rating,
                    category if number % 10 == 0 else None,
                )
            )
            expected[number] = (opened.replace(tzinfo=None), name, status, handled, rating)
        await db.executemany(
            "INSERT INTO consult_case (tenant_id, client_id, number, status, operator_id, "
            "opened_at, first_response_at, rating, category_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            rows,
        )
        await db.execute("UPDATE tenant SET next_case=1001 WHERE id=$1", tenant_id)
    finally:
        await db.stop()

    # The admin's export, as a file in the admin room.
    since = len(tenant.admin.events)
    assert (
        await tenant.command("!export xlsx")
        == (
            await tenant.admin.wait_for(
                _starts(tenant.admin_room, "Exported 1000 cases"), since=since
            )
        )["content"]["body"]
    )
    table = _xlsx_rows(await _file(tenant.admin, tenant.admin_room, since, ".xlsx"))
    assert table[0] == HEADER
    assert len(table) == 1001
    for line in table[1:]:
        opened, name, status, handled, rating = expected[line[0]]  # type: ignore[index]
        assert line[1] == opened
        assert (line[2], line[3], line[6], line[13]) == (
            status,
            "yes" if handled else "no",
            name,
            rating,
        )
        assert line[4] == ("Billing > Refund" if line[0] % 10 == 0 else None)  # type: ignore[operator]
        assert line[11] == (90 if handled else None)
    since = len(tenant.admin.events)
    await tenant.command("!export csv status=closed")
    closed = _csv_rows(await _file(tenant.admin, tenant.admin_room, since, ".csv"))
    assert closed[0] == HEADER
    assert sorted(int(line[0]) for line in closed[1:]) == [
        n for n, values in expected.items() if values[2] == "closed"
    ]
    # The same through the API, and nothing in any file names a client's account.
    api_xlsx = await _api_file(stack, f"/tenants/{tenant.slug}/cases/export?format=xlsx")
    assert _xlsx_rows(api_xlsx) == table
    for data in (api_xlsx, await _api_file(stack, f"/tenants/{tenant.slug}/cases/export")):
        for user_id in ids.values():
            assert user_id.encode() not in data

    # An operator who sees only clients tagged "vip" exports only Ann's cases.
    assert (await command(tagged, tenant.staff_room, "!private")).startswith("Your private")
    room = await tagged.wait_for_invite(ignore=(tenant.space_room,))
    await tagged.join(room)
    since = len(tagged.events)
    assert (await command(tagged, room, "!export csv from=2026-06-01 to=2026-12-31")).startswith(
        "Exported 500 cases"
    )
    scoped = _csv_rows(await _file(tagged, room, since, ".csv"))
    assert len(scoped) == 501 and {line[6] for line in scoped[1:]} == {"Ann"}
    operator = urllib.parse.quote(tagged.user_id)
    via_api = _csv_rows(
        await _api_file(stack, f"/tenants/{tenant.slug}/cases/export?as_operator={operator}")
    )
    assert via_api == scoped
    # A date range in the tenant's time zone: June 2026 holds the cases of its first 30 days.
    june = await api.ok("GET", f"/tenants/{tenant.slug}/cases?from=2026-06-01&to=2026-06-30")
    assert len(june["cases"]) == sum(1 for v in expected.values() if v[0].month == 6)
    # Hundreds of open cases of two clients are no real tenant: soudan reads back the rooms of
    # open cases at every start, and later tests restart it.
    db = Database.create(stack.config["database.url"])
    await db.start()
    try:
        await db.execute("DELETE FROM consult_case WHERE tenant_id=$1", tenant_id)
    finally:
        await db.stop()


async def test_case_records_summary_and_bad_input(stack: Stack, users: OpenUser) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    (operator,) = await add_operators(stack, api, users, tenant, 1)
    for path in ("Work", "Work > Hours", "Work > Hours > Overtime"):
        assert await tenant.command(f"!category-add {path}") == f"Category “{path}” added."
    categories = await tenant.command("!categories")
    # Bad input: a clear answer and no change.
    bad = [
        ("!category-add Work > Hours > Overtime > Nights", "Categories have at most 3 levels"),
        ("!category-add Work", "There is a category “Work” already."),
        ("!category-remove Work", "“Work” has 2 categories below it"),
        ("!template-add hi Hello {name}", "There is no placeholder {name}."),
        ("!template-edit nosuch Hello", "There is no template “nosuch”."),
        ("!template-remove nosuch", "There is no template “nosuch”."),
        ("!search from=2026-11-30 to=2026-11-01", "The range starts on 2026-11-30, after its"),
        ("!search colour=red", "There is no filter “colour”."),
        ("!search status=lost", "The status cannot be “lost”."),
        ("!search rating=5-1", "Write the rating range “5-1” low to high"),
        ("!export pdf", "There is no export format “pdf”."),
        ("!summary 2026-13", "Write the month “2026-13” as YYYY-MM"),
        ("!ticket-show 9", "There is no ticket #9."),
        ("!operator-settings @nobody:soudan.test mode=view", "@nobody:soudan.test is not"),
        (f"!operator-settings {operator.user_id} mode=silent", "mode cannot be “silent”."),
        (f"!operator-settings {operator.user_id} scope=tags", "A tag scope needs at least"),
    ]
    for line, answer in bad:
        got = await tenant.command(line)
        assert got.startswith(answer), (line, got)
    assert await tenant.command("!categories") == categories
    assert await tenant.command("!templates") == "There are no templates."
    assert "mode=send" in await tenant.command(f"!operator-settings {operator.user_id}")

    # A consultation with its records, kept in the case room.
    client, room = await new_client(stack, users, tenant, "Mia")
    user_id = client.user_id
    await client.send_text(room, "My overtime is not paid")
    await command(operator, tenant.staff_room, "!take 1")
    case_room = await operator.wait_for_invite(ignore=(tenant.space_room,))
    await operator.join(case_room)
    await operator.wait_for(_starts(case_room, "My overtime is not paid"))
    await operator.send_text(case_room, "Let us look at your contract")
    await client.wait_for(_starts(room, "Let us look at your contract"))
    in_room = [
        ("!category Work > Hours > Overtime", "Case #1 is in category Work > Hours > Overtime."),
        ("!category Play", "There is no category “Play”."),
        ("!note Contract checked", "Note added to case #1."),
        ("!ticket Call HR | Ask about the overtime rules", "Ticket #1 opened from case #1."),
        ("!ticket", "Usage: !ticket"),
    ]
    for line, answer in in_room:
        got = await command(operator, case_room, line)
        assert got.startswith(answer), (line, got)
    await operator.send_text(case_room, "!close")
    await client.wait_for(_starts(room, "How was this consultation?"))
    await client.send_text(room, "4")
    await client.wait_for(_starts(room, "Thank you for your answer."))
    shown = await tenant.command("!ticket-show 1")
    assert shown.startswith("Ticket #1 [open] Call HR\nFrom case #1")
    assert "client: My overtime is not paid" in shown
    assert "operator: Let us look at your contract" in shown
    assert user_id not in shown and operator.user_id not in shown.split("History")[1]
    assert await tenant.command("!ticket-close 1") == "Ticket #1 is closed."
    assert await tenant.command("!ticket-close 1") == "Ticket #1 is closed already."
    assert (await tenant.command("!tickets all")).startswith("#1 [closed] Call HR (case #1)")
    found = await tenant.command("!search text=contract")
    assert found.splitlines()[0] == "1 case found (the newest 1 shown; !export gives all):"
    assert await tenant.command("!search text=holiday") == "No case matches."
    case = await tenant.command("!case 1")
    assert "Category: Work > Hours > Overtime" in case and "Contract checked" in case

    # The monthly summary: on demand, and by itself on the first of the next month.
    now = (await api.ok("POST", "/debug/clock", {"advance_seconds": 0}))["now"]
    today = datetime.fromtimestamp(now / 1000, TOKYO)
    month = today.strftime("%Y-%m")
    summary = await tenant.command(f"!summary {month}")
    heading, figures = summary.splitlines()[:2]
    assert heading == f"Summary of {month} (Asia/Tokyo)"
    assert figures.startswith("opened 1, handled 1, unhandled 0, expired 0, median first reply")
    assert figures.endswith("average rating 4.00 (1 rating)")
    assert f"  {operator.user_id}: opened 1, handled 1" in summary
    assert "  Work > Hours > Overtime: opened 1" in summary
    first = (today.replace(day=28) + timedelta(days=4)).replace(day=1, hour=9, minute=0)
    since = len(tenant.admin.events)
    await api.ok("POST", "/debug/clock", {"to_ms": int(first.timestamp() * 1000) + 1000})
    monthly = await tenant.admin.wait_for(
        _starts(tenant.admin_room, f"Summary of {month}"), since=since
    )
    assert monthly["content"]["body"] == summary
