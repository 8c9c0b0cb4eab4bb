"""Operators' availability slots: one or a weekly series, moved or removed (their bookings
with them), and what goes when an operator leaves."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule
from mautrix.types import UserID

from ... import calendar_file
from ...context import Context
from ...db import OPERATOR, Booking, Slot
from ...db.calendar_token import CalendarToken
from ...db.tenant import Tenant
from .. import validate
from ..errors import Refusal, conflict, forbidden, not_found
from .notices import cancel, tell_both
from .reminders import schedule
from .times import MAX_AHEAD, MINUTE, tz, when

log = logging.getLogger("soudan.sessions")

NONE, WEEKLY_REPEAT, BIWEEKLY = "none", "weekly", "biweekly"
REPEATS = (NONE, WEEKLY_REPEAT, BIWEEKLY)
MAX_MINUTES = 8 * 60
MAX_CAPACITY = 50
MAX_OCCURRENCES = 60
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


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


async def _changeable(
    ctx: Context, tenant: Tenant, number: object, by: UserID, admin: bool
) -> tuple[Slot, int]:
    """The slot, if ``by`` may change it (an admin, or its own operator) and it has not
    started; and the time now."""
    slot = await find_slot(tenant, number)
    if not admin and slot.operator_id != by:
        raise forbidden("sessions.not_your_slot", number=slot.number)
    now = ctx.clock.now_ms()
    if slot.starts_at <= now:
        raise conflict("sessions.slot_started", number=slot.number)
    return slot, now


async def remove_slot(
    ctx: Context, tenant: Tenant, number: object, by: UserID, admin: bool, whole_series: bool
) -> tuple[list[Slot], int]:
    """Remove one occurrence, or every occurrence of its series still to come; the bookings on
    them are cancelled and both sides told. Returns the slots removed and the bookings
    cancelled."""
    slot, now = await _changeable(ctx, tenant, number, by, admin)
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
            cancelled += await cancel(ctx, tenant, booking, "sessions.cancelled_by_operator", now)
    return cancelled


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
    slot, now = await _changeable(ctx, tenant, number, by, admin)
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
        await schedule(ctx, tenant, booking)  # the earlier timers no longer match; they pass
        await tell_both(
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
