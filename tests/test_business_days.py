"""Reply deadlines in business days: a table of letters and the due time each must get (pure
logic; the dates are worked out by hand from the calendar, not by the code under test)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from appservice.business_days import NoWorkingDay, WorkingDays, due_at, reminder_at

TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")
YEAR_END = [f"2026-12-{d}" for d in (29, 30, 31)] + [f"2027-01-0{d}" for d in (1, 2, 3)]
WEDNESDAY_OFF = WorkingDays.of(weekly_off=(2, 5, 6))


def _ms(text: str, zone: ZoneInfo = TOKYO) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=zone).timestamp() * 1000)


def _end_of(day: str, zone: ZoneInfo = TOKYO) -> int:
    """The end of ``day``: 24:00 local, the next day's 00:00."""
    return _ms(day + "T00:00", zone) + int(timedelta(days=1).total_seconds() * 1000)


TABLE = [
    # (received, working days, replies due within, expected last day)
    ("2026-11-27T19:30", WorkingDays(), 2, "2026-12-01"),  # Friday evening: Mon, Tue
    ("2026-11-28T00:01", WorkingDays(), 2, "2026-12-01"),  # Saturday: the same Mon, Tue
    ("2026-11-30T09:00", WorkingDays(), 2, "2026-12-02"),  # Monday: Tue, Wed
    ("2026-12-01T10:00", WEDNESDAY_OFF, 2, "2026-12-04"),  # before a Wednesday off: Thu, Fri
    ("2026-12-03T10:00", WorkingDays.of(days_off=["2026-12-04"]), 2, "2026-12-08"),  # own day
    ("2026-11-20T18:00", WorkingDays(), 2, "2026-11-25"),  # Mon 23rd Labour Thanksgiving
    ("2027-01-08T12:00", WorkingDays(), 2, "2027-01-13"),  # Mon 11th Coming of Age Day
    ("2026-12-28T10:00", WorkingDays.of(closed=YEAR_END), 2, "2027-01-05"),  # year-end closed
    ("2026-12-25T17:00", WorkingDays.of(closed=YEAR_END), 2, "2027-01-04"),  # Mon 28th, Mon 4th
    ("2027-04-28T15:00", WorkingDays(), 2, "2027-05-06"),  # Golden Week: Fri 30th, Thu 6th
    ("2027-04-30T20:00", WorkingDays(), 2, "2027-05-07"),  # after its first day: Thu, Fri
    ("2027-05-02T11:00", WorkingDays(), 1, "2027-05-06"),  # one day, inside Golden Week
    ("2026-11-27T19:30", WorkingDays.of(weekly_off=(2,)), 2, "2026-11-29"),  # works weekends
    ("2026-11-20T18:00", WorkingDays.of(country=None), 2, "2026-11-24"),  # no holidays counted
    ("2026-11-27T19:30", WorkingDays(), 4, "2026-12-03"),
]


@pytest.mark.parametrize(("received", "working", "days", "last_day"), TABLE)
def test_due_times(received: str, working: WorkingDays, days: int, last_day: str) -> None:
    due = due_at(_ms(received), days, working, TOKYO)
    assert due == _end_of(last_day)
    # The counselor's reminder: 09:00 on that last day.
    assert reminder_at(due, TOKYO) == _ms(last_day + "T09:00")


def test_another_country_and_zone() -> None:
    # Berlin at Christmas 2026: the 25th and 26th are holidays, then Sunday.
    german = WorkingDays.of(country="DE")
    assert due_at(_ms("2026-12-24T16:00", BERLIN), 2, german, BERLIN) == _end_of(
        "2026-12-29", BERLIN
    )


def test_no_working_day_at_all() -> None:
    with pytest.raises(NoWorkingDay):
        due_at(_ms("2026-11-27T19:30"), 2, WorkingDays.of(weekly_off=range(7)), TOKYO)
