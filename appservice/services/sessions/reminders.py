"""The timers of a booking: the reminders before it and the video link at its start."""

from __future__ import annotations

import logging

from mautrix.types import RoomID

from ... import caseroom
from ...context import Context
from ...db import Booking, Case, Client, Timer
from ...db.booking import BOOKED
from ...db.case import ASSIGNED, WAITING
from ...db.tenant import Tenant
from ...i18n import Lang, t
from .notices import operator_room, tell_both
from .times import MINUTE

log = logging.getLogger("soudan.sessions")

REMINDER, VIDEO = "session_reminder", "session_video"


async def schedule(ctx: Context, tenant: Tenant, booking: Booking) -> None:
    now = ctx.clock.now_ms()
    for minutes in tenant.session_reminders:
        due = booking.starts_at - minutes * MINUTE
        if due > now:
            await ctx.scheduler.add(
                REMINDER, due, {"booking": booking.id, "minutes": minutes, "at": booking.starts_at}
            )
    due = max(booking.starts_at - tenant.video_lead_minutes * MINUTE, now)
    await ctx.scheduler.add(VIDEO, due, {"booking": booking.id, "at": booking.starts_at})


async def _live(timer: Timer) -> tuple[Tenant, Booking] | None:
    """The booking a timer is about, if it still stands as it was when the timer was set."""
    booking = await Booking.get(int(timer.payload["booking"]))
    if booking is None or booking.status != BOOKED or booking.starts_at != timer.payload["at"]:
        return None
    tenant = await Tenant.get(booking.tenant_id)
    if tenant is None or tenant.suspended:
        return None
    return tenant, booking


def _before(lang: Lang, minutes: int) -> str:
    if minutes % 1440 == 0:
        return t(lang, "sessions.in_days", count=minutes // 1440)
    if minutes % 60 == 0:
        return t(lang, "sessions.in_hours", count=minutes // 60)
    return t(lang, "sessions.in_minutes", count=minutes)


async def on_reminder(ctx: Context, timer: Timer) -> None:
    live = await _live(timer)
    if live is None:
        return
    tenant, booking = live
    minutes = int(timer.payload["minutes"])
    await tell_both(
        ctx,
        tenant,
        booking,
        "sessions.reminder_client",
        "sessions.reminder_operator",
        why=f"{booking.uid}-{booking.starts_at}-{minutes}",
        alert=True,
        soon=_before(tenant.language, minutes),
    )


def video_link(tenant: Tenant, booking: Booking) -> str:
    return tenant.video_url.replace("{room}", f"soudan-{booking.video_room}")


async def session_room(ctx: Context, tenant: Tenant, booking: Booking, client: Client) -> RoomID:
    """Where the operator meets the client: the client's case with them (reused, or opened and
    assigned now), or their private room when the client is in a case with someone else."""
    case = await Case.open_for(client.id)
    if case is None:
        case = await Case.open_new(tenant.id, client.id, ctx.clock.now_ms())
        await caseroom.assign(ctx, tenant, case, booking.operator_id)
    elif case.status == WAITING:
        await caseroom.assign(ctx, tenant, case, booking.operator_id)
    if case.status == ASSIGNED and case.operator_id == booking.operator_id and case.case_room:
        return case.case_room
    return await operator_room(ctx, tenant, booking.operator_id)


async def on_video(ctx: Context, timer: Timer) -> None:
    live = await _live(timer)
    if live is None:
        return
    tenant, booking = live
    client = await Client.get(booking.client_id) if booking.client_id else None
    if client is None or not client.room_id:
        return
    await tell_both(
        ctx,
        tenant,
        booking,
        "sessions.video_client",
        "sessions.video_operator",
        why=f"{booking.uid}-{booking.starts_at}",
        alert=True,
        room=await _meeting_room(ctx, tenant, booking, client),
        link=video_link(tenant, booking),
    )


async def _meeting_room(ctx: Context, tenant: Tenant, booking: Booking, client: Client) -> RoomID:
    """The session's room, or the operator's private room if the case cannot be opened: the
    link must reach them either way (a timer runs once)."""
    try:
        return await session_room(ctx, tenant, booking, client)
    except Exception:
        log.exception(
            "Could not open the case of booking %s; the link goes to the operator's private room",
            booking.number,
        )
        return await operator_room(ctx, tenant, booking.operator_id)


TIMER_HANDLERS = {REMINDER: on_reminder, VIDEO: on_video}
