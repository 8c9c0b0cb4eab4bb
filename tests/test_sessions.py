"""Scheduled sessions, end to end: slots and series, booking under contention, calendar files,
reminders and video links across a restart, and refusals that change nothing."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from icalendar import Calendar
from mautrix.util.async_db import Database

from appservice.db import Booking, Slot, Tenant
from appservice.services import sessions
from appservice.services.sessions import SlotRequest

from .conftest import OpenUser, Stack
from .matrix import User, count, settle
from .tenants import Api, TenantFixture, add_operators, command, new_client, new_tenant

TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = 60_000


# The series rules, as pure logic


def _hours_utc(times: list[tuple[int, int]]) -> list[tuple[date, int, int]]:
    """(UTC date, UTC hour, minutes long) of each occurrence."""
    found = []
    for start, end in times:
        moment = datetime.fromtimestamp(start / 1000, tz=ZoneInfo("UTC"))
        found.append((moment.date(), moment.hour, (end - start) // MINUTE))
    return found


def test_weekly_and_every_other_week_over_three_months() -> None:
    weekly = SlotRequest(date(2026, 9, 3), time(10, 0), 50, 1, "weekly", until=date(2026, 12, 3))
    biweekly = SlotRequest(date(2026, 9, 3), time(10, 0), 50, 1, "biweekly", count=7)
    # Tokyo has no daylight saving: 10:00 is always 01:00 UTC, every Thursday.
    tokyo = _hours_utc(sessions.occurrences(weekly, TOKYO))
    assert len(tokyo) == 14
    assert [d for d, _, _ in tokyo] == [date(2026, 9, 3) + timedelta(weeks=n) for n in range(14)]
    assert {(hour, minutes) for _, hour, minutes in tokyo} == {(1, 50)}
    # Berlin: 10:00 local is 08:00 UTC in summer time, 09:00 UTC from October 25 on.
    berlin = _hours_utc(sessions.occurrences(weekly, BERLIN))
    assert len(berlin) == 14
    assert [hour for d, hour, _ in berlin if d < date(2026, 10, 25)] == [8] * 8
    assert [hour for d, hour, _ in berlin if d > date(2026, 10, 25)] == [9] * 6
    every_other = _hours_utc(sessions.occurrences(biweekly, BERLIN))
    assert [d for d, _, _ in every_other] == [
        date(2026, 9, 3) + timedelta(weeks=2 * n) for n in range(7)
    ]
    assert [hour for _, hour, _ in every_other] == [8, 8, 8, 8, 9, 9, 9]
    # Local wall-clock time holds on both sides of the change.
    for start, _ in sessions.occurrences(biweekly, BERLIN):
        assert datetime.fromtimestamp(start / 1000, tz=BERLIN).time() == time(10, 0)
    once = SlotRequest(date(2026, 10, 25), time(2, 30), 30, 1)
    assert len(sessions.occurrences(once, BERLIN)) == 1


# End to end


@dataclass
class Clinic:
    api: Api
    tenant: TenantFixture
    operators: list[User]
    private: dict[str, str]  # operator → their private room

    async def now(self) -> int:
        return int((await self.api.ok("POST", "/debug/clock", {"advance_seconds": 0}))["now"])

    async def move_to(self, ms: int) -> None:
        await self.api.ok("POST", "/debug/clock", {"to_ms": ms})

    async def client(self, stack: Stack, users: OpenUser, nickname: str) -> tuple[User, str]:
        return await new_client(stack, users, self.tenant, nickname)


async def _private_room(operator: User, staff_room: str, space_room: str) -> str:
    answer = await command(operator, staff_room, "!private")
    assert answer == "Your private room is ready; look for the invite.", answer
    room_id = await operator.wait_for_invite(ignore=(space_room,))
    await operator.join(room_id)
    await operator.wait_for(_starts(room_id, "This is your private room."))
    return room_id


async def _clinic(
    stack: Stack, users: OpenUser, zone: str = "Asia/Tokyo", operators: int = 2
) -> Clinic:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    if zone != "Asia/Tokyo":
        await tenant.command(f"!set-timezone {zone}")
    staff = await add_operators(stack, api, users, tenant, operators)
    private = {}
    for operator, name in zip(staff, ("Sato", "Kimura")[:operators], strict=True):
        await command(operator, tenant.staff_room, f"!profile {name} | I listen.")
        private[operator.user_id] = await _private_room(
            operator, tenant.staff_room, tenant.space_room
        )
    return Clinic(api, tenant, staff, private)


def _starts(room_id: str, start: str):
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


def _contains(room_id: str, part: str):
    return lambda r, e: r == room_id and part in str(e.get("content", {}).get("body", ""))


def _local_day(now_ms: int, days: int, zone: ZoneInfo = TOKYO) -> date:
    return datetime.fromtimestamp(now_ms / 1000, tz=zone).date() + timedelta(days=days)


def _slot_numbers(answer: str) -> list[int]:
    return [int(n) for n in re.findall(r"^#(\d+) ", answer, re.M)]


async def _add_slot(clinic: Clinic, operator: User, text: str) -> list[int]:
    answer = await command(operator, clinic.tenant.staff_room, f"!slot-add {text}")
    assert answer.startswith("Added "), answer
    return _slot_numbers(answer)


async def _ics(user: User, room_id: str, name: str, since: int = 0) -> Calendar:
    event = await user.wait_for(
        lambda r, e: (
            r == room_id
            and e.get("content", {}).get("msgtype") == "m.file"
            and e["content"].get("body") == name
        ),
        since=since,
        timeout=30,
    )
    assert event["content"]["info"]["mimetype"] == "text/calendar"
    response = await user.client.download(mxc=event["content"]["url"])
    return Calendar.from_ical(bytes(response.body))  # type: ignore[union-attr]


TENANT_EN = Tenant(0, "x", "x", "counseling", "en", None, None, None, None, None, None, 0)


def _span(day: date, hour: int, minutes: int) -> tuple[int, int]:
    start = int(datetime.combine(day, time(hour), tzinfo=TOKYO).timestamp() * 1000)
    return start, start + minutes * MINUTE


def _event(cal: Calendar) -> Any:
    (event,) = cal.walk("VEVENT")
    return event


async def _unlocked(attempt: Callable[[], Awaitable[Any]]) -> Any:
    """Run a write from this test process again while soudan's own write holds SQLite's lock
    (a transaction that reads first cannot wait for it)."""
    for _ in range(50):
        try:
            return await attempt()
        except Exception as e:
            if "locked" not in str(e):
                raise
            await asyncio.sleep(0.1)
    raise AssertionError("the database stayed locked")


async def _database(stack: Stack) -> Database:
    db = Database.create(str(stack.config["database.url"]))
    await db.start()
    return db


async def _series(stack: Stack, slug: str) -> dict[str, list[tuple[int, int]]]:
    """The tenant's slots still offered, by series, in time order."""
    db = await _database(stack)
    try:
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", slug)
        rows = await db.fetch(
            "SELECT series, starts_at, ends_at FROM slot WHERE tenant_id=$1 "
            "AND removed_at IS NULL ORDER BY starts_at",
            tenant_id,
        )
    finally:
        await db.stop()
    found: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        found.setdefault(row["series"], []).append((row["starts_at"], row["ends_at"]))
    return found


def _local(times: list[tuple[int, int]], zone: ZoneInfo) -> list[datetime]:
    return [datetime.fromtimestamp(start / 1000, tz=zone) for start, _ in times]


async def test_series_over_three_months_in_tokyo_and_across_daylight_saving_in_berlin(
    stack: Stack, users: OpenUser
) -> None:
    clinic = await _clinic(stack, users, "Europe/Berlin", operators=1)
    operator, staff = clinic.operators[0], clinic.tenant.staff_room
    now = await clinic.now()
    # The next change of the Berlin offset after tomorrow: series across it, over 3 months.
    day = _local_day(now, 1, BERLIN)
    noon = datetime.combine(day, time(12), tzinfo=BERLIN)
    while (noon + timedelta(days=1)).utcoffset() == noon.utcoffset():
        noon += timedelta(days=1)
    first = max(day, noon.date() - timedelta(weeks=3))
    weekly = await _add_slot(clinic, operator, f"{first} 10:00 repeat=weekly count=14 minutes=45")
    assert len(weekly) == 14
    until = first + timedelta(weeks=13)
    biweekly = await _add_slot(clinic, operator, f"{first} 14:00 repeat=biweekly until={until}")
    assert len(biweekly) == 7
    weeks = (first - day).days // 7 + 16
    listing = await command(operator, staff, f"!slots {weeks}")
    for n in weekly:
        line = next(x for x in listing.splitlines() if x.startswith(f"#{n} "))
        assert "10:00–10:45" in line and "series" in line, line
    every_other, every = sorted((await _series(stack, clinic.tenant.slug)).values(), key=len)
    starts = _local(every, BERLIN)
    assert [s.date() for s in starts] == [first + timedelta(weeks=n) for n in range(14)]
    assert {s.time() for s in starts} == {time(10, 0)}
    assert len({s.utcoffset() for s in starts}) == 2  # both sides of the change
    assert {(end - start) // MINUTE for start, end in every} == {45}
    starts = _local(every_other, BERLIN)
    assert [s.date() for s in starts] == [first + timedelta(weeks=2 * n) for n in range(7)]
    assert {s.time() for s in starts} == {time(14, 0)}
    assert len({s.utcoffset() for s in starts}) == 2
    assert {(end - start) // MINUTE for start, end in every_other} == {50}  # the default
    # One occurrence goes alone; "series" takes every occurrence still to come.
    assert await command(operator, staff, f"!slot-remove {weekly[2]}") == (
        "Removed 1 slot; 0 bookings cancelled."
    )
    assert await command(operator, staff, f"!slot-remove {weekly[5]} series") == (
        "Removed 13 slots; 0 bookings cancelled."
    )
    assert await command(operator, staff, f"!slot-remove {biweekly[0]} series") == (
        "Removed 7 slots; 0 bookings cancelled."
    )
    assert await command(operator, staff, f"!slots {weeks}") == (
        "No slots in this period. Add some with !slot-add."
    )
    # In Tokyo (no daylight saving), both kinds of series over the same three months.
    await clinic.tenant.command("!set-timezone Asia/Tokyo")
    start = _local_day(now, 1)
    await _add_slot(
        clinic, operator, f"{start} 10:00 repeat=weekly until={start + timedelta(weeks=13)}"
    )
    await _add_slot(clinic, operator, f"{start} 16:30 repeat=biweekly count=7")
    every_other, every = sorted((await _series(stack, clinic.tenant.slug)).values(), key=len)
    assert [s.date() for s in _local(every, TOKYO)] == [
        start + timedelta(weeks=n) for n in range(14)
    ]
    assert {s.time() for s in _local(every, TOKYO)} == {time(10, 0)}
    assert {datetime.fromtimestamp(a / 1000, tz=ZoneInfo("UTC")).hour for a, _ in every} == {1}
    assert [s.date() for s in _local(every_other, TOKYO)] == [
        start + timedelta(weeks=2 * n) for n in range(7)
    ]
    assert {s.time() for s in _local(every_other, TOKYO)} == {time(16, 30)}


async def test_two_clients_book_the_last_place_at_once(stack: Stack, users: OpenUser) -> None:
    clinic = await _clinic(stack, users)
    now = await clinic.now()
    (slot,) = await _add_slot(clinic, clinic.operators[0], f"{_local_day(now, 3)} 14:00")
    (a, room_a), (b, room_b) = [
        await clinic.client(stack, users, name) for name in ("Aoi", "Haru")
    ]
    listing = await command(a, room_a, "!slots")
    assert f"#{slot} " in listing and "Sato" in listing, listing
    answers = await asyncio.gather(
        command(a, room_a, f"!book {slot}"), command(b, room_b, f"!book {slot}")
    )
    booked = [x for x in answers if x.startswith("Booked (B")]
    taken = [
        x for x in answers if x == f"Slot #{slot} is taken. “!slots” shows the other free slots."
    ]
    assert len(booked) == 1 and len(taken) == 1, answers
    # The winner cannot book it twice; the full slot is no longer offered.
    winner, winner_room = (a, room_a) if answers[0] in booked else (b, room_b)
    assert await command(winner, winner_room, f"!book {slot}") == (
        f"You have already booked slot #{slot}."
    )
    assert await command(a, room_a, "!slots") == "There are no free slots at the moment."
    # The database holds the line by itself: twenty takes at once of a one-place slot.
    db = await _database(stack)
    try:
        for table in (Slot, Booking, Tenant):
            table.db = db
        tenant = await Tenant.get_by_slug(clinic.tenant.slug)
        assert tenant is not None
        (roomy,) = await _unlocked(
            lambda: Slot.insert_many(
                tenant.id,
                clinic.operators[1].user_id,  # type: ignore[arg-type]
                None,
                [(now + 5 * 1440 * MINUTE, now + 5 * 1440 * MINUTE + 50 * MINUTE)],
                1,
                now,
            )
        )
        clients = [
            r["id"] for r in await db.fetch("SELECT id FROM client WHERE tenant_id=$1", tenant.id)
        ]
        results = await asyncio.gather(
            *(
                _unlocked(
                    lambda i=i: Booking.take(
                        roomy, clients[i % 2], "x", f"uid-{i}-{roomy.id}", "v", now
                    )
                )
                for i in range(20)
            )
        )
        made = [r for r in results if isinstance(r, Booking)]
        assert len(made) == 1, results
        assert {r for r in results if isinstance(r, str)} <= {"taken", "twice"}
        assert await db.fetchval("SELECT booked FROM slot WHERE id=$1", roomy.id) == 1
        # Two overlapping additions for one operator at once: one is stored, one is told.
        start = now + 9 * 1440 * MINUTE
        added = await asyncio.gather(
            *(
                _unlocked(
                    lambda k=k: Slot.insert_many(
                        tenant.id,
                        clinic.operators[1].user_id,  # type: ignore[arg-type]
                        None,
                        [(start + k * 10 * MINUTE, start + (50 + k * 10) * MINUTE)],
                        1,
                        now,
                    )
                )
                for k in range(4)
            )
        )
        # One list of the slots stored; three (overlapped slot, start, end) refusals.
        assert sorted(type(x).__name__ for x in added) == ["list", "tuple", "tuple", "tuple"]
    finally:
        await db.stop()


async def test_booking_and_cancel_send_calendar_files(stack: Stack, users: OpenUser) -> None:
    clinic = await _clinic(stack, users, operators=1)
    operator = clinic.operators[0]
    private = clinic.private[operator.user_id]
    now = await clinic.now()
    day = _local_day(now, 4)
    (slot,) = await _add_slot(clinic, operator, f"{day} 15:30 minutes=50")
    client, room = await clinic.client(stack, users, "Mizuki")
    answer = await command(client, room, f"!book {slot}")
    assert answer.startswith("Booked (B") and "with Sato" in answer, answer
    label = re.search(r"\((B\d+)\)", answer)[1]  # type: ignore[index]
    event = _event(await _ics(client, room, "session.ics"))
    start = datetime.combine(day, time(15, 30), tzinfo=TOKYO)
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=50)
    assert event["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert "Sato" in str(event["summary"]) and "@" not in str(event["summary"])
    # The operator hears of it in their private room, by the client's alias only.
    await operator.wait_for(_starts(private, f"New booking {label}: "))
    seen = _event(await _ics(operator, private, "session.ics"))
    assert "Mizuki" in str(seen["summary"]) and client.user_id not in seen.to_ical().decode()
    assert seen["uid"] == event["uid"]
    # The slot shows the booking to its operator; the admin sees it among all bookings.
    listing = await command(operator, clinic.tenant.staff_room, "!slots 1")
    assert f"Mizuki ({label})" in listing, listing
    everything = await clinic.tenant.command("!bookings")
    assert f"{label} " in everything and operator.user_id in everything, everything
    assert client.user_id not in everything
    # A feed URL to subscribe to, working with its token only.
    link = await command(operator, private, "!calendar-link")
    url = link.splitlines()[-1]
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as response:
            assert response.status == 200
            feed = Calendar.from_ical(await response.read())
        assert [str(e["uid"]) for e in feed.walk("VEVENT")] == [str(event["uid"])]
        async with http.get(url[:-10] + "abcdef.ics") as response:
            assert response.status == 404
    # Moving the slot moves the booking: both sides get the new time, same event, newer file.
    since = len(client.events)
    moved = await command(operator, clinic.tenant.staff_room, f"!slot-move {slot} {day} 17:00")
    new_time = sessions.when(TENANT_EN, *_span(day, 17, 50))
    assert moved == f"Slot #{slot} moved to {new_time}; 1 booking told.", moved
    await client.wait_for(_starts(room, f"Your session {label} has moved to {day} ("), since=since)
    update = _event(await _ics(client, room, "session.ics", since))
    assert update["uid"] == event["uid"] and int(update["sequence"]) == 1
    assert update.decoded("dtstart") == datetime.combine(day, time(17), tzinfo=TOKYO)
    await operator.wait_for(_starts(private, f"Booking {label} (Mizuki) moved to {day} ("))
    # Cancelling: both sides get a CANCEL for the same event, and the place is free again.
    since = len(client.events)
    cancelled = await command(client, room, f"!cancel {label}")
    assert cancelled.startswith(f"Booking {label} (") and cancelled.endswith("is cancelled."), (
        cancelled
    )
    cal = await _ics(client, room, "session-cancelled.ics", since)
    assert str(cal["method"]) == "CANCEL"
    gone = _event(cal)
    assert gone["uid"] == event["uid"] and str(gone["status"]) == "CANCELLED"
    assert int(gone["sequence"]) == 2
    await operator.wait_for(_starts(private, f"Booking {label} ("))
    assert str((await _ics(operator, private, "session-cancelled.ics"))["method"]) == "CANCEL"
    assert f"#{slot} " in await command(client, room, "!slots")
    assert await command(client, room, f"!cancel {label}") == (
        f"Booking {label} is already cancelled or over."
    )


async def test_reminders_and_the_video_link_arrive_once_across_a_restart(
    stack: Stack, users: OpenUser
) -> None:
    clinic = await _clinic(stack, users, operators=1)
    operator = clinic.operators[0]
    private = clinic.private[operator.user_id]
    now = await clinic.now()
    (slot,) = await _add_slot(clinic, operator, f"{_local_day(now, 3)} 11:00")
    client, room = await clinic.client(stack, users, "Yuki")
    answer = await command(client, room, f"!book {slot}")
    label = re.search(r"\((B\d+)\)", answer)[1]  # type: ignore[index]
    db = await _database(stack)
    try:
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", clinic.tenant.slug)
        start, video_room = await db.fetchrow(
            "SELECT starts_at, video_room FROM booking WHERE tenant_id=$1 AND number=$2",
            tenant_id,
            int(label[1:]),
        )
    finally:
        await db.stop()
    day_before = _starts(room, "Reminder: your session is in 1 day")
    await clinic.move_to(start - 1440 * MINUTE + 5_000)
    await client.wait_for(day_before, timeout=60)
    await operator.wait_for(_starts(private, f"Reminder: session {label} in 1 day"))
    await asyncio.to_thread(stack.restart_soudan, True)
    # The clock starts again from real time after a restart; the timers are rows.
    await clinic.move_to(start - 15 * MINUTE + 5_000)
    await client.wait_for(_starts(room, "Reminder: your session is in 15 minutes"), timeout=60)
    await operator.wait_for(_starts(private, f"Reminder: session {label} in 15 minutes"))
    await clinic.move_to(start - 5 * MINUTE + 5_000)
    link_event = await client.wait_for(_starts(room, "Your session is about to start"), timeout=60)
    link = re.search(r"https://meet\.jit\.si/(\S+)", link_event["content"]["body"])
    # The room is the booking's own random name (24 URL-safe characters, 144 bits), not
    # anything made from its number.
    assert link and link[1] == f"soudan-{video_room}", link_event
    assert len(video_room) == 24 and video_room != label, video_room
    # The operator meets the client in a case assigned to them, with the same link.
    case_room = await operator.wait_for_invite(ignore=(clinic.tenant.space_room,))
    await operator.join(case_room)
    await operator.wait_for(_contains(case_room, link[0]), timeout=30)
    await settle(client, 2)
    await settle(operator, 1)
    for user, predicate in (
        (client, day_before),
        (client, _starts(room, "Reminder: your session is in 15 minutes")),
        (client, _contains(room, link[0])),
        (operator, _starts(private, f"Reminder: session {label} in 1 day")),
        (operator, _starts(private, f"Reminder: session {label} in 15 minutes")),
        (operator, _contains(case_room, link[0])),
    ):
        assert count(user, predicate) == 1
    # After the start the operator records the session; the record holds it.
    assert await command(operator, case_room, f"!session {label} done") == (
        f"Booking {label} has not started yet."
    )
    await clinic.move_to(start + 60 * MINUTE)
    assert await command(operator, case_room, f"!session {label} done") == (
        f"Recorded {label} as done."
    )
    listing = await clinic.tenant.command(f"!bookings {_local_day(start, 0)}")
    assert f"{label} " in listing and "· Yuki · done" in listing, listing


async def test_bad_input_is_refused_and_changes_nothing(stack: Stack, users: OpenUser) -> None:
    clinic = await _clinic(stack, users)
    operator = clinic.operators[0]
    staff = clinic.tenant.staff_room
    now = await clinic.now()
    day = _local_day(now, 5)
    (kept,) = await _add_slot(clinic, operator, f"{day} 10:00")

    async def refused(text: str, expected: str) -> None:
        assert await command(operator, staff, text) == expected

    past = await command(operator, staff, f"!slot-add {_local_day(now, -1)} 10:00")
    assert past.startswith(f"{_local_day(now, -1)} (") and past.endswith(
        "10:00–10:50 is in the past; give a time to come."
    ), past
    overlap = await command(operator, staff, f"!slot-add {day} 10:30")
    assert overlap.startswith(f"{day} (") and f"overlaps slot #{kept}" in overlap, overlap
    await refused(
        f"!slot-add {day} 13:00 minutes=0", "The minutes must be between 1 and 480 (got 0)."
    )
    await refused(
        f"!slot-add {day} 13:00 minutes=481", "The minutes must be between 1 and 480 (got 481)."
    )
    await refused(
        f"!slot-add {day} 13:00 repeat=weekly",
        "A repeat needs an end: add until=YYYY-MM-DD or count=N.",
    )
    await refused(f"!slot-add {day} 25:00", "“25:00” is not a time of day (such as 10:00).")
    await refused(
        f"!slot-add {day} 13:00 colour=red",
        ("There is no colour= option; use minutes= capacity= repeat= until= count=."),
    )
    await refused("!slot-remove 999999", "There is no slot #999999.")
    other = clinic.operators[1]
    assert await command(other, staff, f"!slot-remove {kept}") == (
        f"Slot #{kept} is another operator's."
    )
    client, room = await clinic.client(stack, users, "Nao")
    assert await command(client, room, "!book 999999") == "There is no slot #999999."
    assert await command(client, room, "!cancel B999999") == "There is no booking B999999."
    # A session in two hours is past the 24-hour cutoff: the client cannot cancel it.
    soon = datetime.fromtimestamp((now + 2 * 60 * MINUTE) / 1000, tz=TOKYO)
    soon = soon.replace(minute=0, second=0) + timedelta(hours=1)
    (near,) = await _add_slot(clinic, other, f"{soon:%Y-%m-%d %H:%M}")
    label = re.search(r"\((B\d+)\)", await command(client, room, f"!book {near}"))[1]  # type: ignore[index]
    assert await command(client, room, f"!cancel {label}") == (
        f"Booking {label} starts in less than 24 hours and can no longer be cancelled here; "
        "please write to your counselor."
    )
    # Nothing of the refused ones exists; the booking stands.
    listing = await command(operator, staff, "!slots 2")
    assert _slot_numbers(listing) == [kept], listing
    assert f"{label} " in await command(client, room, "!bookings")
    settings = await clinic.tenant.command("!session-settings video-url=ftp://x cutoff=2")
    assert settings.startswith("“ftp://x” cannot be used"), settings
    settings = await clinic.tenant.command(
        "!session-settings video-url=http://meet.example/{room} cutoff=2"
    )
    assert settings.startswith("“http://meet.example/{room}” cannot be used"), settings
    assert "an https:// URL" in settings
    unchanged = await clinic.tenant.command("!session-settings")
    assert "cutoff=24 (hours)" in unchanged and "video-url=https://meet.jit.si/{room}" in unchanged
    # Once an operator may not see every client, lists naming clients leave the staff room.
    await clinic.tenant.command(f"!operator-settings {other.user_id} scope=assigned")
    assert await command(other, staff, "!bookings") == (
        "The list names clients, so it is in your private room."
    )
    private = clinic.private[other.user_id]
    await other.wait_for(_starts(private, "Bookings (1):"))
    changed = await clinic.tenant.command("!session-settings video-url=element-call cutoff=2")
    assert "cutoff=2 (hours)" in changed
    assert "video-url=https://call.element.io/{room}" in changed


async def test_admin_schedules_for_an_operator_and_exports(stack: Stack, users: OpenUser) -> None:
    clinic = await _clinic(stack, users, operators=1)
    operator = clinic.operators[0]
    now = await clinic.now()
    day = _local_day(now, 6)
    added = await clinic.tenant.command(f"!slot-add {operator.user_id} {day} 18:00 capacity=2")
    (slot,) = _slot_numbers(added.split("\n", 1)[1])
    assert await clinic.tenant.command(f"!slot-add {day} 18:00") == (
        "Usage: !slot-add @operator YYYY-MM-DD HH:MM [minutes=50] [capacity=1] "
        "[repeat=weekly|biweekly] [until=YYYY-MM-DD|count=N]"
    )
    stranger = clinic.tenant.admin.user_id
    refusal = await clinic.tenant.command(f"!slot-add {stranger} {day} 18:00")
    assert stranger in refusal and "operator" in refusal, refusal
    labels, clients = [], []
    for name in ("Riku", "Sora"):
        client, room = await clinic.client(stack, users, name)
        answer = await command(client, room, f"!book {slot}")
        labels.append(re.search(r"\((B\d+)\)", answer)[1])  # type: ignore[index]
        clients.append((client, room))
    listing = await command(operator, clinic.tenant.staff_room, "!slots 1")
    line = next(x for x in listing.splitlines() if x.startswith(f"#{slot} "))
    assert "booked 2/2" in line and f"Riku ({labels[0]}), Sora ({labels[1]})" in line, line
    # The operator's calendar file and the admin's CSV of the range.
    private = clinic.private[operator.user_id]
    await operator.send_text(private, "!calendar")
    cal = await _ics(operator, private, f"sessions-{clinic.tenant.slug}.ics")
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT"))
    assert summaries == sorted(
        f"Session {label}: {name}" for label, name in zip(labels, ("Riku", "Sora"), strict=True)
    )
    answer = await clinic.tenant.command(f"!export-bookings {day}")
    assert answer.startswith("Exported 2 bookings"), answer
    event = await clinic.tenant.admin.wait_for(
        lambda r, e: r == clinic.tenant.admin_room and e["content"].get("msgtype") == "m.file"
    )
    data = await clinic.tenant.admin.client.download(mxc=event["content"]["url"])
    rows = bytes(data.body).decode("utf-8-sig").splitlines()  # type: ignore[union-attr]
    assert rows[0] == "booking,date,start,end,minutes,operator,client,status"
    assert rows[1:] == [
        f"{label},{day},18:00,18:50,50,{operator.user_id},{name},booked"
        for label, name in zip(labels, ("Riku", "Sora"), strict=True)
    ]
    # A client removed gives their place back; the operator is told.
    await clinic.tenant.command("!remove-client Sora")
    await operator.wait_for(_starts(private, f"Booking {labels[1]} ({day} "))
    listing = await command(operator, clinic.tenant.staff_room, "!slots 1")
    line = next(x for x in listing.splitlines() if x.startswith(f"#{slot} "))
    assert "booked 1/2" in line and "Sora" not in line, line
    # An operator who leaves takes their slots along; the clients who booked are told.
    await clinic.tenant.command(f"!remove-operator {operator.user_id}")
    for (client, room), label in zip(clients[:1], labels, strict=False):
        await client.wait_for(_starts(room, f"Booking {label} ({day} "), timeout=30)
        assert str((await _ics(client, room, "session-cancelled.ics"))["method"]) == "CANCEL"
    assert await clinic.tenant.command("!slots 1") == (
        "No slots in this period. Add some with !slot-add."
    )


async def test_a_client_pages_through_free_slots_by_day(stack: Stack, users: OpenUser) -> None:
    clinic = await _clinic(stack, users, operators=1)
    now = await clinic.now()
    days = [_local_day(now, n) for n in (2, 3, 4)]
    times = [_span(day, hour, 50) for day in days for hour in range(9, 19)]
    db = await _database(stack)
    try:
        for table in (Slot, Tenant):
            table.db = db
        tenant = await Tenant.get_by_slug(clinic.tenant.slug)
        assert tenant is not None
        operator = clinic.operators[0].user_id
        await _unlocked(lambda: Slot.insert_many(tenant.id, operator, None, times, 1, now))  # type: ignore[arg-type]
    finally:
        await db.stop()
    client, room = await clinic.client(stack, users, "Kai")
    first = (await command(client, room, "!slots")).splitlines()
    assert len([x for x in first if x.startswith("#")]) == 20, first
    assert {x.split(" ")[1] for x in first if x.startswith("#")} == {str(d) for d in days[:2]}
    assert first[-2] == f"… more from {days[2]}: send “!slots {days[2]}”."
    rest = (await command(client, room, f"!slots {days[2]}")).splitlines()
    assert [x.split(" ")[1] for x in rest if x.startswith("#")] == [str(days[2])] * 10
    assert not any(x.startswith("… more") for x in rest)
    assert await command(client, room, "!slots 2026-13-01") == (
        "“2026-13-01” is not a date (such as 2026-12-31)."
    )
