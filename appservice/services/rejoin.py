"""A client who leaves their desk room or their board room is brought back.

Those rooms are the client's only way to the desk and the board, and a client cannot join
them again on their own (the guard lets clients join only rooms soudan invites them to). So
when the client leaves one, the room's owner (the desk ghost or the board ghost) invites them
again, soudan joins them for them and tells them nothing is lost. A timer row, due a minute
later, tries again if anything failed (the homeserver unreachable, soudan stopped), every
minute until the client is back or their account is gone.
"""

from __future__ import annotations

import logging
from typing import Any

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError
from mautrix.types import EventType, Membership, RoomID, UserID

from ..accounts import AccountError
from ..bot import send_notice
from ..context import Context
from ..db import Client, Room, Tenant, Timer
from ..db import room as room_kinds
from ..i18n import t
from .board import board_ghost

log = logging.getLogger("soudan.rejoin")

REJOIN = "client_rejoin"
RETRY_MS = 60_000
# The rooms a client must never be without, and what they are told on coming back.
NOTICES = {room_kinds.DESK: "client.rejoined", room_kinds.CLIENT_BOARD: "board.client_rejoined"}


async def _find(room_id: RoomID) -> tuple[Room, Client, Tenant] | None:
    room = await Room.get(room_id)
    if room is None or room.kind not in NOTICES or room.client_id is None:
        return None
    client = await Client.get(room.client_id)
    tenant = await Tenant.get(room.tenant_id) if room.tenant_id is not None else None
    if client is None or client.removed or tenant is None:
        return None  # the client was removed, or their tenant deleted: nobody to bring back
    return room, client, tenant


async def client_left(ctx: Context, room_id: RoomID, user_id: UserID) -> None:
    """The client left a room by their own hand; if it is one of their rooms, bring them back."""
    found = await _find(room_id)
    if found is None or found[1].user_id != user_id:
        return
    # The retry is written first, so that a failure or a stop right now still ends with the
    # client back in the room.
    await ctx.scheduler.add(
        REJOIN, ctx.clock.now_ms() + RETRY_MS, {"room_id": room_id, "user_id": user_id}
    )
    await _try(ctx, room_id, user_id)


async def _try(ctx: Context, room_id: RoomID, user_id: UserID) -> None:
    try:
        done = await bring_back(ctx, room_id, user_id)
    except (AccountError, MatrixError) as e:
        log.warning("Could not bring a client back into %s yet: %s", room_id, e)
        return
    if done:
        await Timer.cancel(REJOIN, "room_id", room_id, ctx.clock.now_ms())


async def _is_member(intent: IntentAPI, room_id: RoomID, user_id: UserID) -> bool:
    try:
        member = await intent.get_state_event(room_id, EventType.ROOM_MEMBER, user_id)
    except MatrixError:
        return False
    return member.get("membership") == Membership.JOIN


async def bring_back(ctx: Context, room_id: RoomID, user_id: UserID) -> bool:
    """Invite and join the client again; True when nothing is left to do."""
    found = await _find(room_id)
    if found is None or found[1].user_id != user_id:
        return True
    room, client, tenant = found
    owner = ctx.desk(tenant.slug) if room.kind == room_kinds.DESK else board_ghost(ctx, tenant)
    if await _is_member(owner, room_id, user_id):
        return True
    if not await ctx.accounts.is_active(user_id):
        return True  # a removed account leaves its rooms too; it stays out
    # Everything said in the room while the client was out must be theirs to read when they
    # come back, not only what follows the new invite. Only the client and the room's ghost
    # were ever members, so this shows nothing the client could not already see.
    visibility = await owner.get_state_event(room_id, EventType.ROOM_HISTORY_VISIBILITY)
    if visibility.get("history_visibility") != "shared":
        shared: dict[str, Any] = {"history_visibility": "shared"}
        await owner.send_state_event(room_id, EventType.ROOM_HISTORY_VISIBILITY, shared)
    try:
        await owner.invite_user(room_id, user_id)
    except MatrixError as e:
        if "already" not in str(e).lower():
            raise
    await ctx.accounts.join(user_id, room_id)
    await send_notice(owner, room_id, t(tenant.language, NOTICES[room.kind]))
    log.info("Brought client %s back into their %s room", client.id, room.kind)
    return True


async def on_rejoin_timer(ctx: Context, timer: Timer) -> None:
    room_id, user_id = RoomID(timer.payload["room_id"]), UserID(timer.payload["user_id"])
    try:
        done = await bring_back(ctx, room_id, user_id)
    except (AccountError, MatrixError) as e:
        log.warning("Could not bring a client back into %s yet: %s", room_id, e)
        done = False
    if not done:
        await ctx.scheduler.add(REJOIN, ctx.clock.now_ms() + RETRY_MS, timer.payload)


TIMER_HANDLERS: dict[str, Any] = {REJOIN: on_rejoin_timer}
