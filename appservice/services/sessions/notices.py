"""What the client and the operator hear of a booking, each in their own room and words, with
a calendar file; and a cancellation, which both hear of."""

from __future__ import annotations

from mautrix.types import EventID, RoomID, UserID

from ... import calendar_file
from ...bot import send_alert, send_notice, txn_for
from ...context import Context
from ...db import Booking, Client, OperatorSettings, OperatorState
from ...db.tenant import Tenant
from ...i18n import t
from .. import notify
from .calendars import calendar_entry, operator_summary, send_ics
from .times import booking_label, when


async def operator_name(tenant: Tenant, operator: UserID) -> str:
    """How a client sees an operator: their profile name, or the desk's name."""
    state = await OperatorState.get(tenant.id, operator)
    return state.profile_name or tenant.name


async def operator_room(ctx: Context, tenant: Tenant, operator: UserID) -> RoomID:
    return await notify.private_room(ctx, tenant, await OperatorSettings.get(tenant.id, operator))


async def tell_both(
    ctx: Context,
    tenant: Tenant,
    booking: Booking,
    client_key: str,
    operator_key: str,
    method: str | None = None,
    source: EventID | None = None,
    *,
    why: str | None = None,
    room: RoomID | None = None,
    alert: bool = False,
    **extra: object,
) -> None:
    """Tell the client (desk room) and the operator (``room``, or their private room) about a
    booking, each in their own words and, with ``method``, with a calendar file of it. Every
    send has a transaction ID from ``why``, so a retry is one event. With ``alert`` (a reminder,
    the video link) it rings for both, each mentioned."""
    lang = tenant.language
    why = why or f"{booking.uid}-{booking.sequence}"
    params = {
        "booking": booking_label(booking.number),
        "when": when(tenant, booking.starts_at, booking.ends_at),
        "alias": booking.client_alias,
        "cutoff": tenant.session_cutoff_hours,
        **extra,
    }
    client = await Client.get(booking.client_id) if booking.client_id else None
    if client and client.room_id:
        desk = ctx.desk(tenant.slug)
        name = await operator_name(tenant, booking.operator_id)
        text = t(lang, client_key, name=name, **params)
        if alert:
            await send_alert(
                desk, client.room_id, text, mention=client.user_id, txn_id=txn_for(why, client_key)
            )
        else:
            await send_notice(
                desk, client.room_id, text, txn_id=txn_for(why, client_key), reply_to=source
            )
        if method:
            summary = t(lang, "sessions.ics_client_summary", tenant=tenant.name, name=name)
            await send_ics(
                desk, tenant, client.room_id, calendar_entry(booking, summary), method, why
            )
    room = room or await operator_room(ctx, tenant, booking.operator_id)
    text = t(lang, operator_key, **params)
    if alert:
        await ctx.bot.alert(
            room, text, mention=booking.operator_id, txn_id=txn_for(why, operator_key)
        )
    else:
        await ctx.bot.notice(room, text, txn_id=txn_for(why, operator_key))
    if method:
        entry = calendar_entry(booking, operator_summary(tenant, booking))
        await send_ics(ctx.az.intent, tenant, room, entry, method, why)


async def cancel(
    ctx: Context,
    tenant: Tenant,
    booking: Booking,
    client_key: str,
    now: int,
    source: EventID | None = None,
) -> bool:
    """Cancel a booking that still stands, giving the place back, and tell both sides with a
    CANCEL calendar file. False when it no longer stood (someone was first)."""
    if not await booking.cancel(now):
        return False
    await tell_both(
        ctx,
        tenant,
        booking,
        client_key,
        "sessions.cancelled_operator",
        calendar_file.CANCEL,
        source,
    )
    return True
