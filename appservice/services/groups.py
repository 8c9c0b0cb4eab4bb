"""Group rooms by the tenant's setting.

With group chat on (the club preset) a group has a room where its members talk and see each
other's nicknames. With it off (counseling, workplace) clients never meet: a group has no room
with clients in it, and a notice to the group reaches each member in their own desk room. A
room left from a time the setting was on keeps its history, holds no client, and lets nobody
but the desk write in it (events_default above clients), so the homeserver itself refuses a
client's message there.

Every group remembers what its room was last brought to (``room_mode``); whatever does not
match the tenant's setting (after a change, a migration, a failed homeserver call) is brought
in line by :func:`align_tenant`, which is idempotent, run at a change and by a timer at start.
"""

from __future__ import annotations

import asyncio
import logging

from mautrix.types import Membership, MemberStateEventContent, RoomID, UserID

from ..bot import send_alert
from ..context import Context
from ..db import Client, Group, Room, Tenant, Timer
from ..db import room as room_kinds
from ..i18n import t
from ..rooms import create_room

log = logging.getLogger("soudan.groups")

CHAT_BY_DEFAULT = ("club",)
CHAT = "chat"
NOTICES = "notices"
# Clients are at level 0: above it, only the desk (the room's creator) writes, reacts or redacts.
READ_ONLY_LEVEL = 50
ALIGN = "group_rooms"
RETRY_MS = 60_000

_locks: dict[int, asyncio.Lock] = {}


def mode_of(tenant: Tenant) -> str:
    return CHAT if tenant.group_chat else NOTICES


async def align_tenant(ctx: Context, tenant: Tenant) -> int:
    changed = failed = 0
    async with _locks.setdefault(tenant.id, asyncio.Lock()):
        fresh = await Tenant.get(tenant.id)
        if fresh is None:
            return 0
        for group in await Group.all(fresh.id):
            if group.room_mode == mode_of(fresh):
                continue
            if await _align(ctx, fresh, group):
                changed += 1
            else:
                failed += 1
    if failed:
        await ctx.scheduler.add(ALIGN, ctx.clock.now_ms() + RETRY_MS, {"tenant": tenant.id})
    return changed


async def schedule_alignment(ctx: Context) -> None:
    """At start: a timer for every tenant with a group room out of line (after a migration,
    or a change the homeserver did not take before soudan stopped)."""
    pending = {timer.payload.get("tenant") for timer in await Timer.pending(ALIGN)}
    for tenant_id in await Group.tenants_out_of_line():
        if tenant_id not in pending:
            await ctx.scheduler.add(ALIGN, ctx.clock.now_ms(), {"tenant": tenant_id})


async def on_align(ctx: Context, timer: Timer) -> None:
    tenant = await Tenant.get(timer.payload["tenant"])
    if tenant is not None:
        await align_tenant(ctx, tenant)


async def _align(ctx: Context, tenant: Tenant, group: Group) -> bool:
    want = mode_of(tenant)
    try:
        if want == CHAT:
            await _open_for_chat(ctx, tenant, group)
        elif group.room_id:
            await _close_to_clients(ctx, tenant, group.room_id)
    except Exception as e:  # the homeserver refused or is away: the timer tries again
        log.warning("Group room of group %s not brought to %s yet: %s", group.id, want, e)
        return False
    group.room_mode = want
    await group.save()
    return True


async def _open_for_chat(ctx: Context, tenant: Tenant, group: Group) -> None:
    if not group.room_id:
        group.room_id = await new_room(ctx, tenant, group.name)
        await group.save()
        await Room.add(group.room_id, room_kinds.GROUP, tenant.id, group_id=group.id)
    else:
        await _set_write_level(ctx, tenant, group.room_id, 0)
    present = await _clients_in(ctx, tenant, group.room_id)
    for client in await group.members():
        if client.user_id not in present:
            await join(ctx, tenant, group.room_id, client)


async def _close_to_clients(ctx: Context, tenant: Tenant, room_id: RoomID) -> None:
    await _set_write_level(ctx, tenant, room_id, READ_ONLY_LEVEL)
    desk = ctx.desk(tenant.slug)
    reason = t(tenant.language, "group.removed_notices_only")
    for user_id in await _clients_in(ctx, tenant, room_id):
        await desk.kick_user(room_id, user_id, reason=reason)


async def _set_write_level(ctx: Context, tenant: Tenant, room_id: RoomID, level: int) -> None:
    desk = ctx.desk(tenant.slug)
    levels = await desk.get_power_levels(room_id, ignore_cache=True)
    if levels.events_default != level:
        levels.events_default = level
        await desk.set_power_levels(room_id, levels)


async def _clients_in(ctx: Context, tenant: Tenant, room_id: RoomID) -> set[UserID]:
    """Everyone but soudan's own users who is joined to or invited into the room."""
    members = await ctx.desk(tenant.slug).get_members(room_id)
    return {
        UserID(member.state_key)
        for member in members
        if isinstance(member.content, MemberStateEventContent)
        and member.content.membership in (Membership.JOIN, Membership.INVITE)
        and not ctx.is_own_user(UserID(member.state_key))
    }


async def new_room(ctx: Context, tenant: Tenant, name: str) -> RoomID:
    # The desk ghost owns group rooms, so members see the tenant, not a bot.
    return await create_room(
        ctx.desk(tenant.slug),
        name=name,
        topic=t(tenant.language, "group.room_topic", tenant=tenant.name),
        invitees=[],
        federate=False,
    )


async def join(ctx: Context, tenant: Tenant, room_id: RoomID, client: Client) -> None:
    await ctx.desk(tenant.slug).invite_user(room_id, client.user_id)
    await ctx.accounts.join(client.user_id, room_id)


async def admit(ctx: Context, tenant: Tenant, group: Group, client: Client) -> None:
    """A new member of the group: into its room, joined for them, where members talk there.
    Elsewhere the member has no group room at all. Raises the homeserver's refusal."""
    async with _locks.setdefault(tenant.id, asyncio.Lock()):
        fresh = await Group.get(tenant.id, group.name)
        if tenant.group_chat and fresh and fresh.room_id and fresh.room_mode == CHAT:
            await join(ctx, tenant, fresh.room_id, client)


async def send_to_group(ctx: Context, tenant: Tenant, group: Group, body: str) -> int:
    """A notice to a group: in its room where members talk there (for everyone in it), else in
    each member's own desk room (for them). It rings: a broadcast is meant to reach people.
    Returns how many members it was sent for."""
    desk = ctx.desk(tenant.slug)
    members = await group.members()
    if tenant.group_chat:
        if not group.room_id:
            return 0
        await send_alert(desk, group.room_id, body, room=True)
        return len(members)
    sent = 0
    for client in members:
        if client.room_id:
            await send_alert(desk, client.room_id, body, mention=client.user_id)
            sent += 1
    return sent


TIMER_HANDLERS = {ALIGN: on_align}
