"""Monthly statements: the lines of a month as pure logic, then the seed's October example end
to end (two video sessions and a letter package, made and sent by the monthly run on November
1st at 09:00 Tokyo time), payment, refusals and the API."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp
from mautrix.types import UserID
from openpyxl import load_workbook
from pypdf import PdfReader

from appservice.db import Booking, Package, Statement, Tenant
from appservice.services import history, statements

from .conftest import OpenUser, Stack
from .matrix import User, count, settle
from .tenants import PREFIX, Api, command
from .test_sessions import _add_slot, _clinic, _database, _starts, _unlocked

TOKYO = ZoneInfo("Asia/Tokyo")
MINUTE = 60_000
SATO, KIMURA = UserID("@sato:x"), UserID("@kimura:x")


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=TOKYO).timestamp() * 1000)


# The lines of a month, as pure logic


def _tenant(language: str = "en", package_month: str = "started") -> Tenant:
    return Tenant(
        0,
        "x",
        "Hidamari",
        "counseling",
        language,
        None,
        None,
        None,
        None,
        None,
        None,
        0,
        session_price=8000,
        package_month=package_month,
    )


def _booking(number: int, start: str, status: str, operator: UserID = SATO) -> Booking:
    starts_at = _ms(start)
    return Booking(
        id=number,
        tenant_id=0,
        number=number,
        slot_id=number,
        client_id=1,
        client_alias="Aoi",
        operator_id=operator,
        starts_at=starts_at,
        ends_at=starts_at + 50 * MINUTE,
        status=status,
        created_at=0,
        changed_at=0,
        uid=f"u{number}",
        sequence=0,
        video_room="v",
    )


def _package(started: str, completed: str | None) -> Package:
    return Package(
        id=1,
        tenant_id=0,
        number=1,
        client_id=2,
        client_alias="Haru",
        operator_id=SATO,
        type_name="Standard",
        replies=4,
        deadline_days=2,
        char_limit=3000,
        price=12000,
        status="active",
        sent=0,
        granted_at=_ms(started),
        started_at=_ms(started),
        completed_at=_ms(completed) if completed else None,
        letter_at=None,
        due_at=None,
        continue_poll=None,
        previous_id=None,
    )


def test_sessions_no_shows_and_packages_make_the_lines_in_time_order() -> None:
    bookings = [
        _booking(3, "2026-10-10T10:00", "no_show"),
        _booking(1, "2026-10-01T10:00", "done"),
        _booking(2, "2026-10-05T10:00", "cancelled"),
        _booking(4, "2026-10-31T23:30", "booked"),  # 14:30 UTC: still October 31 in Tokyo
        _booking(5, "2026-10-02T09:00", "done", KIMURA),
    ]
    package = _package("2026-10-20T12:00", "2026-11-03T18:00")
    lines = statements.lines_of(_tenant(), bookings, [package])
    assert set(lines) == {SATO, KIMURA}
    assert lines[SATO] == [
        {
            "day": "2026-10-01",
            "kind": "session",
            "item": "Session (50 min)",
            "client": "Aoi",
            "price": 8000,
        },
        {
            "day": "2026-10-10",
            "kind": "no_show",
            "item": "Session (50 min, no-show)",
            "client": "Aoi",
            "price": 8000,
        },
        {
            "day": "2026-10-20",
            "kind": "package",
            "item": "Letter package Standard (4 replies)",
            "client": "Haru",
            "price": 12000,
        },
        {
            "day": "2026-10-31",
            "kind": "session",
            "item": "Session (50 min)",
            "client": "Aoi",
            "price": 8000,
        },
    ]
    assert [line["day"] for line in lines[KIMURA]] == ["2026-10-02"]
    # Counted when completed, the package is on its completion day (and, in the database,
    # in November's statement); one not completed yet has no line at all.
    japanese = statements.lines_of(_tenant("ja", "completed"), [], [package])
    assert japanese[SATO] == [
        {
            "day": "2026-11-03",
            "kind": "package",
            "item": "手紙相談パッケージ Standard（返信 4 回）",
            "client": "Haru",
            "price": 12000,
        }
    ]
    assert (
        statements.lines_of(_tenant("ja", "completed"), [], [_package("2026-10-20", None)]) == {}
    )
    no_show = statements.lines_of(_tenant("ja"), [_booking(1, "2026-10-01T10:00", "no_show")], [])
    assert no_show[SATO][0]["item"] == "セッション（50 分・無断欠席）"


def test_the_monthly_run_is_at_nine_on_the_first_in_the_tenant_zone() -> None:
    tenant = _tenant()
    due = history.next_summary_at(tenant, _ms("2026-09-25T12:00"))
    assert due == _ms("2026-10-01T09:00")
    assert history.previous_month(tenant, due) == "2026-09"
    # The next run follows the last one's due time, so a missed month is not skipped.
    assert history.next_summary_at(tenant, due) == _ms("2026-11-01T09:00")


# End to end


async def _file(user: User, room_id: str, suffix: str, since: int = 0) -> bytes:
    event = await user.wait_for(
        lambda r, e: (
            r == room_id
            and e.get("content", {}).get("msgtype") == "m.file"
            and str(e["content"].get("body", "")).startswith("statement-")
            and e["content"]["body"].endswith(suffix)
        ),
        since=since,
        timeout=30,
    )
    response = await user.client.download(mxc=event["content"]["url"])
    return bytes(response.body)  # type: ignore[union-attr]


def _is_file(room_id: str, suffix: str):
    return lambda r, e: (
        r == room_id
        and e.get("content", {}).get("msgtype") == "m.file"
        and str(e["content"].get("body", "")).endswith(suffix)
    )


async def _get(api: Api, path: str) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {api.platform_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(api.stack.soudan.url + PREFIX + path, headers=headers) as response,
    ):
        return (
            response.status,
            response.headers.get("Content-Disposition", ""),
            await response.read(),
        )


OCTOBER = [
    ("2026-10-01", "Session (50 min)", "Aoi", 8000),
    ("2026-10-10", "Session (50 min)", "Aoi", 8000),
    ("2026-10-20", "Letter package Standard (4 replies)", "Aoi", 12000),
]


def _check_files(pdf: bytes, sheet: bytes, table: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    text = re.sub(
        r"[\s\x00]+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    )
    assert [text.count(f"{day}") for day, *_ in OCTOBER] == [1, 1, 1], text
    for amount in ("8,000JPY", "12,000JPY", "28,000JPY"):
        assert amount in text, text
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(sheet)).active.rows]  # type: ignore[union-attr]
    body = [(v[0].date().isoformat(), v[1], v[2], v[3]) for v in rows[4:7]]
    assert body == OCTOBER, rows
    assert rows[7][0] == "Total" and rows[7][3] == sum(x[3] for x in body) == 28000
    lines = list(csv.reader(io.StringIO(table.decode("utf-8-sig"))))
    assert lines[0] == ["Date", "Item", "Client", "Amount"]
    assert [(a, b, c, int(d)) for a, b, c, d in lines[1:4]] == OCTOBER
    assert lines[4][0] == "Total" and int(lines[4][3]) == sum(x[3] for x in OCTOBER)


async def test_the_october_statement_is_made_on_november_first_and_paid(
    stack: Stack, users: OpenUser
) -> None:
    api = Api(stack)
    # Back to September 2026, before the tenant exists: its first monthly run is October 1st.
    await api.ok("POST", "/debug/clock", {"to_ms": _ms("2026-09-25T12:00")})
    try:
        await _october(stack, users, api)
    finally:
        await api.ok("POST", "/debug/clock", {"to_ms": int(time.time() * 1000)})


async def _october(stack: Stack, users: OpenUser, api: Api) -> None:
    clinic = await _clinic(stack, users, operators=2)
    admin, sato, kimura = clinic.tenant, *clinic.operators
    private = clinic.private[sato.user_id]
    answer = await admin.command("!letter-settings session-price=8000")
    assert "Session price: 8000" in answer, answer
    saved = await admin.command(
        "!package-type add Standard replies=4 days=2 chars=3000 price=12000"
    )
    assert saved.startswith("Package type saved."), saved
    slots = [
        (await _add_slot(clinic, sato, f"2026-10-{day} 10:00"))[0] for day in ("01", "10", "15")
    ]
    client, room = await clinic.client(stack, users, "Aoi")
    labels = []
    for slot in slots:
        booked = await command(client, room, f"!book {slot}")
        labels.append(re.search(r"\((B\d+)\)", booked)[1])  # type: ignore[index]
    cancelled = await command(client, room, f"!cancel {labels[2]}")  # not billed
    assert cancelled.endswith("is cancelled."), cancelled
    staff = admin.staff_room
    await clinic.move_to(_ms("2026-10-01T11:00"))
    assert await command(sato, staff, f"!session {labels[0]} done") == (
        f"Recorded {labels[0]} as done."
    )
    await clinic.move_to(_ms("2026-10-10T11:00"))
    assert await command(sato, staff, f"!session {labels[1]} done") == (
        f"Recorded {labels[1]} as done."
    )
    await clinic.move_to(_ms("2026-10-20T12:00"))
    granted = await admin.command(f"!package-grant Aoi Standard {sato.user_id}")
    assert granted.startswith("Package P1 granted."), granted
    # September had nothing: its run (October 1st) made no statement.
    assert await admin.command("!statements") == "No statements."

    # November 1st, 09:00 in Tokyo: October's statement, for Sato only (Kimura did nothing).
    since_admin, since_sato = len(admin.admin.events), len(sato.events)
    await clinic.move_to(_ms("2026-11-01T09:00") + 5_000)
    await sato.wait_for(
        _starts(private, "Your statement S1 for 2026-10: 3 lines, total 28,000 JPY."),
        since=since_sato,
        timeout=30,
    )
    _check_files(
        *[await _file(sato, private, f".{kind}", since_sato) for kind in ("pdf", "xlsx", "csv")]
    )
    notice = f"Statement S1 ({sato.user_id}, 2026-10): 3 lines, total 28,000 JPY."
    await admin.admin.wait_for(_starts(admin.admin_room, notice), since=since_admin, timeout=30)
    room = admin.admin_room
    _check_files(
        *[
            await _file(admin.admin, room, f".{kind}", since_admin)
            for kind in ("pdf", "xlsx", "csv")
        ]
    )
    assert await admin.command("!statements 2026-10") == (
        f"Statements (1):\nS1 · {sato.user_id} · 2026-10 · sent · 28,000 JPY (3 lines)"
    )
    # Each file once in each room, and nothing for Kimura.
    await settle(sato)
    for kind in ("pdf", "xlsx", "csv"):
        assert count(sato, _is_file(private, f".{kind}")) == 1
        assert count(admin.admin, _is_file(room, f".{kind}")) == 1
    assert count(kimura, _starts(clinic.private[kimura.user_id], "Your statement")) == 0
    # Each counselor lists their own in their private room, and only their own.
    own = f"Statements (1):\nS1 · {sato.user_id} · 2026-10 · sent · 28,000 JPY (3 lines)"
    assert await command(sato, private, "!statements") == own
    kimura_room = clinic.private[kimura.user_id]
    assert await command(kimura, kimura_room, "!statements") == "No statements."
    assert await command(kimura, kimura_room, "!statement S1") == "There is no statement S1."

    # Bad input is refused and changes nothing.
    assert await admin.command("!statements 2026-13") == (
        "Write the month “2026-13” as YYYY-MM (for example 2026-10)."
    )
    assert await admin.command("!statement S99") == "There is no statement S99."
    assert await admin.command("!statement-paid S99") == "There is no statement S99."
    assert await admin.command(f"!statement-make {sato.user_id} 2026-11") == (
        "The month 2026-11 is not over yet; a statement covers a whole month."
    )
    assert await admin.command(f"!statement-make {sato.user_id} 2026-1") == (
        "Write the month “2026-1” as YYYY-MM (for example 2026-10)."
    )
    stranger = admin.admin.user_id
    assert await admin.command(f"!statement-make {stranger} 2026-10") == (
        f"{stranger} is not an operator."
    )
    assert await admin.command(f"!statement-make {sato.user_id} 2026-10") == (
        "The statement of that month, S1, is already sent and stays as it is; "
        "“!statement S1” sends its files again."
    )
    # A draft (as one is between being made and sent) cannot be paid.
    db = await _database(stack)
    try:
        Statement.db = db
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", admin.slug)
        draft = await _unlocked(
            lambda: Statement.make(
                tenant_id, UserID(kimura.user_id), "2026-09", [], "JPY", _ms("2026-11-01T09:30")
            )
        )
    finally:
        await db.stop()
    assert (draft.number, draft.status) == (2, "draft")
    assert await admin.command("!statement-paid S2") == (
        "Statement S2 has not been sent yet, so it cannot be paid; nothing changed."
    )
    # Paid once.
    assert await admin.command("!statement-paid S1") == "Statement S1 is recorded as paid."
    assert await admin.command("!statement-paid s1") == (
        "Statement S1 is already paid; nothing changed."
    )
    assert await admin.command(f"!statement-make {sato.user_id} 2026-10") == (
        "The statement of that month, S1, is already paid and stays as it is; "
        "“!statement S1” sends its files again."
    )
    # The files again, into the admin room.
    since_admin = len(admin.admin.events)
    assert await admin.command("!statement S1") == notice
    _check_files(
        *[
            await _file(admin.admin, room, f".{kind}", since_admin)
            for kind in ("pdf", "xlsx", "csv")
        ]
    )

    # The API: the list, one statement with its lines, its files, and the same refusals.
    slug = admin.slug
    listed = await api.ok("GET", f"/tenants/{slug}/statements?month=2026-10")
    assert [(s["statement"], s["status"], s["total"]) for s in listed["statements"]] == [
        ("S1", "paid", 28000)
    ]
    one = await api.ok("GET", f"/tenants/{slug}/statements/S1")
    assert one["status"] == "paid" and one["paid_at"] and one["operator"] == sato.user_id
    assert [(x["day"], x["item"], x["client"], x["price"]) for x in one["lines"]] == OCTOBER
    assert [x["kind"] for x in one["lines"]] == ["session", "session", "package"]
    assert one["total"] == sum(x["price"] for x in one["lines"]) == 28000
    files = {}
    for kind in ("pdf", "xlsx", "csv"):
        status, disposition, files[kind] = await _get(
            api, f"/tenants/{slug}/statements/1?format={kind}"
        )
        assert status == 200 and f'.{kind}"' in disposition, (status, disposition)
    _check_files(files["pdf"], files["xlsx"], files["csv"])
    status, data = await api.call("POST", f"/tenants/{slug}/statements/1/paid")
    assert (status, data["errcode"]) == (409, "SOUDAN_CONFLICT"), data
    for path, expected in (
        ("/statements/S1?format=docx", 400),
        ("/statements/99", 404),
        ("/statements?month=october", 400),
    ):
        status, data = await api.call("GET", f"/tenants/{slug}{path}")
        assert status == expected, (path, status, data)
    status, data = await api.call(
        "POST", f"/tenants/{slug}/statements", {"operator": sato.user_id, "month": "2026-12"}
    )
    assert (status, data["errcode"]) == (409, "SOUDAN_CONFLICT"), data
    # Made through the API: Kimura's September draft is made again (nothing in it) and sent.
    since_kimura = len(kimura.events)
    made = await api.ok(
        "POST", f"/tenants/{slug}/statements", {"operator": kimura.user_id, "month": "2026-09"}
    )
    assert (made["statement"], made["status"], made["lines"], made["total"]) == (
        "S2",
        "sent",
        [],
        0,
    )
    await kimura.wait_for(
        _starts(
            clinic.private[kimura.user_id],
            "Your statement S2 for 2026-09: 0 lines, total 0 JPY.",
        ),
        since=since_kimura,
        timeout=30,
    )
    lines = await _file(kimura, clinic.private[kimura.user_id], ".csv", since_kimura)
    assert list(csv.reader(io.StringIO(lines.decode("utf-8-sig")))) == [
        ["Date", "Item", "Client", "Amount"],
        ["Total", "", "", "0"],
    ]
    assert client.user_id not in str(one) and client.user_id not in lines.decode("utf-8-sig")
