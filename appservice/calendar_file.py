"""iCalendar files: a booking's invitation or cancellation, and an operator's calendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from . import __version__

MIME = "text/calendar"
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


@dataclass(frozen=True)
class Entry:
    """One session as it appears in a calendar: the reader's own wording of it."""

    uid: str
    starts_at: int
    ends_at: int
    summary: str
    sequence: int = 0
    cancelled: bool = False
    changed_at: int = 0


def _local(ms: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=zone)


def render(entries: list[Entry], zone: ZoneInfo, method: str, name: str | None = None) -> bytes:
    """A calendar of ``entries`` with times in ``zone`` (and its VTIMEZONE definition)."""
    # Loaded on first use, like the PDF and spreadsheet libraries, not at every start.
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//soudan//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", zone.key)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", datetime.fromtimestamp((entry.changed_at or 0) / 1000, tz=UTC))
        event.add("dtstart", _local(entry.starts_at, zone))
        event.add("dtend", _local(entry.ends_at, zone))
        event.add("summary", entry.summary)
        event.add("sequence", entry.sequence)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
