"""Business days: which days count for a counselor's reply deadline, and when a reply is due.

A day counts unless it is one of the counselor's weekly days off, one of their own days off,
a date the tenant is closed, or a public holiday of the tenant's country (the ``holidays``
package). A letter received on any day, at any hour, is due by the end of the N-th counting
day after that day; the counselor's reminder comes at the start of that last day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from .hours import day_start

MAX_SEARCH_DAYS = 3 * 366
REMINDER_TIME = time(9, 0)


class NoWorkingDay(ValueError):
    """Every day for years ahead is off: no deadline can be set."""


@cache
def _public_holidays(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


def country_known(country: str) -> bool:
    try:
        _public_holidays(country.upper())
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkingDays:
    """The days one counselor works for one tenant."""

    weekly_off: frozenset[int] = frozenset({5, 6})  # Monday is 0: Saturday and Sunday
    days_off: frozenset[date] = field(default_factory=frozenset)
    closed: frozenset[date] = field(default_factory=frozenset)
    country: str | None = "JP"

    @classmethod
    def of(
        cls,
        weekly_off: Iterable[int] = (5, 6),
        days_off: Iterable[date | str] = (),
        closed: Iterable[date | str] = (),
        country: str | None = "JP",
    ) -> WorkingDays:
        def dates(values: Iterable[date | str]) -> frozenset[date]:
            return frozenset(v if isinstance(v, date) else date.fromisoformat(v) for v in values)

        return cls(frozenset(weekly_off), dates(days_off), dates(closed), country)

    def counts(self, day: date) -> bool:
        if day.weekday() in self.weekly_off or day in self.days_off or day in self.closed:
            return False
        return not (self.country and day in _public_holidays(self.country.upper()))

    def nth_after(self, start: date, count: int) -> date:
        """The ``count``-th counting day after ``start`` (``start`` itself never counts)."""
        day, found = start, 0
        for _ in range(MAX_SEARCH_DAYS):
            day += timedelta(days=1)
            if self.counts(day):
                found += 1
                if found == count:
                    return day
        raise NoWorkingDay(start.isoformat())


def due_day(received_ms: int, count: int, working: WorkingDays, zone: ZoneInfo) -> date:
    received = datetime.fromtimestamp(received_ms / 1000, tz=zone).date()
    return working.nth_after(received, count)


def end_of(day: date, zone: ZoneInfo) -> int:
    """The last moment of ``day`` in ``zone`` (the start of the next day), in milliseconds."""
    return day_start(zone, day + timedelta(days=1))


def due_at(received_ms: int, count: int, working: WorkingDays, zone: ZoneInfo) -> int:
    """When a reply to a letter received at ``received_ms`` is due: the end of the
    ``count``-th counting day after the day it came."""
    return end_of(due_day(received_ms, count, working, zone), zone)


def reminder_at(due_ms: int, zone: ZoneInfo) -> int:
    """The start (09:00) of the last counting day before ``due_ms``."""
    last = datetime.fromtimestamp((due_ms - 1) / 1000, tz=zone).date()
    return int(datetime.combine(last, REMINDER_TIME, tzinfo=zone).timestamp() * 1000)
