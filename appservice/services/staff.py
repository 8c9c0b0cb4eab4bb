"""A tenant's staff: appointing admins and operators, and removing them.

Removing someone takes away at once every room of the tenant that no role they keep gives them
(the space, the admin, staff and board rooms, their private room, their case rooms), and tells
the features: routing sends the operator's open cases back to the queue, letters and sessions
do their part (``hooks.OPERATOR_LEFT``).

The removal is recorded first, as a timer row, and everything after it can be done again. A
crash or an unreachable homeserver in the middle is finished by that timer (at start, or a
minute later); the same command again finishes it too. Appointing the person again before it
is finished ends the removal."""

from __future__ import annotations

import logging

from mautrix.errors import MatrixError, MatrixRequestError
from mautrix.types import RoomID, UserID

from .. import hooks
from ..accounts import AccountError
from ..context import Context
from ..db import ADMIN, OPERATOR, Case, Room, StaffAccount, Tenant, Timer
from ..i18n import t
from . import validate
from .errors import Refusal, conflict, not_found

log = logging.getLogger("soudan.staff")

STAFF_LEFT = "staff_left"
# A removal that could not be finished at once is tried again this much later.
RETRY_MS = 60_000
# The memberships that still give someone something of a room.
_PRESENT = ("join", "invite", "knock")


async def _check_staff_candidate(ctx: Context, user_id: UserID) -> UserID:
    user_id = validate.user_id(user_id)
    if ctx.config.is_client(user_id) or ctx.is_own_user(user_id):
        raise Refusal("member.not_staff_account", user_id=user_id)
    if user_id.endswith(":" + ctx.config["homeserver.domain"]):
        # The admin API, not the profile: profiles of strangers are closed to everyone.
        try:
            active = await ctx.accounts.is_active(user_id)
        except AccountError as e:
            log.warning("Could not look up %s: %s", user_id, e)
            raise Refusal("accounts.failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR") from e
        if not active:
            raise not_found("member.no_such_user", user_id=user_id)
    return user_id


async def _invite(ctx: Context, room_id: RoomID | None, user_id: UserID) -> None:
    if room_id is None:
        return
    try:
        await ctx.az.intent.invite_user(room_id, user_id)
    except MatrixError as e:
        # Already invited or joined: nothing to do. Anything else is worth a line in the log.
        if "already" not in str(e).lower():
            log.warning("Could not invite %s to %s: %s", user_id, room_id, e)


def _key(tenant: Tenant, user_id: UserID, role: str) -> str:
    return f"{tenant.id} {role} {user_id}"


async def add_admin(ctx: Context, tenant: Tenant, user_id: UserID) -> None:
    user_id = await _check_staff_candidate(ctx, user_id)
    if not await tenant.add_member(user_id, ADMIN, ctx.clock.now_ms()):
        raise conflict("admin.exists", user_id=user_id, tenant=tenant.slug)
    await Timer.cancel(STAFF_LEFT, "key", _key(tenant, user_id, ADMIN), ctx.clock.now_ms())
    await _invite(ctx, tenant.space_room, user_id)
    await _invite(ctx, tenant.admin_room, user_id)
    await _invite(ctx, tenant.board_room, user_id)  # admins moderate the board


async def check_seats(tenant: Tenant) -> None:
    """Refuses another operator once the tenant's seats are taken."""
    operators = await tenant.members(OPERATOR)
    if tenant.seat_limit is not None and len(operators) >= tenant.seat_limit:
        raise Refusal(
            "operator.seat_limit", status=403, errcode="M_FORBIDDEN", limit=tenant.seat_limit
        )


async def add_operator(ctx: Context, tenant: Tenant, user_id: UserID) -> None:
    user_id = await _check_staff_candidate(ctx, user_id)
    if await tenant.has_member(user_id, OPERATOR):
        raise conflict("operator.exists", user_id=user_id)
    await check_seats(tenant)
    await tenant.add_member(user_id, OPERATOR, ctx.clock.now_ms())
    await Timer.cancel(STAFF_LEFT, "key", _key(tenant, user_id, OPERATOR), ctx.clock.now_ms())
    await _invite(ctx, tenant.space_room, user_id)
    await _invite(ctx, tenant.staff_room, user_id)
    await _invite(ctx, tenant.board_room, user_id)
    for room_id in await Room.of_user(tenant.id, user_id):
        await _invite(ctx, room_id, user_id)  # an operator appointed again: their notices


async def who(tenant: Tenant, ref: object) -> UserID:
    """A staff member by Matrix ID, or by the nickname of an account soudan created."""
    if isinstance(ref, str) and ref.strip() and not ref.strip().startswith("@"):
        account = await StaffAccount.get_by_nickname(tenant.id, ref.strip())
        if account is None:
            raise not_found("staff.unknown", nickname=ref.strip()[:64])
        return account.user_id
    return validate.user_id(ref)


async def remove_admin(ctx: Context, tenant: Tenant, ref: object) -> bool:
    """The admin leaves the tenant's admin room, and its space and board room unless they are
    an operator too; an account soudan created for them is deactivated once they have no role
    left. False: recorded, but the rooms are left within a minute, not yet."""
    user_id = await who(tenant, ref)
    finished = await _remove(ctx, tenant, user_id, ADMIN)
    if finished is None:
        raise not_found("admin.unknown", user_id=user_id, tenant=tenant.slug)
    return finished


async def remove_operator(ctx: Context, tenant: Tenant, ref: object) -> bool:
    """The operator leaves every room of the tenant (case rooms and their private room
    included) that being an admin does not give them; their open cases go back to routing.
    An account soudan created for them is deactivated once they have no role left.
    False: recorded, but the rooms are left within a minute, not yet."""
    user_id = await who(tenant, ref)
    finished = await _remove(ctx, tenant, user_id, OPERATOR)
    if finished is None:
        raise not_found("operator.unknown", user_id=user_id)
    return finished


async def _remove(ctx: Context, tenant: Tenant, user_id: UserID, role: str) -> bool | None:
    """None: the user has no such role, and no removal of it is under way."""
    key = _key(tenant, user_id, role)
    under_way = any(timer.payload.get("key") == key for timer in await Timer.pending(STAFF_LEFT))
    if not under_way:
        if not await tenant.has_member(user_id, role):
            return None
        payload = {"key": key, "tenant": tenant.id, "user": user_id, "role": role}
        await ctx.scheduler.add(STAFF_LEFT, ctx.clock.now_ms() + RETRY_MS, payload)
    await tenant.remove_member(user_id, role)
    log.info("Removing %s as %s of tenant %s", user_id, role, tenant.slug)
    try:
        await _depart(ctx, tenant, user_id, role)
    except Exception:
        log.warning(
            "Removing %s from tenant %s: finished later", user_id, tenant.slug, exc_info=True
        )
        return False
    await Timer.cancel(STAFF_LEFT, "key", key, ctx.clock.now_ms())
    return True


async def on_staff_left(ctx: Context, timer: Timer) -> None:
    """Finishes a removal a crash or the homeserver interrupted; again later if it fails."""
    tenant = await Tenant.get(timer.payload["tenant"])
    if tenant is None:
        return
    user_id, role = UserID(timer.payload["user"]), str(timer.payload["role"])
    try:
        await tenant.remove_member(user_id, role)  # the crash may have come before this
        await _depart(ctx, tenant, user_id, role)
    except Exception:
        log.warning(
            "Removing %s from tenant %s: trying again", user_id, tenant.slug, exc_info=True
        )
        await ctx.scheduler.add(STAFF_LEFT, ctx.clock.now_ms() + RETRY_MS, timer.payload)


async def _depart(ctx: Context, tenant: Tenant, user_id: UserID, role: str) -> None:
    roles = [r for r in (ADMIN, OPERATOR) if await tenant.has_member(user_id, r)]
    kept = await _rooms_given(tenant, user_id, roles)
    reason = t(tenant.language, "staff.left_reason")
    for room_id in sorted(await _rooms_held(ctx, tenant, user_id) - kept):
        await _kick(ctx, room_id, user_id, reason)
    if role == OPERATOR and OPERATOR not in roles:
        await ctx.hooks.run(hooks.OPERATOR_LEFT, ctx, tenant, user_id)
    await _end_created_account(ctx, user_id)


async def _end_created_account(ctx: Context, user_id: UserID) -> None:
    """An account soudan created ends with the person's last role, in any tenant. One that
    was appointed is the person's own and stays."""
    account = await StaffAccount.get(user_id)
    if account is None or account.deactivated_at is not None:
        return
    if await Tenant.roles_of(user_id):
        return
    await ctx.accounts.deactivate(user_id)
    await account.mark_deactivated(ctx.clock.now_ms())
    log.info("Deactivated the staff account %s soudan had created", user_id)


async def _rooms_given(tenant: Tenant, user_id: UserID, roles: list[str]) -> set[RoomID]:
    """The rooms of the tenant that these roles give the user."""
    rooms: set[RoomID | None] = set()
    if ADMIN in roles:
        rooms |= {tenant.space_room, tenant.admin_room, tenant.board_room}
    if OPERATOR in roles:
        rooms |= {tenant.space_room, tenant.staff_room, tenant.board_room}
        rooms |= set(await Room.of_user(tenant.id, user_id))
        cases = await Case.of_operator(tenant.id, user_id)
        rooms |= {case.case_room for case in cases if case.operator_id == user_id}
    return {room for room in rooms if room is not None}


async def _rooms_held(ctx: Context, tenant: Tenant, user_id: UserID) -> set[RoomID]:
    """The rooms of the tenant the user is in, invited to or knocking at. The homeserver
    knows best (a room soudan lost track of is found too); when it cannot say, every room
    a role could have given them."""
    possible = await _rooms_given(tenant, user_id, [ADMIN, OPERATOR])
    try:
        memberships = await ctx.accounts.memberships(user_id)
    except AccountError as e:
        log.warning("The homeserver did not list the rooms of %s: %s", user_id, e)
        return possible
    held = set()
    for room_id, membership in memberships.items():
        if membership not in _PRESENT:
            continue
        if room_id in possible:
            held.add(room_id)
            continue
        room = await Room.get(room_id)
        if room is not None and room.tenant_id == tenant.id:
            held.add(room_id)
    return held


async def _kick(ctx: Context, room_id: RoomID, user_id: UserID, reason: str) -> None:
    try:
        await ctx.az.intent.kick_user(room_id, user_id, reason)
    except MatrixRequestError as e:
        if e.http_status >= 500:
            raise
        # Gone already: there is nothing left to take away.
        log.debug("Could not remove %s from %s: %s", user_id, room_id, e)


TIMER_HANDLERS = {STAFF_LEFT: on_staff_left}
