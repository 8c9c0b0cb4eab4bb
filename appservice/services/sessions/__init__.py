"""Scheduled sessions: operators' availability slots, clients' bookings, reminders, video links
and calendars.

Times are stored as UTC milliseconds and read and written in the tenant's time zone. A slot
series is stored as its occurrences, so every occurrence can be booked, listed and removed on
its own, and a weekly 10:00 stays 10:00 local across a daylight-saving change.

The modules, each importing only those before it: ``times`` (the tenant's zone and ranges),
``calendars`` (calendar files and exports), ``notices`` (what both sides hear of a booking),
``reminders`` (a booking's timers), ``slots``, ``bookings``, ``settings``.
"""

from __future__ import annotations

from ... import hooks
from .bookings import (
    CLIENT_LIST,
    CLIENT_MAX,
    CLIENT_WEEKS,
    FreeSlots,
    book,
    client_bookings,
    client_cancel,
    client_left,
    client_slots,
    find_booking,
    mark,
    operator_cancel,
)
from .calendars import (
    CSV_COLUMNS,
    booking_row,
    bookings_csv,
    calendar,
    export_bookings,
    feed,
    feed_url,
    new_feed_token,
    operator_summary,
)
from .notices import operator_name
from .reminders import (
    REMINDER,
    TIMER_HANDLERS,
    VIDEO,
    on_reminder,
    on_video,
    session_room,
    video_link,
)
from .settings import PROVIDERS, SETTING_KEYS, change_settings, settings_of, video_url
from .slots import (
    BIWEEKLY,
    MAX_CAPACITY,
    MAX_MINUTES,
    MAX_OCCURRENCES,
    NONE,
    REPEATS,
    WEEKLY_REPEAT,
    SlotRequest,
    add_slots,
    find_slot,
    move_slot,
    occurrences,
    operator_left,
    parse_time,
    remove_slot,
    slot_request,
)
from .times import (
    MAX_AHEAD,
    MAX_WEEKS,
    MINUTE,
    booking_label,
    date_range,
    day_start,
    listing_range,
    tz,
    week_range,
    when,
)

HOOKS: dict[str, hooks.Hook] = {hooks.OPERATOR_LEFT: operator_left, hooks.CLIENT_LEFT: client_left}

__all__ = [
    "BIWEEKLY",
    "CLIENT_LIST",
    "CLIENT_MAX",
    "CLIENT_WEEKS",
    "CSV_COLUMNS",
    "HOOKS",
    "MAX_AHEAD",
    "MAX_CAPACITY",
    "MAX_MINUTES",
    "MAX_OCCURRENCES",
    "MAX_WEEKS",
    "MINUTE",
    "NONE",
    "PROVIDERS",
    "REMINDER",
    "REPEATS",
    "SETTING_KEYS",
    "TIMER_HANDLERS",
    "VIDEO",
    "WEEKLY_REPEAT",
    "FreeSlots",
    "SlotRequest",
    "add_slots",
    "book",
    "booking_label",
    "booking_row",
    "bookings_csv",
    "calendar",
    "change_settings",
    "client_bookings",
    "client_cancel",
    "client_left",
    "client_slots",
    "date_range",
    "day_start",
    "export_bookings",
    "feed",
    "feed_url",
    "find_booking",
    "find_slot",
    "listing_range",
    "mark",
    "move_slot",
    "new_feed_token",
    "occurrences",
    "on_reminder",
    "on_video",
    "operator_cancel",
    "operator_left",
    "operator_name",
    "operator_summary",
    "parse_time",
    "remove_slot",
    "session_room",
    "settings_of",
    "slot_request",
    "tz",
    "video_link",
    "video_url",
    "week_range",
    "when",
]
