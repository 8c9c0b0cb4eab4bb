"""Business hours: weekly ranges in the tenant's time zone, minus closed dates."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from . import i18n
from .i18n import Lang
from .services.errors import Refusal

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Hours = dict[str, list[list[str]]]
_RANGE = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")
_SEARCH_DAYS = 400


def parse_ranges(text: str) -> list[list[str]]:
    """``09:00-12:00,13:00-17:00`` (or ``closed``) → [["09:00", "12:00"], ["13:00", "17:00"]]."""
    if text.strip().lower() == "closed":
        return []
    ranges: list[list[str]] = []
    for part in text.split(","):
        match = _RANGE.fullmatch(part.strip())
        if not match:
            raise Refusal("hours.bad_range", value=part.strip()[:20])
        h1, m1, h2, m2 = map(int, match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
            raise Refusal("hours.bad_time", value=part.strip()[:20])
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise Refusal("hours.end_before_start", value=part.strip()[:20])
        ranges.append([f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"])
    ranges.sort()
    for before, after in pairwise(ranges):
        if after[0] < before[1]:
            raise Refusal("hours.overlap", value=f"{before[0]}-{before[1]}, {after[0]}-{after[1]}")
    return ranges


# The longest IANA zone name has 32 characters; a longer one is no zone and, past the file
# system's limit, would make the zone lookup fail with an OSError of its own.
MAX_ZONE_NAME = 64


def zone(name: str) -> ZoneInfo:
    shown = name if len(name) <= 40 else name[:40] + "…"
    if len(name) > MAX_ZONE_NAME:
        raise Refusal("hours.bad_zone", value=shown)
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # OSError: a directory ("Asia"), an odd path
        raise Refusal("hours.bad_zone", value=shown) from None


def day_start(tz: ZoneInfo, day: date) -> int:
    """Midnight at the start of ``day`` in ``tz``, in milliseconds."""
    return int(datetime.combine(day, time(0), tz).timestamp() * 1000)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _day_ranges(hours: Hours, closed: list[str], day: date) -> list[tuple[int, int]]:
    if day.isoformat() in closed:
        return []
    return [(_minutes(a), _minutes(b)) for a, b in hours.get(WEEKDAYS[day.weekday()], [])]


def is_open(hours: Hours | None, closed: list[str], tz: ZoneInfo, now_ms: int) -> bool:
    if hours is None:
        return True  # no hours set: always open
    now = datetime.fromtimestamp(now_ms / 1000, tz)
    minute = now.hour * 60 + now.minute
    return any(a <= minute < b for a, b in _day_ranges(hours, closed, now.date()))


def next_opening(hours: Hours | None, closed: list[str], tz: ZoneInfo, now_ms: int) -> int | None:
    """When the desk next opens after ``now_ms`` (ms); None when it never does."""
    if hours is None:
        return now_ms
    now = datetime.fromtimestamp(now_ms / 1000, tz)
    for offset in range(_SEARCH_DAYS):
        day = now.date() + timedelta(days=offset)
        for start, _end in _day_ranges(hours, closed, day):
            moment = datetime.combine(day, time(start // 60, start % 60), tz)
            if moment > now:
                return int(moment.timestamp() * 1000)
    return None


def describe(hours: Hours | None) -> list[str]:
    if hours is None:
        return []
    return [
        f"{day}: " + (", ".join(f"{a}-{b}" for a, b in hours.get(day, [])) or "closed")
        for day in WEEKDAYS
    ]


def day_label(lang: Lang, value: date) -> str:
    """``2026-11-27 (金)``."""
    return i18n.day(lang, value)
