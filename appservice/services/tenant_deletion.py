"""Deleting a tenant: platform only, and confirmed.

The tenant's records go to the control room as files first (the case history as CSV and XLSX,
every statement as PDF, XLSX and CSV); only then is it marked deleted, which stops everything
at once: its rooms' events are ignored, its timers are cancelled and no look-up finds it. The
accounts soudan made for it are deactivated and soudan's own users (the bot and the ghosts)
leave its rooms; what the homeserver refuses is tried again by a timer until it is done.

The tenant's rows stay, with its records, and its slug is never given to another tenant.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mautrix.errors import MatrixError
from mautrix.types import RoomID, UserID

from ..accounts import AccountError
from ..bot import txn_for
from ..context import Context
from ..db import Client, Room, StaffAccount, Tenant, Timer
from . import history, statements
from .errors import Refusal
from .tenants import get_tenant

log = logging.getLogger("soudan.tenants")

CONFIRM_MS = 10 * 60_000
CLEANUP = "tenant_cleanup"
RETRY_MS = 5 * 60_000
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

AccountSource = Callable[[Tenant], Awaitable[list[UserID]]]


async def client_accounts(tenant: Tenant) -> list[UserID]:
    return await Client.user_ids_ever(tenant.id)


async def staff_accounts(tenant: Tenant) -> list[UserID]:
    """The admin and operator accounts soudan created for the tenant, but for those that hold
    a role in another tenant still there: their account ends with their last role."""
    ended = []
    for account in await StaffAccount.of_tenant(tenant.id):
        others = [tid for tid, _ in await Tenant.roles_of(account.user_id)]
        if not [tid for tid in others if tid != tenant.id and await Tenant.get(tid)]:
            ended.append(account.user_id)
    return ended


# Where the accounts soudan made for a tenant are recorded. Every kind of account soudan
# makes for a tenant adds its source here, and a deletion ends them all.
ACCOUNT_SOURCES: list[AccountSource] = [client_accounts, staff_accounts]


@dataclass
class Request:
    tenant: Tenant
    code: str
    until: int


@dataclass
class Deletion:
    tenant: Tenant
    files: list[str] = field(default_factory=list)
    accounts: int = 0  # accounts deactivated
    rooms: int = 0  # rooms soudan's users left
    failures: int = 0  # steps the homeserver refused, tried again later

    @property
    def complete(self) -> bool:
        return self.failures == 0


async def request(ctx: Context, slug: object) -> Request:
    """The code a platform admin repeats, within ten minutes, to delete the tenant; a new
    request replaces the code asked for before."""
    tenant = await get_tenant(str(slug))
    code = "CONFIRM-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
    until = ctx.clock.now_ms() + CONFIRM_MS
    await tenant.set_deletion_code(code, until)
    return Request(tenant, code, until)


async def confirm(ctx: Context, slug: object, code: object) -> Deletion:
    """Deletes the tenant if ``code`` is the one its last request gave and it still holds."""
    tenant = await get_tenant(str(slug))
    held = await tenant.deletion_code()
    if held is None or held[1] <= ctx.clock.now_ms():
        raise Refusal("tenant.delete_no_code", slug=tenant.slug)
    given = str(code).strip().upper()
    if not hmac.compare_digest(held[0].encode(), given.encode()):
        raise Refusal("tenant.delete_bad_code", slug=tenant.slug, code=given[:20])
    return await delete(ctx, tenant)


async def delete_confirmed(ctx: Context, tenant: Tenant, given: object) -> Deletion:
    """The API's one step: ``given`` must be the tenant's slug, written out."""
    if given != tenant.slug:
        raise Refusal("tenant.delete_confirm", slug=tenant.slug, errcode="SOUDAN_NOT_CONFIRMED")
    return await delete(ctx, tenant)


async def export(ctx: Context, tenant: Tenant, room: RoomID) -> list[str]:
    """The tenant's records as files in ``room``; their names."""
    now = ctx.clock.now_ms()
    why = f"tenant-deleted-{tenant.id}"
    names = []
    for kind in history.FORMATS:
        found = await history.export(tenant, kind, {}, None, now)
        txn = txn_for(f"{why}\0{found.name}", "deletion-export")
        await ctx.bot.send_file(room, found.data, found.name, found.mime, txn_id=txn)
        names.append(found.name)
    for statement in await statements.visible(tenant, None, None):
        for kind in statements.FORMATS:
            found = await statements.render(tenant, statement, kind)
            txn = txn_for(f"{why}\0{statement.id}\0{kind}", "deletion-export")
            await ctx.bot.send_file(room, found.data, found.name, found.mime, txn_id=txn)
            names.append(found.name)
    return names


async def delete(ctx: Context, tenant: Tenant) -> Deletion:
    room = await ctx.bot.ensure_control_room()
    try:
        files = await export(ctx, tenant, room)
    except MatrixError as e:
        # Nothing is deleted before its records are safe.
        log.warning("Could not export the records of tenant %s: %s", tenant.slug, e)
        raise Refusal(
            "tenant.delete_export_failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR"
        ) from e
    now = ctx.clock.now_ms()
    await tenant.mark_deleted(now)
    await Client.remove_all(tenant.id, now)
    cancelled = await Timer.cancel_for_tenant(tenant.id, now)
    log.info("Deleted tenant %s; %d timers cancelled", tenant.slug, cancelled)
    # Written before the work, so that a stop in the middle of it still ends with it done.
    await ctx.scheduler.add(CLEANUP, now + RETRY_MS, {"tenant": tenant.id})
    done = await clean_up(ctx, tenant)
    done.files = files
    if done.complete:
        await Timer.cancel(CLEANUP, "tenant", tenant.id, ctx.clock.now_ms())
    return done


async def clean_up(ctx: Context, tenant: Tenant) -> Deletion:
    """Deactivate the accounts soudan made for the deleted tenant, and take soudan's users
    out of its rooms. Done again, it does only what is left."""
    done = Deletion(tenant)
    for source in ACCOUNT_SOURCES:
        for user_id in await source(tenant):
            try:
                if await ctx.accounts.is_active(user_id):
                    await ctx.accounts.deactivate(user_id)
                    done.accounts += 1
            except AccountError as e:
                log.warning("Deleting tenant %s: %s", tenant.slug, e)
                done.failures += 1
    for room_id in await Room.of_tenant(tenant.id):
        try:
            members = await ctx.accounts.room_members(room_id)
        except AccountError as e:
            log.warning("Deleting tenant %s: %s", tenant.slug, e)
            done.failures += 1
            continue
        # The ghosts first, the bot last: it made the room and holds its power.
        own = sorted(
            (m for m in members if ctx.is_own_user(m)), key=lambda m: m == ctx.az.bot_mxid
        )
        for member in own:
            intent = ctx.az.intent if member == ctx.az.bot_mxid else ctx.az.intent.user(member)
            try:
                await intent.leave_room(room_id)
                done.rooms += 1
            except MatrixError as e:
                log.warning(
                    "Deleting tenant %s: %s could not leave a room: %s", tenant.slug, member, e
                )
                done.failures += 1
    return done


async def on_cleanup(ctx: Context, timer: Timer) -> None:
    """What a deletion left undone (the homeserver refused, or soudan stopped), again."""
    tenant = await Tenant.get_any(timer.payload["tenant"])
    if tenant is None or not tenant.deleted:
        return
    done = await clean_up(ctx, tenant)
    if not done.complete:
        await ctx.scheduler.add(CLEANUP, ctx.clock.now_ms() + RETRY_MS, {"tenant": tenant.id})


TIMER_HANDLERS: dict[str, Any] = {CLEANUP: on_cleanup}
