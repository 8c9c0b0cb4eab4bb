"""Calendar files (one booking, an operator's calendar, the feed behind a token) and the
bookings as a spreadsheet."""

from __future__ import annotations

import secrets
from datetime import datetime

from mautrix.appservice import IntentAPI
from mautrix.types import RoomID, UserID

from ... import calendar_file
from ...bot import send_file, txn_for
from ...context import Context
from ...csv_file import spreadsheet_csv
from ...db import OPERATOR, Booking
from ...db.booking import BOOKED, CANCELLED, DONE, NO_SHOW
from ...db.calendar_token import CalendarToken
from ...db.tenant import Tenant
from ...i18n import t
from ..errors import not_found
from ..files import File
from ..tenants import hash_token
from .times import MAX_AHEAD, MINUTE, booking_label, listing_range, tz


def calendar_entry(booking: Booking, summary: str) -> calendar_file.Entry:
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
        tenant.language,
        "sessions.ics_operator_summary",
        alias=booking.client_alias,
        booking=booking_label(booking.number),
    )


async def send_ics(
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


async def calendar(tenant: Tenant, operator: UserID | None, now_ms: int) -> bytes:
    """The operator's sessions (all operators' for ``None``) from 30 days back on."""
    start = now_ms - 30 * 1440 * MINUTE
    end = now_ms + int(MAX_AHEAD.total_seconds() * 1000) + 1
    bookings = await Booking.between(tenant.id, start, end, operator, (BOOKED, DONE, NO_SHOW))
    entries = [calendar_entry(b, operator_summary(tenant, b)) for b in bookings]
    name = t(tenant.language, "sessions.calendar_name", tenant=tenant.name)
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


async def export_bookings(
    tenant: Tenant,
    now_ms: int,
    start: object | None,
    end: object | None,
    operator: UserID | None,
) -> File:
    """The bookings from ``start`` to ``end`` (as ``listing_range`` reads them) as a CSV
    file: one operator's, or every operator's for None."""
    first, last = listing_range(tenant, now_ms, start, end)
    found = await Booking.between(tenant.id, first, last, operator)
    day = datetime.fromtimestamp(first / 1000, tz=tz(tenant)).date()
    data = bookings_csv(tenant, found)
    return File(f"bookings-{tenant.slug}-{day}.csv", "text/csv", data, len(found))
