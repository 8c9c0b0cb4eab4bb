"""Platform operations: tenants, their admins, suspension, trials, seats, tokens, maintenance."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mautrix.errors import MatrixError

from ..bot import send_alert
from ..context import Context
from ..db import OPERATOR, ApiToken, Client, Room, Tenant, Timer
from ..db import room as room_kinds
from ..i18n import Lang, t
from ..rooms import create_room, link_to_space
from . import board, groups, history, permissions, statements, validate
from .errors import Refusal, conflict, not_found
from .validate import parse_date

log = logging.getLogger("soudan.tenants")

TRIAL_END = "trial_end"
MAINTENANCE_START = "maintenance_start"


async def get_tenant(slug: str) -> Tenant:
    tenant = await Tenant.get_by_slug(slug) if isinstance(slug, str) else None
    if tenant is None:
        raise not_found("tenant.unknown", slug=str(slug)[:40])
    return tenant


async def _make_tenant_rooms(ctx: Context, tenant: Tenant) -> None:
    lang: Lang = tenant.language
    intent = ctx.az.intent
    tenant.space_room = await create_room(
        intent, name=tenant.name, topic=t(lang, "tenant.space_topic"), invitees=[], space=True
    )
    tenant.admin_room = await create_room(
        intent,
        name=t(lang, "tenant.admin_room", name=tenant.name),
        topic=t(lang, "tenant.admin_topic"),
        invitees=[],
    )
    tenant.staff_room = await create_room(
        intent,
        name=t(lang, "tenant.staff_room", name=tenant.name),
        topic=t(lang, "tenant.staff_topic"),
        invitees=[],
    )
    await tenant.save()
    await Room.add(tenant.space_room, room_kinds.SPACE, tenant.id)
    await Room.add(tenant.admin_room, room_kinds.ADMIN_ROOM, tenant.id)
    await Room.add(tenant.staff_room, room_kinds.STAFF_ROOM, tenant.id)
    for room in (tenant.admin_room, tenant.staff_room):
        await link_to_space(intent, ctx.config["homeserver.domain"], tenant.space_room, room)
    desk = ctx.desk(tenant.slug)
    await desk.ensure_registered()
    await desk.set_displayname(tenant.name)
    if tenant.board:
        await board.ensure_board_room(ctx, tenant)


async def create_tenant(ctx: Context, slug: str, preset: str, language: str, name: str) -> Tenant:
    """A tenant with its space, admin room, staff room and desk ghost."""
    slug = validate.slug(slug)
    preset = validate.preset(preset)
    language = validate.language(language)
    name = validate.name(name, "tenant name")
    found = await Tenant.get_any_by_slug(slug)
    if found:
        # A deleted tenant's slug is never given again: its records, exports and ghosts
        # carry it, and a new tenant under it would be taken for the old one.
        raise conflict("tenant.slug_deleted" if found.deleted else "tenant.exists", slug=slug)
    tenant = await Tenant.insert(slug, name, preset, language, ctx.clock.now_ms())
    tenant.board = preset in board.ON_BY_DEFAULT
    tenant.group_chat = preset in groups.CHAT_BY_DEFAULT
    try:
        await _make_tenant_rooms(ctx, tenant)
    except MatrixError as e:
        log.warning("Could not create the rooms of tenant %s: %s", slug, e)
        await tenant.delete()
        raise Refusal("tenant.rooms_failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR") from e
    await history.schedule_summaries(ctx.scheduler, [tenant], ctx.clock.now_ms())
    await statements.schedule(ctx.scheduler, [tenant], ctx.clock.now_ms())
    log.info("Created tenant %s (%s)", slug, preset)
    return tenant


async def list_tenants() -> list[Tenant]:
    return await Tenant.all()


async def _announce_to_staff(ctx: Context, tenant: Tenant, key: str, **params: object) -> None:
    lang: Lang = tenant.language
    for room in (tenant.admin_room, tenant.staff_room):
        if room:
            await ctx.bot.notice(room, t(lang, key, **params))


async def suspend(ctx: Context, tenant: Tenant, reason: str = "tenant.suspended_notice") -> None:
    if tenant.suspended:
        raise conflict("tenant.already_suspended", slug=tenant.slug)
    tenant.suspended_at = ctx.clock.now_ms()
    await tenant.save()
    await _announce_to_staff(ctx, tenant, reason)


async def resume(ctx: Context, tenant: Tenant) -> None:
    if not tenant.suspended:
        raise conflict("tenant.not_suspended", slug=tenant.slug)
    tenant.suspended_at = None
    if tenant.trial_ends_at is not None and tenant.trial_ends_at <= ctx.clock.now_ms():
        tenant.trial_ends_at = None  # resuming after a trial ends the trial
    await tenant.save()
    await _announce_to_staff(ctx, tenant, "tenant.resumed_notice")


def _zone(ctx: Context) -> ZoneInfo:
    return ZoneInfo(ctx.config["platform.timezone"])


async def set_trial(ctx: Context, tenant: Tenant, last_day: str | None) -> int | None:
    """The trial runs through ``last_day`` (platform time zone); None ends the trial."""
    if last_day is None:
        tenant.trial_ends_at = None
        await tenant.save()
        return None
    day = parse_date(last_day)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), _zone(ctx))
    ends_at = int(end.timestamp() * 1000)
    if ends_at <= ctx.clock.now_ms():
        raise Refusal("tenant.trial_past", day=day.isoformat())
    tenant.trial_ends_at = ends_at
    await tenant.save()
    await ctx.scheduler.add(TRIAL_END, ends_at, {"tenant": tenant.id, "ends_at": ends_at})
    return ends_at


async def on_trial_end(ctx: Context, timer: Timer) -> None:
    tenant = await Tenant.get(timer.payload["tenant"])
    # A later change of the trial leaves this timer stale: only the current end counts.
    if tenant and tenant.trial_ends_at == timer.payload["ends_at"] and not tenant.suspended:
        await suspend(ctx, tenant, reason="tenant.trial_ended_notice")


async def set_seats(tenant: Tenant, limit: object) -> None:
    if limit is None:
        tenant.seat_limit = None
    else:
        seats = validate.count(limit, low=1, high=10000, what="seats")
        operators = len(await tenant.members(OPERATOR))
        if seats < operators:
            raise Refusal("tenant.seats_below", limit=seats, operators=operators)
        tenant.seat_limit = seats
    await tenant.save()


# The tenant's own settings: the greeting, the queue preview, personal personas, group chat

SETTINGS = ("greeting", "preview", "personas", "group_chat")
MAX_GREETING = 2000


def settings_of(tenant: Tenant) -> dict[str, object]:
    return {
        "greeting": tenant.greeting,
        "preview": tenant.queue_preview,
        "personas": tenant.personal_personas,
        "group_chat": tenant.group_chat,
    }


async def change_settings(ctx: Context, tenant: Tenant, changes: Mapping[str, object]) -> Tenant:
    """``greeting`` (the text a new client is greeted with), ``preview`` (the queue shows a
    case's first message), ``personas`` (operators may answer under a personal persona) and
    ``group_chat`` (members of a group talk with each other in its room; off: a group is an
    audience for notices only, see :mod:`groups`), on/off as a boolean or "on"/"off". Every
    value is checked before anything changes."""
    greeting, preview, personas = tenant.greeting, tenant.queue_preview, tenant.personal_personas
    group_chat = tenant.group_chat
    for key, value in changes.items():
        if key == "greeting":
            greeting = validate.text(value, "greeting", MAX_GREETING)
        elif key == "preview":
            preview = permissions.flag(key, value)
        elif key == "personas":
            personas = permissions.flag(key, value)
        elif key == "group_chat":
            group_chat = permissions.flag(key, value)
        else:
            raise Refusal("perm.bad_key", setting=str(key)[:40], options=", ".join(SETTINGS))
    tenant.greeting, tenant.queue_preview, tenant.personal_personas = greeting, preview, personas
    tenant.group_chat = group_chat
    await tenant.save()
    if "group_chat" in changes:
        # The group rooms follow at once; what the homeserver refuses now is tried again.
        await groups.align_tenant(ctx, tenant)
    return tenant


@dataclass
class IssuedToken:
    id: int
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(ctx: Context, tenant: Tenant, label: str) -> IssuedToken:
    label = validate.name(label, "label")
    token = "sdn_" + secrets.token_urlsafe(32)
    row = await ApiToken.insert(tenant.id, hash_token(token), label, ctx.clock.now_ms())
    return IssuedToken(row.id, token)


async def revoke_token(ctx: Context, tenant: Tenant, token_id: object) -> None:
    number = validate.count(token_id, low=1, high=2**62, what="token id")
    if not await ApiToken.revoke(tenant.id, number, ctx.clock.now_ms()):
        raise not_found("token.unknown", id=number)


@dataclass
class Maintenance:
    starts_at: int
    ends_at: int
    message: str


def _parse_time(ctx: Context, value: object) -> int:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise Refusal("bad.datetime", value=str(value)[:40]) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(ctx))
    return int(moment.timestamp() * 1000)


def _format_time(ctx: Context, ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, _zone(ctx)).strftime("%Y-%m-%d %H:%M")


async def announce_maintenance(
    ctx: Context, starts: object, ends: object, message: object
) -> tuple[Maintenance, int]:
    """Tell every tenant's clients and admins now, and again when the window starts."""
    window = Maintenance(_parse_time(ctx, starts), _parse_time(ctx, ends), "")
    if window.ends_at <= window.starts_at:
        raise Refusal("maintenance.order")
    if window.starts_at <= ctx.clock.now_ms():
        raise Refusal("maintenance.past")
    window.message = validate.text(message, "message", 2000)
    payload = {"starts_at": window.starts_at, "ends_at": window.ends_at, "message": window.message}
    await ctx.scheduler.add(MAINTENANCE_START, window.starts_at, payload)
    rooms = await _notify_maintenance(ctx, payload, "maintenance.ahead")
    return window, rooms


async def on_maintenance_start(ctx: Context, timer: Timer) -> None:
    await _notify_maintenance(ctx, timer.payload, "maintenance.starting", timer_id=timer.id)


async def _notify_maintenance(
    ctx: Context, payload: dict, key: str, timer_id: int | None = None
) -> int:
    start = _format_time(ctx, payload["starts_at"])
    end = _format_time(ctx, payload["ends_at"])
    sent = 0
    for tenant in await Tenant.all():
        lang: Lang = tenant.language
        text = t(lang, key, start=start, end=end, message=payload["message"])
        # It rings: users must know ahead of time, and again when it starts.
        if tenant.admin_room:
            await ctx.bot.alert(tenant.admin_room, text, room=True)
            sent += 1
        desk = ctx.desk(tenant.slug)
        for client in await Client.all(tenant.id):
            if client.room_id:
                # A timer that runs again after a crash sends with the same transaction IDs.
                txn = f"soudan-maint-{timer_id}-{client.id}" if timer_id else None
                await send_alert(desk, client.room_id, text, mention=client.user_id, txn_id=txn)
                sent += 1
    return sent


TIMER_HANDLERS = {TRIAL_END: on_trial_end, MAINTENANCE_START: on_maintenance_start}
