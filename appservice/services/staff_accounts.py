"""Accounts for staff: soudan creates an admin's or an operator's account, as it does clients'.

The platform creates a tenant's first admin account; a tenant admin creates operator accounts.
Each has a nickname (its display name), a user ID chosen as the platform configures
(``staff.localpart``: random, or from the tenant and the nickname) under a prefix of its own,
and a random password that is shown once and never kept. The account is put in the rooms its
role gives, so they are open at its first login. soudan records which accounts it created:
only those are deactivated when their last role is taken away (``staff``)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from mautrix.types import RoomID, UserID

from ..accounts import AccountError, LocalpartTaken
from ..context import Context
from ..db import ADMIN, OPERATOR, StaffAccount, Tenant
from . import staff, validate
from .errors import Refusal, conflict

log = logging.getLogger("soudan.staff")

_NICKNAME_ID = re.compile(r"[a-z0-9._=\-]+")


@dataclass
class NewStaffAccount:
    user_id: UserID
    nickname: str
    password: str


def localpart_for(prefix: str, slug: str, nickname: str) -> str:
    """The localpart of a nickname-based staff ID: ``<prefix><slug>.<nickname>``, lowercase.
    The tenant's slug keeps the same nickname in two tenants apart."""
    wanted = nickname.lower()
    if not _NICKNAME_ID.fullmatch(wanted):
        raise Refusal("staff.nickname_not_id", nickname=nickname)
    return f"{prefix}{slug}.{wanted}"


def _refusal(e: AccountError) -> Refusal:
    log.warning("Staff account operation failed: %s", e)
    if e.forbidden:
        return Refusal("accounts.bot_not_admin", status=503, errcode="SOUDAN_NOT_SERVER_ADMIN")
    return Refusal("accounts.failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR")


async def create_admin(ctx: Context, tenant: Tenant, nickname: object) -> NewStaffAccount:
    """A new account, an admin of the tenant; the password is returned once."""
    return await _create(ctx, tenant, nickname, ADMIN)


async def create_operator(ctx: Context, tenant: Tenant, nickname: object) -> NewStaffAccount:
    """A new account, an operator of the tenant (a seat must be free); the password is
    returned once."""
    return await _create(ctx, tenant, nickname, OPERATOR)


async def _create(ctx: Context, tenant: Tenant, nickname: object, role: str) -> NewStaffAccount:
    nickname = validate.name(nickname, "nickname")
    if await StaffAccount.get_by_nickname(tenant.id, nickname):
        raise conflict("staff.exists", nickname=nickname)
    if role == OPERATOR:
        await staff.check_seats(tenant)
    prefix = ctx.config["staff.localpart_prefix"]
    localpart = None
    if ctx.config["staff.localpart"] == "nickname":
        localpart = localpart_for(prefix, tenant.slug, nickname)
    try:
        user_id, password = await ctx.accounts.create(nickname, prefix=prefix, localpart=localpart)
    except LocalpartTaken as e:
        raise conflict("staff.id_taken", user_id=e.user_id) from e
    except AccountError as e:
        raise _refusal(e) from e
    account = await StaffAccount.insert(user_id, tenant.id, nickname, role, ctx.clock.now_ms())
    try:
        if role == ADMIN:
            await staff.add_admin(ctx, tenant, user_id)
        else:
            await staff.add_operator(ctx, tenant, user_id)
    except Refusal:
        # Nothing may be left of a refused creation: not the account, not its row.
        await _undo(ctx, account)
        raise
    log.info("Created %s account %s for tenant %s", role, user_id, tenant.slug)
    await _open_rooms(ctx, tenant, user_id, role)
    return NewStaffAccount(user_id, nickname, password)


async def _undo(ctx: Context, account: StaffAccount) -> None:
    await account.delete()
    try:
        await ctx.accounts.deactivate(account.user_id)
    except AccountError as e:
        log.error(
            "Could not deactivate %s after a refusal (do it by hand): %s", account.user_id, e
        )


async def _open_rooms(ctx: Context, tenant: Tenant, user_id: UserID, role: str) -> None:
    """Join the new account to its rooms; where the homeserver will not, the invites wait."""
    own = tenant.admin_room if role == ADMIN else tenant.staff_room
    rooms = [RoomID(r) for r in (tenant.space_room, own, tenant.board_room) if r is not None]
    try:
        await ctx.accounts.join(user_id, *rooms)
    except AccountError as e:
        log.warning("Could not open the rooms of the new account %s: %s", user_id, e)


async def created_accounts(tenant: Tenant) -> list[StaffAccount]:
    """The accounts soudan created for the tenant (deactivated ones too)."""
    return await StaffAccount.of_tenant(tenant.id)
