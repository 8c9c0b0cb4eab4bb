"""Scheduled sessions: operators' availability slots, clients' bookings, reminders, video links
and calendars.

Times are stored as UTC milliseconds and read and written in the tenant's time zone. A slot
series is stored as its occurrences, so every occurrence can be booked, listed and removed on
its own, and a weekly 10:00 stays 10:00 local across a daylight-saving change.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule
from mautrix.appservice import IntentAPI
from mautrix.types import EventID, RoomID, UserID

from .. import calendar_file, hours
from ..bot import send_file, send_notice, txn_for
from ..context import Context
from ..csv_file import spreadsheet_csv
from ..db import OPERATOR, Booking, Case, Client, OperatorSettings, OperatorState, Slot, Timer
from ..db.case import ASSIGNED, WAITING
from ..db.sessions import BOOKED, CANCELLED, DONE, NO_SHOW, CalendarToken
from ..db.tenant import Tenant
from ..i18n import Lang, t
from . import notify, validate
from .errors import Refusal, conflict, forbidden, not_found
from .tenants import hash_token

log = logging.getLogger("soudan.sessions")

NONE, WEEKLY_REPEAT, BIWEEKLY = "none", "weekly", "biweekly"
REPEATS = (NONE, WEEKLY_REPEAT, BIWEEKLY)
MAX_MINUTES = 8 * 60
MAX_CAPACITY = 50
MAX_OCCURRENCES = 60
MAX_AHEAD = timedelta(days=731)
MAX_WEEKS = 52
CLIENT_LIST = 20
CLIENT_MAX = 60
CLIENT_WEEKS = 8
REMINDER, VIDEO = "session_reminder", "session_video"
MINUTE = 60_000
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _lang(tenant: Tenant) -> Lang:
    return tenant.language  # type: ignore[return-value]


def tz(tenant: Tenant) -> ZoneInfo:
    return hours.zone(tenant.timezone)


# Showing times


def when(tenant: Tenant, starts_at: int, ends_at: int) -> str:
    """``2026-12-01 (火) 10:00–10:50`` in the tenant's zone and language."""
    start = datetime.fromtimestamp(starts_at / 1000, tz=tz(tenant))
    end = datetime.fromtimestamp(ends_at / 1000, tz=tz(tenant))
    return f"{hours.day_label(_lang(tenant), start.date())} {start:%H:%M}–{end:%H:%M}"


def booking_label(number: int) -> str:
    return f"B{number}"


# Slots


@dataclass(frozen=True)
class SlotRequest:
    """What an operator asked for, checked: the first date and time, and the repeat rule."""

    first: date
    start: time
    minutes: int
    capacity: int
    repeat: str = NONE
    until: date | None = None
    count: int | None = None


def parse_time(value: object) -> time:
    match = _TIME.fullmatch(str(value))
    if not match:
        raise Refusal("sessions.bad_time", value=str(value)[:20])
    return time(int(match[1]), int(match[2]))


def slot_request(
    tenant: Tenant, day: object, start: object, options: Mapping[str, str]
) -> SlotRequest:
    """Check a slot's words (``minutes= capacity= repeat= until= count=``) before anything."""
    unknown = set(options) - {"minutes", "capacity", "repeat", "until", "count"}
    if unknown:
        raise Refusal("sessions.unknown_option", name=sorted(unknown)[0][:20])
    minutes = validate.count(
        options.get("minutes", tenant.session_minutes), low=1, high=MAX_MINUTES, what="minutes"
    )
    capacity = validate.count(
        options.get("capacity", 1), low=1, high=MAX_CAPACITY, what="capacity"
    )
    repeat = options.get("repeat", NONE).lower()
    if repeat not in REPEATS:
        raise Refusal("sessions.bad_repeat", value=repeat[:20], options=", ".join(REPEATS))
    until = validate.parse_date(options["until"]) if "until" in options else None
    count = None
    if "count" in options:
        count = validate.count(options["count"], low=1, high=MAX_OCCURRENCES, what="count")
    if repeat == NONE and (until or count):
        raise Refusal("sessions.end_without_repeat")
    if repeat != NONE and until is None and count is None:
        raise Refusal("sessions.repeat_no_end")
    if until is not None and count is not None:
        raise Refusal("sessions.until_or_count")
    first = validate.parse_date(day)
    if until is not None and until < first:
        raise Refusal("sessions.until_before", until=until.isoformat(), first=first.isoformat())
    return SlotRequest(first, parse_time(start), minutes, capacity, repeat, until, count)


def occurrences(request: SlotRequest, zone_info: ZoneInfo) -> list[tuple[int, int]]:
    """The (start, end) of every occurrence, in UTC milliseconds. Local wall-clock time is
    kept: a weekly 10:00 in Berlin is 09:00 UTC in summer and 10:00 UTC in winter."""
    first = datetime.combine(request.first, request.start)
    if request.repeat == NONE:
        local = [first]
    else:
        interval = 2 if request.repeat == BIWEEKLY else 1
        until = datetime.combine(request.until, time(23, 59)) if request.until else None
        rule = rrule(WEEKLY, interval=interval, dtstart=first, until=until, count=request.count)
        local = list(islice(rule, MAX_OCCURRENCES + 1))
    if len(local) > MAX_OCCURRENCES:
        raise Refusal("sessions.too_many", max=MAX_OCCURRENCES)
    times = []
    for moment in local:
        starts_at = int(moment.replace(tzinfo=zone_info).timestamp() * 1000)
        times.append((starts_at, starts_at + request.minutes * MINUTE))
    return times


async def add_slots(
    ctx: Context, tenant: Tenant, operator: UserID, request: SlotRequest
) -> list[Slot]:
    """The slots of ``request`` for the operator: all of them, or none with the reason."""
    if not await tenant.has_member(operator, OPERATOR):
        raise forbidden("case.not_operator", user_id=operator)
    times = occurrences(request, tz(tenant))
    now = ctx.clock.now_ms()
    if times[0][0] <= now:
        raise Refusal("sessions.in_past", when=when(tenant, *times[0]))
    if times[-1][0] > now + MAX_AHEAD.total_seconds() * 1000:
        raise Refusal("sessions.too_far", when=when(tenant, *times[-1]))
    series = secrets.token_hex(8) if request.repeat != NONE else None
    made = await Slot.insert_many(tenant.id, operator, series, times, request.capacity, now)
    if isinstance(made, tuple):
        clash, starts_at, ends_at = made
        raise _overlap(tenant, starts_at, ends_at, clash)
    log.info("Operator added %d slot(s) in tenant %s", len(made), tenant.slug)
    return made


def _overlap(tenant: Tenant, starts_at: int, ends_at: int, clash: Slot) -> Refusal:
    return conflict(
        "sessions.overlap",
        when=when(tenant, starts_at, ends_at),
        slot=clash.number,
        other=when(tenant, clash.starts_at, clash.ends_at),
    )


async def find_slot(tenant: Tenant, number: object) -> Slot:
    value = validate.number(number, "slot number")
    slot = await Slot.by_number(tenant.id, value)
    if slot is None or slot.removed_at is not None:
        raise not_found("sessions.unknown_slot", number=value)
    return slot


def week_range(tenant: Tenant, now_ms: int, weeks: int) -> tuple[int, int]:
    """From now to the end of this week (Sunday) and ``weeks`` more weeks."""
    today = datetime.fromtimestamp(now_ms / 1000, tz=tz(tenant)).date()
    end = today + timedelta(days=7 - today.weekday() + 7 * weeks)
    return now_ms, day_start(tenant, end)


def day_start(tenant: Tenant, day: date) -> int:
    return hours.day_start(tz(tenant), day)


def date_range(tenant: Tenant, start: object, end: object | None) -> tuple[int, int]:
    """``start`` to ``end`` (dates, both included), as [from, to) in milliseconds."""
    first = validate.parse_date(start)
    last = validate.parse_date(end) if end is not None else first + timedelta(days=27)
    if last < first:
        raise Refusal("sessions.range_backwards", start=first.isoformat(), end=last.isoformat())
    if (last - first).days > 400:
        raise Refusal("sessions.range_long", days=400)
    return day_start(tenant, first), day_start(tenant, last + timedelta(days=1))


def listing_range(
    tenant: Tenant, now_ms: int, start: object | None, end: object | None
) -> tuple[int, int]:
    """What a list of slots or bookings covers: ``start`` to ``end`` (dates, both included;
    ``end`` alone starts today, ``start`` alone runs four weeks), or by default from now to
    the end of the third week after this one."""
    if start is None and end is None:
        return week_range(tenant, now_ms, 3)
    if start is None:
        start = datetime.fromtimestamp(now_ms / 1000, tz=tz(tenant)).date().isoformat()
    return date_range(tenant, start, end)


async def remove_slot(
    ctx: Context, tenant: Tenant, number: object, by: UserID, admin: bool, whole_series: bool
) -> tuple[list[Slot], int]:
    """Remove one occurrence, or every occurrence of its series still to come; the bookings on
    them are cancelled and both sides told. Returns the slots removed and the bookings
    cancelled."""
    slot = await find_slot(tenant, number)
    if not admin and slot.operator_id != by:
        raise forbidden("sessions.not_your_slot", number=slot.number)
    now = ctx.clock.now_ms()
    if slot.starts_at <= now:
        raise conflict("sessions.slot_started", number=slot.number)
    if whole_series and slot.series is None:
        raise conflict("sessions.not_a_series", number=slot.number)
    slots = [slot]
    if whole_series and slot.series:
        slots = await Slot.of_series(tenant.id, slot.series, now)  # what has not started
    return slots, await _remove(ctx, tenant, slots, now)


async def _remove(ctx: Context, tenant: Tenant, slots: list[Slot], now: int) -> int:
    """Remove slots; their bookings are cancelled and both sides told. The count cancelled."""
    cancelled = 0
    for slot in slots:
        await slot.remove(now)
        for booking in await Booking.of_slot(slot.id):
            cancelled += await _cancel(ctx, tenant, booking, "sessions.cancelled_by_operator", now)
    return cancelled


async def _cancel(
    ctx: Context,
    tenant: Tenant,
    booking: Booking,
    client_key: str,
    now: int,
    source: EventID | None = None,
) -> bool:
    """Cancel a booking that still stands, giving the place back, and tell both sides with a
    CANCEL calendar file. False when it no longer stood (someone was first)."""
    if not await booking.cancel(now):
        return False
    await _tell_both(
        ctx,
        tenant,
        booking,
        client_key,
        "sessions.cancelled_operator",
        calendar_file.CANCEL,
        source,
    )
    return True


async def move_slot(
    ctx: Context,
    tenant: Tenant,
    number: object,
    day: object,
    start: object,
    by: UserID,
    admin: bool,
) -> tuple[Slot, list[Booking]]:
    """Move one occurrence (same length) to another time; its bookings move with it, and both
    sides get the new time with an updated calendar file."""
    slot = await find_slot(tenant, number)
    if not admin and slot.operator_id != by:
        raise forbidden("sessions.not_your_slot", number=slot.number)
    now = ctx.clock.now_ms()
    if slot.starts_at <= now:
        raise conflict("sessions.slot_started", number=slot.number)
    minutes = (slot.ends_at - slot.starts_at) // MINUTE
    request = SlotRequest(validate.parse_date(day), parse_time(start), minutes, slot.capacity)
    ((starts_at, ends_at),) = occurrences(request, tz(tenant))
    if starts_at <= now:
        raise Refusal("sessions.in_past", when=when(tenant, starts_at, ends_at))
    if starts_at > now + MAX_AHEAD.total_seconds() * 1000:
        raise Refusal("sessions.too_far", when=when(tenant, starts_at, ends_at))
    clash = await Slot.overlapping(tenant.id, slot.operator_id, starts_at, ends_at, slot.id)
    if clash:
        raise _overlap(tenant, starts_at, ends_at, clash)
    moved = await slot.move(starts_at, ends_at, now)
    for booking in moved:
        await _schedule(ctx, tenant, booking)  # the earlier timers no longer match; they pass
        await _tell_both(
            ctx,
            tenant,
            booking,
            "sessions.moved_client",
            "sessions.moved_operator",
            calendar_file.REQUEST,
        )
    return slot, moved


async def operator_left(ctx: Context, tenant: Tenant, operator: UserID) -> int:
    """An operator leaves the tenant: their slots to come go, and the clients who booked them
    are told (with a CANCEL calendar file). Returns the bookings cancelled."""
    await CalendarToken.clear(tenant.id, operator)
    now = ctx.clock.now_ms()
    far = now + int(MAX_AHEAD.total_seconds() * 1000) + 1
    return await _remove(
        ctx, tenant, await Slot.between(tenant.id, now, far, operator, limit=10_000), now
    )


async def client_left(ctx: Context, tenant: Tenant, client: Client) -> int:
    """A client is removed: their sessions to come are cancelled and the operators told, so
    the places are free again. Returns the bookings cancelled."""
    now = ctx.clock.now_ms()
    cancelled = 0
    for booking in await Booking.of_client(client.id, now):
        if booking.starts_at > now:
            cancelled += await _cancel(ctx, tenant, booking, "sessions.cancelled_client", now)
    return cancelled


# Bookings


async def operator_name(tenant: Tenant, operator: UserID) -> str:
    """How a client sees an operator: their profile name, or the desk's name."""
    state = await OperatorState.get(tenant.id, operator)
    return state.profile_name or tenant.name


@dataclass(frozen=True)
class FreeSlots:
    """The free slots a client is shown, with their operators' names, and the day the list
    goes on from when there are more."""

    slots: list[Slot]
    names: dict[UserID, str]
    more_from: date | None


async def client_slots(ctx: Context, tenant: Tenant, client: Client, args: list[str]) -> FreeSlots:
    """The free slots a client may book: everyone's, the nominated operator's (a number from
    !operators) or their last counselor's (``last``); from now, or from a date they give."""
    from . import routing

    operator: UserID | None = None
    now = ctx.clock.now_ms()
    start = now
    for arg in args:
        if "-" in arg:  # a date: from then on
            start = max(now, day_start(tenant, validate.parse_date(arg)))
        elif arg.lower() == "last":
            operator = await Case.last_operator_of(client.id)
            if operator is None:
                raise not_found("sessions.no_last")
        else:
            operator = (await routing.listed_operator(tenant, client, arg)).user_id
    end = start + CLIENT_WEEKS * 7 * 1440 * MINUTE
    names: dict[UserID, str] = {}
    shown: list[Slot] = []
    for slot in await Slot.between(tenant.id, start, end, operator, free_only=True):
        if slot.operator_id not in names:
            may = await routing.may_have(tenant, slot.operator_id, client)
            names[slot.operator_id] = await operator_name(tenant, slot.operator_id) if may else ""
        if names[slot.operator_id]:
            shown.append(slot)
            if len(shown) > CLIENT_MAX:
                break

    def day_of(slot: Slot) -> date:
        return datetime.fromtimestamp(slot.starts_at / 1000, tz=tz(tenant)).date()

    # 20 slots, and the rest of the last one's day, so that "more from <day>" misses nothing.
    cut = min(CLIENT_LIST, len(shown))
    while cut < min(len(shown), CLIENT_MAX) and day_of(shown[cut]) == day_of(shown[cut - 1]):
        cut += 1
    more_from = day_of(shown[cut]) if cut < len(shown) else None
    return FreeSlots(shown[:cut], names, more_from)


async def book(
    ctx: Context, tenant: Tenant, client: Client, number: object, source: EventID | None
) -> Booking:
    """The client books a place in a slot; confirmations with a calendar file go to both."""
    from . import routing  # routing reaches cases, which reaches this module

    slot = await find_slot(tenant, number)
    now = ctx.clock.now_ms()
    if slot.starts_at <= now:
        raise conflict("sessions.slot_started", number=slot.number)
    if not await tenant.has_member(slot.operator_id, OPERATOR) or not await routing.may_have(
        tenant, slot.operator_id, client
    ):
        raise not_found("sessions.unknown_slot", number=slot.number)
    if not client.alias:
        from .cases import client_ghost

        await client_ghost(ctx, tenant, client)  # the alias operators know the client by
    taken = await Booking.take(
        slot,
        client.id,
        client.alias or "",
        f"{secrets.token_hex(16)}@{ctx.config['homeserver.domain']}",
        secrets.token_urlsafe(18).replace("-", "x").replace("_", "y"),
        now,
    )
    if taken == "twice":
        raise conflict("sessions.booked_twice", slot=slot.number)
    if taken == "taken":
        raise conflict("sessions.full", slot=slot.number)
    assert isinstance(taken, Booking)
    booking = taken
    log.info("Booking %s of tenant %s made", booking.number, tenant.slug)
    await _schedule(ctx, tenant, booking)
    await _tell_both(
        ctx,
        tenant,
        booking,
        "sessions.booked_client",
        "sessions.booked_operator",
        calendar_file.REQUEST,
        source,
    )
    return booking


async def _schedule(ctx: Context, tenant: Tenant, booking: Booking) -> None:
    now = ctx.clock.now_ms()
    for minutes in tenant.session_reminders:
        due = booking.starts_at - minutes * MINUTE
        if due > now:
            await ctx.scheduler.add(
                REMINDER, due, {"booking": booking.id, "minutes": minutes, "at": booking.starts_at}
            )
    due = max(booking.starts_at - tenant.video_lead_minutes * MINUTE, now)
    await ctx.scheduler.add(VIDEO, due, {"booking": booking.id, "at": booking.starts_at})


def _entry(booking: Booking, summary: str) -> calendar_file.Entry:
    return calendar_file.Entry(
        uid=booking.uid,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=summary,
        sequence=booking.sequence,
        cancelled=booking.status == CANCELLED,
        changed_at=booking.changed_at,
    )


def operator_summary(tenant: Tenant, booking: Booking) -> str:
    return t(
        _lang(tenant),
        "sessions.ics_operator_summary",
        alias=booking.client_alias,
        booking=booking_label(booking.number),
    )


async def _send_ics(
    intent: IntentAPI,
    tenant: Tenant,
    room_id: RoomID,
    entry: calendar_file.Entry,
    method: str,
    why: str,
) -> None:
    data = calendar_file.render([entry], tz(tenant), method)
    name = "session-cancelled.ics" if method == calendar_file.CANCEL else "session.ics"
    txn_id = txn_for(f"{room_id}\0{why}", "ics")
    await send_file(intent, room_id, data, name, calendar_file.MIME, txn_id=txn_id)


async def _operator_room(ctx: Context, tenant: Tenant, operator: UserID) -> RoomID:
    return await notify.private_room(ctx, tenant, await OperatorSettings.get(tenant.id, operator))


async def _tell_both(
    ctx: Context,
    tenant: Tenant,
    booking: Booking,
    client_key: str,
    operator_key: str,
    method: str | None = None,
    source: EventID | None = None,
    *,
    why: str | None = None,
    room: RoomID | None = None,
    **extra: object,
) -> None:
    """Tell the client (desk room) and the operator (``room``, or their private room) about a
    booking, each in their own words and, with ``method``, with a calendar file of it. Every
    send has a transaction ID from ``why``, so a retry is one event."""
    lang = _lang(tenant)
    why = why or f"{booking.uid}-{booking.sequence}"
    params = {
        "booking": booking_label(booking.number),
        "when": when(tenant, booking.starts_at, booking.ends_at),
        "alias": booking.client_alias,
        "cutoff": tenant.session_cutoff_hours,
        **extra,
    }
    client = await Client.get(booking.client_id) if booking.client_id else None
    if client and client.room_id:
        desk = ctx.desk(tenant.slug)
        name = await operator_name(tenant, booking.operator_id)
        await send_notice(
            desk,
            client.room_id,
            t(lang, client_key, name=name, **params),
            txn_id=txn_for(why, client_key),
            reply_to=source,
        )
        if method:
            summary = t(lang, "sessions.ics_client_summary", tenant=tenant.name, name=name)
            await _send_ics(desk, tenant, client.room_id, _entry(booking, summary), method, why)
    room = room or await _operator_room(ctx, tenant, booking.operator_id)
    await ctx.bot.notice(room, t(lang, operator_key, **params), txn_id=txn_for(why, operator_key))
    if method:
        entry = _entry(booking, operator_summary(tenant, booking))
        await _send_ics(ctx.az.intent, tenant, room, entry, method, why)


async def find_booking(tenant: Tenant, number: object) -> Booking:
    value = validate.number(str(number).upper().lstrip("B"), "booking number")
    booking = await Booking.by_number(tenant.id, value)
    if booking is None:
        raise not_found("sessions.unknown_booking", booking=booking_label(value))
    return booking


async def client_cancel(
    ctx: Context, tenant: Tenant, client: Client, number: object, source: EventID | None = None
) -> Booking:
    """The client cancels their booking, up to the tenant's cutoff before the start."""
    booking = await find_booking(tenant, number)
    if booking.client_id != client.id:
        raise not_found("sessions.unknown_booking", booking=booking_label(booking.number))
    if booking.status != BOOKED:
        raise conflict("sessions.not_booked", booking=booking_label(booking.number))
    now = ctx.clock.now_ms()
    if booking.starts_at - now < tenant.session_cutoff_hours * 60 * MINUTE:
        raise conflict(
            "sessions.past_cutoff",
            booking=booking_label(booking.number),
            hours=tenant.session_cutoff_hours,
        )
    if not await _cancel(ctx, tenant, booking, "sessions.cancelled_client", now, source):
        raise conflict("sessions.not_booked", booking=booking_label(booking.number))
    return booking


async def operator_cancel(
    ctx: Context, tenant: Tenant, booking: Booking, by: UserID, admin: bool
) -> None:
    """An operator (their own session) or an admin cancels, at any time before the start."""
    if not admin and booking.operator_id != by:
        raise forbidden("sessions.not_your_booking", booking=booking_label(booking.number))
    if booking.status != BOOKED:
        raise conflict("sessions.not_booked", booking=booking_label(booking.number))
    now = ctx.clock.now_ms()
    if booking.starts_at <= now:
        raise conflict("sessions.started", booking=booking_label(booking.number))
    if not await _cancel(ctx, tenant, booking, "sessions.cancelled_by_operator", now):
        raise conflict("sessions.not_booked", booking=booking_label(booking.number))


async def mark(
    ctx: Context, tenant: Tenant, booking: Booking, status: str, by: UserID, admin: bool
) -> None:
    """After the start, the operator (or an admin) records how the session went."""
    if status not in (DONE, NO_SHOW):
        raise Refusal("sessions.bad_mark", value=status[:20])
    if not admin and booking.operator_id != by:
        raise forbidden("sessions.not_your_booking", booking=booking_label(booking.number))
    if booking.status == CANCELLED:
        raise conflict("sessions.was_cancelled", booking=booking_label(booking.number))
    if booking.starts_at > ctx.clock.now_ms():
        raise conflict("sessions.not_started", booking=booking_label(booking.number))
    if not await booking.mark(status, ctx.clock.now_ms()):
        raise conflict("sessions.was_cancelled", booking=booking_label(booking.number))


async def client_bookings(
    ctx: Context, tenant: Tenant, client: Client
) -> list[tuple[Booking, str]]:
    """The client's coming bookings, each with their counselor's name."""
    return [
        (booking, await operator_name(tenant, booking.operator_id))
        for booking in await Booking.of_client(client.id, ctx.clock.now_ms())
    ]


# Reminders and the video link


async def _live(timer: Timer) -> tuple[Tenant, Booking] | None:
    """The booking a timer is about, if it still stands as it was when the timer was set."""
    booking = await Booking.get(int(timer.payload["booking"]))
    if booking is None or booking.status != BOOKED or booking.starts_at != timer.payload["at"]:
        return None
    tenant = await Tenant.get(booking.tenant_id)
    if tenant is None or tenant.suspended:
        return None
    return tenant, booking


def _before(lang: Lang, minutes: int) -> str:
    if minutes % 1440 == 0:
        return t(lang, "sessions.in_days", count=minutes // 1440)
    if minutes % 60 == 0:
        return t(lang, "sessions.in_hours", count=minutes // 60)
    return t(lang, "sessions.in_minutes", count=minutes)


async def on_reminder(ctx: Context, timer: Timer) -> None:
    live = await _live(timer)
    if live is None:
        return
    tenant, booking = live
    minutes = int(timer.payload["minutes"])
    await _tell_both(
        ctx,
        tenant,
        booking,
        "sessions.reminder_client",
        "sessions.reminder_operator",
        why=f"{booking.uid}-{booking.starts_at}-{minutes}",
        soon=_before(_lang(tenant), minutes),
    )


def video_link(tenant: Tenant, booking: Booking) -> str:
    return tenant.video_url.replace("{room}", f"soudan-{booking.video_room}")


async def session_room(ctx: Context, tenant: Tenant, booking: Booking, client: Client) -> RoomID:
    """Where the operator meets the client: the client's case with them (reused, or opened and
    assigned now), or their private room when the client is in a case with someone else."""
    from . import cases

    case = await Case.open_for(client.id)
    if case is None:
        case = await Case.open_new(tenant.id, client.id, ctx.clock.now_ms())
        await cases.assign(ctx, tenant, case, booking.operator_id)
    elif case.status == WAITING:
        await cases.assign(ctx, tenant, case, booking.operator_id)
    if case.status == ASSIGNED and case.operator_id == booking.operator_id and case.case_room:
        return case.case_room
    return await _operator_room(ctx, tenant, booking.operator_id)


async def on_video(ctx: Context, timer: Timer) -> None:
    live = await _live(timer)
    if live is None:
        return
    tenant, booking = live
    client = await Client.get(booking.client_id) if booking.client_id else None
    if client is None or not client.room_id:
        return
    await _tell_both(
        ctx,
        tenant,
        booking,
        "sessions.video_client",
        "sessions.video_operator",
        why=f"{booking.uid}-{booking.starts_at}",
        room=await _meeting_room(ctx, tenant, booking, client),
        link=video_link(tenant, booking),
    )


async def _meeting_room(ctx: Context, tenant: Tenant, booking: Booking, client: Client) -> RoomID:
    """The session's room, or the operator's private room if the case cannot be opened: the
    link must reach them either way (a timer runs once)."""
    try:
        return await session_room(ctx, tenant, booking, client)
    except Exception:
        log.exception(
            "Could not open the case of booking %s; the link goes to the operator's private room",
            booking.number,
        )
        return await _operator_room(ctx, tenant, booking.operator_id)


TIMER_HANDLERS = {REMINDER: on_reminder, VIDEO: on_video}


# Settings


def settings_of(tenant: Tenant) -> dict[str, object]:
    return {
        "minutes": tenant.session_minutes,
        "cutoff_hours": tenant.session_cutoff_hours,
        "reminders": list(tenant.session_reminders),
        "video_lead_minutes": tenant.video_lead_minutes,
        "video_url": tenant.video_url,
    }


def _reminders(value: object) -> list[int]:
    if isinstance(value, list):
        items = value
    else:
        text = str(value).strip()
        items = [] if text in ("", "none", "off") else text.split(",")
    found = sorted(
        {validate.count(item, low=1, high=14 * 1440, what="reminder") for item in items},
        reverse=True,
    )
    if len(found) > 5:
        raise Refusal("bad.range", what="reminders", low=0, high=5, value=len(found))
    return found


# Named providers; any other https:// URL with {room} in it (a Jitsi server of one's own, a
# self-hosted Element Call) works as well. A call widget in the case room cannot be the video
# link: the client is never in that room, only the ghost that stands for them.
PROVIDERS = {
    "jitsi": "https://meet.jit.si/{room}",
    "element-call": "https://call.element.io/{room}",
}


def video_url(value: object) -> str:
    text = str(value).strip()
    text = PROVIDERS.get(text.lower(), text)
    if not re.fullmatch(r"https?://[^\s{}]+\{room\}[^\s{}]*", text) or len(text) > 300:
        raise Refusal("sessions.bad_video_url", value=text[:80])
    return text


SETTING_KEYS = {
    "minutes": "minutes",
    "cutoff": "cutoff_hours",
    "cutoff_hours": "cutoff_hours",
    "reminders": "reminders",
    "video-lead": "video_lead_minutes",
    "video_lead_minutes": "video_lead_minutes",
    "video-url": "video_url",
    "video_url": "video_url",
}


async def change_settings(tenant: Tenant, changes: Mapping[str, object]) -> Tenant:
    """All of ``changes`` or none; keys as in :func:`settings_of` (or their command names)."""
    if not changes:
        raise Refusal("sessions.no_settings")
    unknown = [key for key in changes if key not in SETTING_KEYS]
    if unknown:
        raise Refusal("sessions.unknown_setting", name=str(unknown[0])[:30])
    checked: dict[str, object] = {}
    for key, value in changes.items():
        name = SETTING_KEYS[key]
        if name == "minutes":
            checked[name] = validate.count(value, low=1, high=MAX_MINUTES, what="minutes")
        elif name == "cutoff_hours":
            checked[name] = validate.count(value, low=0, high=14 * 24, what="cutoff")
        elif name == "reminders":
            checked[name] = _reminders(value)
        elif name == "video_lead_minutes":
            checked[name] = validate.count(value, low=0, high=120, what="video-lead")
        else:
            checked[name] = video_url(value)
    tenant.session_minutes = int(checked.get("minutes", tenant.session_minutes))  # type: ignore[call-overload]
    tenant.session_cutoff_hours = int(checked.get("cutoff_hours", tenant.session_cutoff_hours))  # type: ignore[call-overload]
    tenant.session_reminders = checked.get("reminders", tenant.session_reminders)  # type: ignore[assignment]
    tenant.video_lead_minutes = int(checked.get("video_lead_minutes", tenant.video_lead_minutes))  # type: ignore[call-overload]
    tenant.video_url = str(checked.get("video_url", tenant.video_url))
    await tenant.save()
    return tenant


# Calendars and exports


async def calendar(tenant: Tenant, operator: UserID | None, now_ms: int) -> bytes:
    """The operator's sessions (all operators' for ``None``) from 30 days back on."""
    start = now_ms - 30 * 1440 * MINUTE
    end = now_ms + int(MAX_AHEAD.total_seconds() * 1000) + 1
    bookings = await Booking.between(tenant.id, start, end, operator, (BOOKED, DONE, NO_SHOW))
    entries = [_entry(b, operator_summary(tenant, b)) for b in bookings]
    name = t(_lang(tenant), "sessions.calendar_name", tenant=tenant.name)
    return calendar_file.render(entries, tz(tenant), calendar_file.PUBLISH, name)


async def new_feed_token(tenant: Tenant, operator: UserID) -> str:
    """A new calendar feed token for the operator; the previous one stops working."""
    if not await tenant.has_member(operator, OPERATOR):
        raise not_found("case.not_operator", user_id=operator)
    token = secrets.token_urlsafe(24)
    await CalendarToken.set(tenant.id, operator, hash_token(token))
    return token


async def feed(token: str, now_ms: int) -> bytes | None:
    """The calendar behind a feed token, or None for a token that is not (or no longer) valid."""
    owner = await CalendarToken.owner(hash_token(token))
    if owner is None:
        return None
    tenant = await Tenant.get(owner[0])
    if tenant is None or tenant.suspended or not await tenant.has_member(owner[1], OPERATOR):
        return None
    return await calendar(tenant, owner[1], now_ms)


def feed_url(ctx: Context, token: str) -> str:
    base = ctx.config["provisioning.public_url"] or ctx.config["appservice.address"]
    return f"{str(base).rstrip('/')}/_soudan/provision/v1/calendar/{token}.ics"


CSV_COLUMNS = ("booking", "date", "start", "end", "minutes", "operator", "client", "status")


def booking_row(tenant: Tenant, booking: Booking) -> dict[str, object]:
    start = datetime.fromtimestamp(booking.starts_at / 1000, tz=tz(tenant))
    end = datetime.fromtimestamp(booking.ends_at / 1000, tz=tz(tenant))
    return {
        "booking": booking_label(booking.number),
        "date": start.date().isoformat(),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "minutes": booking.minutes,
        "operator": booking.operator_id,
        "client": booking.client_alias,
        "status": booking.status,
    }


def bookings_csv(tenant: Tenant, bookings: list[Booking]) -> bytes:
    rows = (booking_row(tenant, booking) for booking in bookings)
    return spreadsheet_csv([CSV_COLUMNS, *([row[c] for c in CSV_COLUMNS] for row in rows)])
