"""The board's rooms: the operators' room of a tenant, each client's own board room and the
ghost that owns it, and the tenant's board settings."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from mautrix.appservice import IntentAPI
from mautrix.types import RoomID, UserID

from ...bot import send_notice
from ...context import Context
from ...db import ADMIN, OPERATOR, Client, Room, Tenant
from ...db import room as room_kinds
from ...i18n import t
from ...rooms import create_room, link_to_space
from .. import permissions, validate
from ..errors import Refusal, forbidden

MAX_LENGTH = 20000
MAX_DAILY = 1000
ON_BY_DEFAULT = ("counseling", "club")
_room_locks: dict[int, asyncio.Lock] = {}


def label(number: int) -> str:
    """How a topic is named everywhere: T-0042."""
    return f"T-{number:04d}"


def board_ghost(ctx: Context, tenant: Tenant) -> IntentAPI:
    """The ghost that owns every client's board room of the tenant and answers commands there."""
    return ctx.az.intent.user(UserID(ctx.config.ghost_mxid(f"board_{tenant.slug}")))


def settings_of(tenant: Tenant) -> dict[str, Any]:
    return {
        "enabled": tenant.board,
        "length": tenant.board_max_chars,
        "daily": tenant.board_daily_topics,
        "room": tenant.board_room,
    }


async def change_settings(ctx: Context, tenant: Tenant, changes: Mapping[str, object]) -> Tenant:
    """``enabled`` (on/off), ``length`` (characters per topic or answer), ``daily`` (new topics
    per client and day). Every value is checked before anything changes."""
    enabled, length, daily = tenant.board, tenant.board_max_chars, tenant.board_daily_topics
    for key, value in changes.items():
        if key == "enabled":
            enabled = permissions.flag(key, value)
        elif key == "length":
            length = validate.count(value, low=1, high=MAX_LENGTH, what="length")
        elif key == "daily":
            daily = validate.count(value, low=1, high=MAX_DAILY, what="daily")
        else:
            raise Refusal("perm.bad_key", setting=str(key)[:40], options="enabled, length, daily")
    tenant.board, tenant.board_max_chars, tenant.board_daily_topics = enabled, length, daily
    await tenant.save()
    if enabled:
        await ensure_board_room(ctx, tenant)
    return tenant


async def ensure_board_room(ctx: Context, tenant: Tenant) -> RoomID:
    """The tenant's board room for operators (and admins, who moderate), made on first use."""
    if tenant.board_room:
        return tenant.board_room
    async with _room_locks.setdefault(tenant.id, asyncio.Lock()):
        fresh = await Tenant.get(tenant.id)
        if fresh and fresh.board_room:
            tenant.board_room = fresh.board_room
            return fresh.board_room
        lang = tenant.language
        staff = await tenant.members(OPERATOR) + await tenant.members(ADMIN)
        room_id = await create_room(
            ctx.az.intent,
            name=t(lang, "board.room_name", name=tenant.name),
            topic=t(lang, "board.room_topic"),
            invitees=list(dict.fromkeys(staff)),
            history="shared",  # an operator who joins later can still answer older topics
        )
        tenant.board_room = room_id
        await tenant.save()
        await Room.add(room_id, room_kinds.BOARD, tenant.id)
        if tenant.space_room:
            await link_to_space(
                ctx.az.intent, ctx.config["homeserver.domain"], tenant.space_room, room_id
            )
        await ctx.bot.notice(room_id, t(lang, "board.room_welcome"))
        return room_id


async def open_for_client(ctx: Context, tenant: Tenant, client: Client) -> RoomID:
    """The client's own board room, made on first use and joined for them."""
    if not tenant.board:
        raise forbidden("board.off")
    if client.board_room:
        return client.board_room
    lang = tenant.language
    ghost = board_ghost(ctx, tenant)
    await ghost.ensure_registered()
    await ghost.set_displayname(t(lang, "board.ghost_name", name=tenant.name))
    room_id = await create_room(
        ghost,
        name=t(lang, "board.client_room_name", name=tenant.name),
        topic=t(lang, "board.client_room_topic"),
        invitees=[client.user_id],
        federate=False,
    )
    await client.set_board_room(room_id)
    await Room.add(room_id, room_kinds.CLIENT_BOARD, tenant.id, client_id=client.id)
    await send_notice(
        ghost, room_id, t(lang, "board.client_welcome", length=tenant.board_max_chars)
    )
    await ctx.accounts.join(client.user_id, room_id)
    return room_id
