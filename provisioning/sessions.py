"""The provisioning API for scheduled sessions: the tenant's session settings, operators' slots,
the bookings (as JSON or CSV), how a session went, and operators' calendar feeds: the same
service functions as the session commands in ``appservice/commands/sessions.py``; handlers
only translate HTTP to them.

Callers are the platform token or the tenant's own admin token, who act as the tenant's admins
do: on every operator's slots and sessions. The calendar feed needs no bearer token: the feed
token in its path is the credential (``auth`` in ``api.py`` lets that route through).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from mautrix.types import UserID

from appservice.calendar_file import MIME
from appservice.db import Booking, Slot, Tenant
from appservice.db.booking import CANCELLED, DONE, NO_SHOW
from appservice.services import sessions, validate
from appservice.services.errors import Refusal

from .api import attachment, body, context, field, json_error, ok, tenant_of

# The statuses a session can be given here: the first two record how it went, the last
# cancels it (before its start).
STATUSES = (DONE, NO_SHOW, CANCELLED)
FORMATS = ("json", "csv")
SLOT_OPTIONS = ("minutes", "capacity", "repeat", "until", "count")
SERIES = {"true": True, "1": True, "false": False, "0": False}


def _iso(tenant: Tenant, ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=sessions.tz(tenant)).isoformat()


def _slot_json(tenant: Tenant, slot: Slot) -> dict[str, Any]:
    return {
        "number": slot.number,
        "operator": slot.operator_id,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "start": _iso(tenant, slot.starts_at),
        "end": _iso(tenant, slot.ends_at),
        "capacity": slot.capacity,
        "booked": slot.booked,
        "series": slot.series is not None,
    }


def _booking_json(tenant: Tenant, booking: Booking) -> dict[str, Any]:
    """The export's row (the client by alias only), with the number and times in ms."""
    return {
        **sessions.booking_row(tenant, booking),
        "number": booking.number,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
    }


def _operator(query: dict[str, str]) -> UserID | None:
    return validate.user_id(query["operator"]) if "operator" in query else None


def _range(tenant: Tenant, now_ms: int, query: dict[str, str]) -> tuple[int, int]:
    return sessions.listing_range(tenant, now_ms, query.get("from"), query.get("to"))


# Settings


async def get_settings(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok(sessions.settings_of(tenant))


async def change_settings(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    changes = await body(request)
    tenant = await sessions.change_settings(tenant, changes)
    return ok(sessions.settings_of(tenant))


# Slots


async def list_slots(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    query = dict(request.query)
    operator = _operator(query)
    start, end = _range(tenant, ctx.clock.now_ms(), query)
    found = await Slot.between(tenant.id, start, end, operator)
    return ok({"slots": [_slot_json(tenant, slot) for slot in found]})


async def add_slots(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    operator = validate.user_id(field(data, "operator"))
    # The options as the command passes them: words, checked by the service.
    options = {key: str(data[key]) for key in SLOT_OPTIONS if data.get(key) is not None}
    wanted = sessions.slot_request(tenant, field(data, "date"), field(data, "time"), options)
    made = await sessions.add_slots(ctx, tenant, operator, wanted)
    return ok({"slots": [_slot_json(tenant, slot) for slot in made]}, status=201)


async def remove_slot(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    series = request.query.get("series", "false").lower()
    if series not in SERIES:
        raise Refusal("perm.bad_value", setting="series", value=series[:20], options="true, false")
    removed, cancelled = await sessions.remove_slot(
        ctx, tenant, request.match_info["number"], ctx.az.bot_mxid, True, SERIES[series]
    )
    return ok({"removed": [slot.number for slot in removed], "cancelled": cancelled})


async def move_slot(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    slot, moved = await sessions.move_slot(
        ctx,
        tenant,
        request.match_info["number"],
        field(data, "date"),
        field(data, "time"),
        ctx.az.bot_mxid,
        True,
    )
    return ok({**_slot_json(tenant, slot), "moved_bookings": [b.number for b in moved]})


# Bookings


async def list_bookings(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    query = dict(request.query)
    kind = query.get("format", "json").lower()
    if kind not in FORMATS:
        raise Refusal("history.bad_format", value=kind[:20], options=", ".join(FORMATS))
    operator = _operator(query)
    if kind == "csv":
        found = await sessions.export_bookings(
            tenant, ctx.clock.now_ms(), query.get("from"), query.get("to"), operator
        )
        return attachment(found.data, found.name, found.mime, "utf-8")
    start, end = _range(tenant, ctx.clock.now_ms(), query)
    listed = await Booking.between(tenant.id, start, end, operator)
    return ok({"bookings": [_booking_json(tenant, booking) for booking in listed]})


async def set_booking_status(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    status = str(field(await body(request), "status"))
    if status not in STATUSES:
        raise Refusal("history.bad_status", value=status[:20], options=", ".join(STATUSES))
    booking = await sessions.find_booking(tenant, request.match_info["number"])
    if status == CANCELLED:
        await sessions.operator_cancel(ctx, tenant, booking, ctx.az.bot_mxid, True)
    else:
        await sessions.mark(ctx, tenant, booking, status, ctx.az.bot_mxid, True)
    return ok(_booking_json(tenant, booking))


# Calendars


async def new_calendar_token(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    operator = validate.user_id(request.match_info["user_id"])
    token = await sessions.new_feed_token(tenant, operator)
    return ok({"url": sessions.feed_url(ctx, token), "token": token}, status=201)


async def calendar_feed(request: web.Request) -> web.Response:
    """No bearer token: the feed token in the path is the credential."""
    ctx = context(request)
    token = request.match_info["token"].removesuffix(".ics")
    data = await sessions.feed(token, ctx.clock.now_ms())
    if data is None:
        return json_error(404, "M_NOT_FOUND", "Unknown or revoked calendar token")
    return web.Response(body=data, content_type=MIME, charset="utf-8")


def add_routes(app: web.Application) -> None:
    r = app.router
    t = "/tenants/{slug}"
    r.add_get(f"{t}/session-settings", get_settings)
    r.add_patch(f"{t}/session-settings", change_settings)
    r.add_get(f"{t}/slots", list_slots)
    r.add_post(f"{t}/slots", add_slots)
    r.add_delete(f"{t}/slots/{{number}}", remove_slot)
    r.add_post(f"{t}/slots/{{number}}/move", move_slot)
    r.add_get(f"{t}/bookings", list_bookings)
    r.add_post(f"{t}/bookings/{{number}}/status", set_booking_status)
    r.add_post(f"{t}/operators/{{user_id}}/calendar-token", new_calendar_token)
    r.add_get("/calendar/{token}", calendar_feed)
