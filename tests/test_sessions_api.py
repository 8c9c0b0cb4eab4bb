"""The scheduled-sessions API end to end: settings, slots, bookings (one made by a real client
with !book) as JSON and CSV, a session's status, and calendar feeds, through a real soudan
and Synapse."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from icalendar import Calendar

from appservice.dev.testbed import http_json

from .conftest import OpenUser, Stack
from .matrix import reply_to
from .tenants import PREFIX, Api, bare_tenant, refused

DEFAULTS = {
    "minutes": 50,
    "cutoff_hours": 24,
    "reminders": [1440, 15],
    "video_lead_minutes": 5,
    "video_url": "https://meet.jit.si/{room}",
}
CSV_HEADER = "booking,date,start,end,minutes,operator,client,status"


@dataclass
class Desk:
    """One tenant for the whole module, with an operator for each test that adds slots."""

    slug: str
    zone: ZoneInfo
    today: date  # in the tenant's zone, by soudan's clock (which tests may have advanced)
    operators: list[str]

    @property
    def path(self) -> str:
        return f"/tenants/{self.slug}"

    def at(self, day: date, hh_mm: str) -> datetime:
        return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=self.zone)


@pytest.fixture(scope="module")
def desk(stack: Stack) -> Desk:
    token = str(stack.config["provisioning.shared_secret"])

    def call(method: str, path: str, body: Any = None) -> Any:
        status, data = http_json(method, stack.soudan.url + PREFIX + path, body, token, 60)
        assert status in (200, 201), (method, path, status, data)
        return data

    slug = f"s{secrets.token_hex(4)}"
    call(
        "POST", "/tenants", {"slug": slug, "preset": "counseling", "language": "en", "name": slug}
    )
    operators = []
    for _ in range(2):
        user_id, _ = stack.new_user("operator")
        call("POST", f"/tenants/{slug}/operators", {"user_id": user_id})
        operators.append(user_id)
    zone = ZoneInfo(call("GET", f"/tenants/{slug}/hours")["timezone"])
    now = call("POST", "/debug/clock", {"advance_seconds": 0})["now"]
    today = datetime.fromtimestamp(now / 1000, tz=zone).date()
    return Desk(slug, zone, today, operators)


async def _get(path: str, stack: Stack, token: str | None = None) -> tuple[int, str, bytes]:
    """A GET whose answer may not be JSON: (status, content type, body)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as session,
        session.get(stack.soudan.url + PREFIX + path, headers=headers) as response,
    ):
        return response.status, response.content_type, await response.read()


async def test_slots(stack: Stack, desk: Desk) -> None:
    api = Api(stack)
    operator = desk.operators[0]
    day = desk.today + timedelta(days=10)
    path = f"{desk.path}/slots"

    (single,) = (
        await api.ok("POST", path, {"operator": operator, "date": str(day), "time": "10:00"})
    )["slots"]
    start = desk.at(day, "10:00")
    assert single == {
        "number": single["number"],
        "operator": operator,
        "starts_at": int(start.timestamp() * 1000),
        "ends_at": int(start.timestamp() * 1000) + 50 * 60_000,
        "start": start.isoformat(),
        "end": desk.at(day, "10:50").isoformat(),
        "capacity": 1,
        "booked": 0,
        "series": False,
    }
    weekly = {"operator": operator, "date": str(day + timedelta(days=1)), "time": "09:00"}
    weekly |= {"minutes": 30, "capacity": "2", "repeat": "weekly", "count": 3}
    series = (await api.ok("POST", path, weekly))["slots"]
    assert [s["start"] for s in series] == [
        desk.at(day + timedelta(days=n), "09:00").isoformat() for n in (1, 8, 15)
    ]
    assert all(s["series"] and s["capacity"] == 2 for s in series)

    # Refused whole: an overlap (with the slot it overlaps named), bad values, a non-operator.
    error = await refused(
        api, "POST", path, {**weekly, "time": "09:20", "count": 2}, 409, "SOUDAN_CONFLICT"
    )
    assert f"overlaps slot #{series[0]['number']}" in error
    for bad in (
        {"operator": operator, "date": str(day), "time": "25:00"},
        {"operator": operator, "date": str(day), "time": "12:00", "repeat": "weekly"},
        {"operator": operator, "date": str(desk.today - timedelta(days=1)), "time": "12:00"},
        {"operator": operator, "date": str(day), "time": "12:00", "colour": "red", "minutes": 0},
        {"operator": "nobody", "date": str(day), "time": "12:00"},
    ):
        await refused(api, "POST", path, bad, 400, "M_INVALID_PARAM")
    await refused(api, "POST", path, {"operator": operator, "date": str(day)}, 400, "M_BAD_JSON")
    stranger = {"operator": stack.admin_id, "date": str(day), "time": "12:00"}
    await refused(api, "POST", path, stranger, 403, "M_FORBIDDEN")

    everything = [single, *series]
    span = f"from={day}&to={day + timedelta(days=15)}"
    assert (await api.ok("GET", f"{path}?{span}&operator={operator}"))["slots"] == everything
    assert (await api.ok("GET", f"{path}?{span}&operator={desk.operators[1]}"))["slots"] == []
    assert single in (await api.ok("GET", path))["slots"]  # from now, for some weeks
    await refused(api, "GET", f"{path}?from={day}&to={desk.today}", None, 400, "M_INVALID_PARAM")
    await refused(api, "GET", f"{path}?operator=x", None, 400, "M_INVALID_PARAM")

    # Remove one slot, one occurrence of the series alone, then all of the series to come.
    one = f"{path}/{single['number']}"
    await refused(api, "DELETE", f"{one}?series=true", None, 409, "SOUDAN_CONFLICT")
    await refused(api, "DELETE", f"{one}?series=maybe", None, 400, "M_INVALID_PARAM")
    assert await api.ok("DELETE", one) == {"removed": [single["number"]], "cancelled": 0}
    await refused(api, "DELETE", one, None, 404, "M_NOT_FOUND")
    alone = await api.ok("DELETE", f"{path}/{series[1]['number']}")
    assert alone == {"removed": [series[1]["number"]], "cancelled": 0}
    rest = await api.ok("DELETE", f"{path}/{series[2]['number']}?series=true")
    assert rest == {"removed": [series[0]["number"], series[2]["number"]], "cancelled": 0}
    assert (await api.ok("GET", f"{path}?{span}&operator={operator}"))["slots"] == []


async def test_bookings_and_calendar(stack: Stack, users: OpenUser, desk: Desk) -> None:
    api = Api(stack)
    operator = desk.operators[1]
    day = desk.today + timedelta(days=12)
    one_day = f"from={day}&to={day}"
    bookings = f"{desk.path}/bookings"
    assert await api.ok("GET", f"{bookings}?{one_day}") == {"bookings": []}
    status, kind, data = await _get(f"{bookings}?{one_day}&format=csv", stack, api.platform_token)
    assert (status, kind) == (200, "text/csv")
    assert data.decode("utf-8-sig").splitlines() == [CSV_HEADER]
    await refused(api, "GET", f"{bookings}?format=pdf", None, 400, "M_INVALID_PARAM")

    new_slot = {"operator": operator, "date": str(day), "time": "14:00", "capacity": 2}
    (slot,) = (await api.ok("POST", f"{desk.path}/slots", new_slot))["slots"]

    # A client books it for real.
    nickname = f"Nick{secrets.token_hex(3)}"
    created = await api.ok("POST", f"{desk.path}/clients", {"nickname": nickname})
    client = await users(stack.hs.url, created["user_id"], created["password"])
    room = (await client.client.joined_rooms()).rooms[0]  # type: ignore[union-attr]
    asked = await client.send_text(room, f"!book {slot['number']}")
    answer = await client.wait_for(reply_to(asked, room), timeout=30)
    assert answer["content"]["body"].startswith("Booked (B1)"), answer

    (booking,) = (await api.ok("GET", f"{bookings}?{one_day}&operator={operator}"))["bookings"]
    assert booking == {
        "booking": "B1",
        "number": 1,
        "date": str(day),
        "start": "14:00",
        "end": "14:50",
        "starts_at": slot["starts_at"],
        "ends_at": slot["ends_at"],
        "minutes": 50,
        "operator": operator,
        "client": nickname,
        "status": "booked",
    }
    status, _, data = await _get(f"{bookings}?{one_day}&format=csv", stack, api.platform_token)
    assert data.decode("utf-8-sig").splitlines() == [
        CSV_HEADER,
        f"B1,{day},14:00,14:50,50,{operator},{nickname},booked",
    ]

    # The operator's calendar feed: its token is the only credential, and a new one
    # replaces the old.
    issue = f"{desk.path}/operators/{operator}/calendar-token"
    issued = await api.ok("POST", issue)
    assert issued["url"].endswith(f"/_soudan/provision/v1/calendar/{issued['token']}.ics")
    status, kind, data = await _get(f"/calendar/{issued['token']}.ics", stack)
    assert (status, kind) == (200, "text/calendar")
    events = Calendar.from_ical(data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"Session B1: {nickname}"]
    assert events[0].decoded("dtstart") == desk.at(day, "14:00")
    assert (await _get(f"/calendar/{issued['token']}", stack))[0] == 200
    status, _, data = await _get(f"/calendar/{issued['token']}x.ics", stack)
    assert status == 404 and b"M_NOT_FOUND" in data
    newer = await api.ok("POST", issue)
    assert (await _get(f"/calendar/{issued['token']}.ics", stack))[0] == 404
    assert (await _get(f"/calendar/{newer['token']}.ics", stack))[0] == 200
    await refused(
        api,
        "POST",
        f"{desk.path}/operators/{stack.admin_id}/calendar-token",
        None,
        404,
        "M_NOT_FOUND",
    )

    # How it went: not before the start, and never an unknown status; then cancelled.
    status_path = f"{bookings}/B1/status"
    error = await refused(api, "POST", status_path, {"status": "over"}, 400, "M_INVALID_PARAM")
    assert "done, no_show, cancelled" in error
    await refused(api, "POST", status_path, {"status": "done"}, 409, "SOUDAN_CONFLICT")
    await refused(api, "POST", f"{bookings}/99/status", {"status": "done"}, 404, "M_NOT_FOUND")
    cancelled = await api.ok("POST", status_path, {"status": "cancelled"})
    assert cancelled == {**booking, "status": "cancelled"}
    await refused(api, "POST", status_path, {"status": "cancelled"}, 409, "SOUDAN_CONFLICT")
    (slot,) = (await api.ok("GET", f"{desk.path}/slots?{one_day}&operator={operator}"))["slots"]
    assert slot["booked"] == 0
    await client.wait_for(
        lambda r, e: r == room and "was cancelled" in str(e.get("content", {}).get("body"))
    )
    status, _, data = await _get(f"/calendar/{newer['token']}.ics", stack)
    assert Calendar.from_ical(data).walk("VEVENT") == []


async def test_tenant_token_stays_in_its_tenant(stack: Stack, desk: Desk) -> None:
    api = Api(stack)
    other = await bare_tenant(api, prefix="s")
    token = (await api.ok("POST", f"{desk.path}/tokens", {"label": "sessions"}))["token"]
    assert isinstance((await api.ok("GET", f"{desk.path}/slots", token=token))["slots"], list)
    for method, path in (
        ("GET", f"/tenants/{other}/slots"),
        ("GET", f"/tenants/{other}/bookings"),
        ("PATCH", f"/tenants/{other}/session-settings"),
        ("POST", f"/tenants/{other}/operators/{desk.operators[0]}/calendar-token"),
    ):
        await refused(api, method, path, {"minutes": 5}, 403, "M_FORBIDDEN", token=token)
    await refused(api, "GET", f"{desk.path}/slots", None, 401, "M_MISSING_TOKEN", token=None)


async def test_session_settings(stack: Stack, desk: Desk) -> None:
    api = Api(stack)
    path = f"{desk.path}/session-settings"
    assert await api.ok("GET", path) == DEFAULTS
    # Each of these is refused whole: the good change in it is not made either.
    for bad in (
        {},
        {"minutes": 30, "colour": "red"},
        {"minutes": 30, "reminders": [0]},
        {"minutes": 30, "reminders": [1, 2, 3, 4, 5, 6]},
        {"minutes": 30, "cutoff_hours": -1},
        {"minutes": 30, "video_url": "https://meet.example/no-room"},
        {"minutes": 30, "video_url": "http://meet.example/{room}"},  # a link in the clear
        {"minutes": "thirty"},
    ):
        await refused(api, "PATCH", path, bad, 400, "M_INVALID_PARAM")
    await refused(api, "PATCH", path, None, 400, "M_BAD_JSON", raw=b"[1]")
    assert await api.ok("GET", path) == DEFAULTS

    changes = {"minutes": "30", "cutoff_hours": 0, "reminders": [15, 60, 15]}
    changes |= {"video_lead_minutes": 10, "video_url": "https://video.example/s/{room}"}
    changed = await api.ok("PATCH", path, changes)
    assert changed == {**changes, "minutes": 30, "reminders": [60, 15]}
    assert await api.ok("GET", path) == changed
    assert (await api.ok("PATCH", path, {"reminders": []}))["reminders"] == []


async def test_move_slot(stack: Stack, users: OpenUser, desk: Desk) -> None:
    """As !slot-move: the slot and its booking move, the client is told; a refusal moves
    nothing."""
    api = Api(stack)
    operator = desk.operators[0]
    day = desk.today + timedelta(days=20)
    path = f"{desk.path}/slots"
    made = []
    for hh_mm in ("10:00", "12:00"):
        new = {"operator": operator, "date": str(day), "time": hh_mm, "minutes": 100}
        made += (await api.ok("POST", path, new))["slots"]
    first, second = made
    nickname = f"Nick{secrets.token_hex(3)}"
    created = await api.ok("POST", f"{desk.path}/clients", {"nickname": nickname})
    client = await users(stack.hs.url, created["user_id"], created["password"])
    room = (await client.client.joined_rooms()).rooms[0]  # type: ignore[union-attr]
    asked = await client.send_text(room, f"!book {first['number']}")
    booked = await client.wait_for(reply_to(asked, room), timeout=30)
    assert booked["content"]["body"].startswith("Booked ("), booked
    span = f"from={day}&to={day + timedelta(days=1)}&operator={operator}"
    before = (await api.ok("GET", f"{path}?{span}"))["slots"]
    assert before == [{**first, "booked": 1}, second]

    move = f"{path}/{first['number']}/move"
    error = await refused(
        api, "POST", move, {"date": str(day), "time": "10:30"}, 409, "SOUDAN_CONFLICT"
    )
    assert f"overlaps slot #{second['number']}" in error
    for bad in (
        {"date": str(day), "time": "25:00"},
        {"date": "2026-02-30", "time": "10:00"},
        {"date": str(desk.today - timedelta(days=1)), "time": "10:00"},
    ):
        await refused(api, "POST", move, bad, 400, "M_INVALID_PARAM")
    await refused(api, "POST", move, {"date": str(day)}, 400, "M_BAD_JSON")
    await refused(api, "POST", move, None, 400, "M_NOT_JSON", raw=b"10:00")
    unknown = f"{path}/99999/move"
    await refused(api, "POST", unknown, {"date": str(day), "time": "9:00"}, 404, "M_NOT_FOUND")
    other = await bare_tenant(api, prefix="s")
    token = (await api.ok("POST", f"/tenants/{other}/tokens", {"label": "other"}))["token"]
    await refused(
        api, "POST", move, {"date": str(day), "time": "9:00"}, 403, "M_FORBIDDEN", token=token
    )
    assert (await api.ok("GET", f"{path}?{span}"))["slots"] == before

    target = day + timedelta(days=1)
    moved = await api.ok("POST", move, {"date": str(target), "time": "9:30"})
    start = desk.at(target, "09:30")
    assert moved == {
        **first,
        "starts_at": int(start.timestamp() * 1000),
        "ends_at": int(start.timestamp() * 1000) + 100 * 60_000,
        "start": start.isoformat(),
        "end": desk.at(target, "11:10").isoformat(),
        "booked": 1,
        "moved_bookings": [moved["moved_bookings"][0]],
    }
    after = (await api.ok("GET", f"{path}?{span}"))["slots"]
    assert after == [second, {k: v for k, v in moved.items() if k != "moved_bookings"}]
    await client.wait_for(
        lambda r, e: r == room and "has moved to" in str(e.get("content", {}).get("body"))
    )
    bookings = (await api.ok("GET", f"{desk.path}/bookings?{span}"))["bookings"]
    assert [(b["number"], b["date"], b["start"]) for b in bookings] == [
        (moved["moved_bookings"][0], str(target), "09:30")
    ]
