"""Scheduled-session commands: operators' slots and bookings, calendars, the tenant's settings.

An operator acts on their own slots and sessions (staff room, private room, a case room); an
admin, in the admin room, on anyone's, naming the operator where a command needs one.
"""

from __future__ import annotations

from mautrix.types import UserID

from ..calendar_file import MIME
from ..db import Booking, Slot
from ..db.booking import BOOKED, DONE, NO_SHOW
from ..services import sessions, validate
from ..services.errors import Refusal
from .handler import CommandEvent, Place, UsageError, command

ADMIN, STAFF, CASE, PRIVATE = Place.ADMIN, Place.STAFF, Place.CASE, Place.PRIVATE
SHOWN = 60


def _admin(evt: CommandEvent) -> bool:
    return evt.place == ADMIN


def _operator_arg(evt: CommandEvent) -> tuple[UserID | None, list[str]]:
    """In the admin room, a leading user ID names the operator; elsewhere it is the sender."""
    args = list(evt.args)
    if _admin(evt):
        if args and args[0].startswith("@"):
            return validate.user_id(args[0]), args[1:]
        return None, args
    return evt.sender, args


@command("slot-add", (ADMIN, STAFF, PRIVATE), "sessions")
async def slot_add(evt: CommandEvent) -> None:
    operator, args = _operator_arg(evt)
    if operator is None or len(args) < 2:
        raise UsageError
    tenant = evt.the_tenant
    options = evt.pairs(len(evt.args) - len(args) + 2)
    request = sessions.slot_request(tenant, args[0], args[1], options)
    made = await sessions.add_slots(evt.ctx, tenant, operator, request)
    lines = [evt.t("sessions.slots_added", count=len(made))]
    for slot in made[:SHOWN]:
        lines.append(_slot_line(evt, slot))
    await evt.reply("\n".join(lines))


def _slot_line(evt: CommandEvent, slot: Slot, who: bool = False) -> str:
    line = evt.t(
        "sessions.slot_line",
        slot=slot.number,
        when=sessions.when(evt.the_tenant, slot.starts_at, slot.ends_at),
        booked=slot.booked,
        capacity=slot.capacity,
    )
    if slot.series:
        line += evt.t("sessions.series_mark")
    if who:
        line += f" · {slot.operator_id}"
    return line


@command("slots", (ADMIN, STAFF, PRIVATE), "sessions")
async def slots(evt: CommandEvent) -> None:
    operator, args = _operator_arg(evt)
    if len(args) > 1:
        raise UsageError
    weeks = validate.count(args[0], low=0, high=sessions.MAX_WEEKS, what="weeks") if args else 0
    tenant = evt.the_tenant
    start, end = sessions.week_range(tenant, evt.ctx.clock.now_ms(), weeks)
    found = await Slot.between(tenant.id, start, end, operator)
    if not found:
        await evt.reply(evt.t("sessions.no_slots"))
        return
    lines = [evt.t("sessions.slots_header", count=len(found))]
    booked: dict[int, list[str]] = {}
    for booking in await Booking.between(tenant.id, start, end, operator, (BOOKED,)):
        label = sessions.booking_label(booking.number)
        booked.setdefault(booking.slot_id, []).append(f"{booking.client_alias} ({label})")
    for slot in found[:SHOWN]:
        line = _slot_line(evt, slot, who=operator is None)
        if slot.id in booked:
            line += " · " + ", ".join(booked[slot.id])
        lines.append(line)
    if len(found) > SHOWN:
        lines.append(evt.t("sessions.more", count=len(found) - SHOWN))
    await evt.reply_naming_clients("\n".join(lines), "sessions.list_private")


@command("slot-remove", (ADMIN, STAFF, PRIVATE), "sessions")
async def slot_remove(evt: CommandEvent) -> None:
    if not 1 <= len(evt.args) <= 2:
        raise UsageError
    whole = len(evt.args) == 2
    if whole and evt.args[1].lower() != "series":
        raise UsageError
    removed, cancelled = await sessions.remove_slot(
        evt.ctx, evt.the_tenant, evt.args[0], evt.sender, _admin(evt), whole
    )
    await evt.reply(
        evt.t(
            "sessions.slots_removed",
            count=len(removed),
            cancelled=evt.t("sessions.bookings_cancelled", count=cancelled),
        )
    )


@command("slot-move", (ADMIN, STAFF, PRIVATE), "sessions")
async def slot_move(evt: CommandEvent) -> None:
    if len(evt.args) != 3:
        raise UsageError
    slot, moved = await sessions.move_slot(
        evt.ctx, evt.the_tenant, evt.args[0], evt.args[1], evt.args[2], evt.sender, _admin(evt)
    )
    span = sessions.when(evt.the_tenant, slot.starts_at, slot.ends_at)
    await evt.reply(evt.t("sessions.slot_moved", slot=slot.number, when=span, count=len(moved)))


def _booking_line(evt: CommandEvent, booking: Booking, who: bool) -> str:
    line = evt.t(
        "sessions.booking_line",
        booking=sessions.booking_label(booking.number),
        when=sessions.when(evt.the_tenant, booking.starts_at, booking.ends_at),
        alias=booking.client_alias,
        status=evt.t(f"sessions.status.{booking.status}"),
    )
    return f"{line} · {booking.operator_id}" if who else line


async def _bookings_in(evt: CommandEvent, args: list[str]) -> tuple[list[Booking], UserID | None]:
    operator = None if _admin(evt) else evt.sender
    tenant = evt.the_tenant
    if len(args) > 2:
        raise UsageError
    first = args[0] if args else None
    last = args[1] if len(args) > 1 else None
    start, end = sessions.listing_range(tenant, evt.ctx.clock.now_ms(), first, last)
    return await Booking.between(tenant.id, start, end, operator), operator


@command("bookings", (ADMIN, STAFF, PRIVATE), "sessions")
async def bookings(evt: CommandEvent) -> None:
    found, operator = await _bookings_in(evt, evt.args)
    if not found:
        await evt.reply(evt.t("sessions.no_bookings_here"))
        return
    lines = [evt.t("sessions.bookings_header", count=len(found))]
    lines += [_booking_line(evt, b, operator is None) for b in found[:SHOWN]]
    if len(found) > SHOWN:
        lines.append(evt.t("sessions.more", count=len(found) - SHOWN))
    await evt.reply_naming_clients("\n".join(lines), "sessions.list_private")


@command("export-bookings", (ADMIN, PRIVATE), "sessions")
async def export_bookings(evt: CommandEvent) -> None:
    if not evt.args or len(evt.args) > 2:
        raise UsageError
    operator = None if _admin(evt) else evt.sender
    last = evt.args[1] if len(evt.args) > 1 else None
    now = evt.ctx.clock.now_ms()
    found = await sessions.export_bookings(evt.the_tenant, now, evt.args[0], last, operator)
    await evt.ctx.bot.send_file(evt.room_id, found.data, found.name, found.mime)
    await evt.reply(evt.t("sessions.exported", count=found.rows, name=found.name))


MARKS = {"done": DONE, "no-show": NO_SHOW, "noshow": NO_SHOW, "no_show": NO_SHOW}


@command("session", (ADMIN, STAFF, PRIVATE, CASE), "sessions")
async def session(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    tenant = evt.the_tenant
    booking = await sessions.find_booking(tenant, evt.args[0])
    action = evt.args[1].lower()
    label = sessions.booking_label(booking.number)
    if action == "cancel":
        await sessions.operator_cancel(evt.ctx, tenant, booking, evt.sender, _admin(evt))
        await evt.reply(evt.t("sessions.cancel_done", booking=label))
        return
    if action not in MARKS:
        raise Refusal("sessions.bad_mark", value=action[:20])
    await sessions.mark(evt.ctx, tenant, booking, MARKS[action], evt.sender, _admin(evt))
    await evt.reply(
        evt.t("sessions.marked", booking=label, status=evt.t(f"sessions.status.{booking.status}"))
    )


@command("calendar", (ADMIN, PRIVATE), "sessions")
async def calendar(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    tenant = evt.the_tenant
    operator = None if _admin(evt) else evt.sender
    data = await sessions.calendar(tenant, operator, evt.ctx.clock.now_ms())
    await evt.ctx.bot.send_file(evt.room_id, data, f"sessions-{tenant.slug}.ics", MIME)


@command("calendar-link", PRIVATE, "sessions")
async def calendar_link(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    token = await sessions.new_feed_token(evt.the_tenant, evt.sender)
    await evt.reply(evt.t("sessions.feed_link", url=sessions.feed_url(evt.ctx, token)))


@command("session-settings", ADMIN, "sessions")
async def session_settings(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    if evt.args:
        tenant = await sessions.change_settings(tenant, evt.pairs())
    values = sessions.settings_of(tenant)
    reminders = ",".join(str(m) for m in values["reminders"]) or "none"  # type: ignore[attr-defined]
    await evt.reply(
        evt.t(
            "sessions.settings",
            minutes=values["minutes"],
            cutoff=values["cutoff_hours"],
            reminders=reminders,
            lead=values["video_lead_minutes"],
            url=values["video_url"],
        )
    )
