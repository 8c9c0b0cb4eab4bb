"""Clients' bookings: the free slots a client may book, booking, cancelling, the client's
list, how a session went, and what goes when a client leaves."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from mautrix.types import EventID, UserID

from ... import calendar_file, caseroom
from ...context import Context
from ...db import OPERATOR, Booking, Case, Client, Slot
from ...db.booking import BOOKED, CANCELLED, DONE, NO_SHOW
from ...db.tenant import Tenant
from .. import routing, validate
from ..errors import Refusal, conflict, forbidden, not_found
from .notices import cancel, operator_name, tell_both
from .reminders import schedule
from .slots import find_slot
from .times import MINUTE, booking_label, day_start, tz

log = logging.getLogger("soudan.sessions")

CLIENT_LIST = 20
CLIENT_MAX = 60
CLIENT_WEEKS = 8


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
    slot = await find_slot(tenant, number)
    now = ctx.clock.now_ms()
    if slot.starts_at <= now:
        raise conflict("sessions.slot_started", number=slot.number)
    if not await tenant.has_member(slot.operator_id, OPERATOR) or not await routing.may_have(
        tenant, slot.operator_id, client
    ):
        raise not_found("sessions.unknown_slot", number=slot.number)
    if not client.alias:
        await caseroom.client_ghost(ctx, tenant, client)  # the alias operators know the client by
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
    await schedule(ctx, tenant, booking)
    await tell_both(
        ctx,
        tenant,
        booking,
        "sessions.booked_client",
        "sessions.booked_operator",
        calendar_file.REQUEST,
        source,
    )
    return booking


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
            count=tenant.session_cutoff_hours,
        )
    if not await cancel(ctx, tenant, booking, "sessions.cancelled_client", now, source):
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
    if not await cancel(ctx, tenant, booking, "sessions.cancelled_by_operator", now):
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


async def client_left(ctx: Context, tenant: Tenant, client: Client) -> int:
    """A client is removed: their sessions to come are cancelled and the operators told, so
    the places are free again. Returns the bookings cancelled."""
    now = ctx.clock.now_ms()
    cancelled = 0
    for booking in await Booking.of_client(client.id, now):
        if booking.starts_at > now:
            cancelled += await cancel(ctx, tenant, booking, "sessions.cancelled_client", now)
    return cancelled
