"""Times of sessions as the tenant reads them: its zone, its language, date ranges."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ... import hours
from ...db.tenant import Tenant
from .. import validate
from ..errors import Refusal

MAX_AHEAD = timedelta(days=731)
MAX_WEEKS = 52
MINUTE = 60_000


def tz(tenant: Tenant) -> ZoneInfo:
    return hours.zone(tenant.timezone)


def when(tenant: Tenant, starts_at: int, ends_at: int) -> str:
    """``2026-12-01 (火) 10:00–10:50`` in the tenant's zone and language."""
    start = datetime.fromtimestamp(starts_at / 1000, tz=tz(tenant))
    end = datetime.fromtimestamp(ends_at / 1000, tz=tz(tenant))
    return f"{hours.day_label(tenant.language, start.date())} {start:%H:%M}–{end:%H:%M}"


def booking_label(number: int) -> str:
    return f"B{number}"


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
