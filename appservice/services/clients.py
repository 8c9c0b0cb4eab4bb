"""Tenant admin operations on clients: accounts, vouchers, groups and notices."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from mautrix.errors import MatrixError
from mautrix.types import RoomID, UserID

from .. import caseroom, hooks
from ..accounts import AccountError
from ..bot import send_alert, send_notice
from ..context import Context
from ..db import Case, Client, Group, Room, Tenant
from ..db import room as room_kinds
from ..i18n import t
from ..rooms import create_room
from . import groups, shown_once, validate
from .errors import Refusal, conflict, forbidden, not_found

log = logging.getLogger("soudan.clients")

MAX_VOUCHERS = 200


@dataclass
class NewAccount:
    client: Client
    password: str


def _account_refusal(e: AccountError) -> Refusal:
    log.warning("Account operation failed: %s", e)
    if e.forbidden:
        return Refusal("accounts.bot_not_admin", status=503, errcode="SOUDAN_NOT_SERVER_ADMIN")
    return Refusal("accounts.failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR")


async def find_client(tenant: Tenant, ref: object) -> Client:
    """A client by nickname, or by Matrix ID (vouchers have no nickname)."""
    if not isinstance(ref, str) or not ref.strip():
        raise Refusal("bad.name_empty", what="client")
    ref = ref.strip()
    client = (
        await Client.get_by_user(UserID(ref))
        if ref.startswith("@")
        else await Client.get_by_nickname(tenant.id, ref)
    )
    if client is None or client.tenant_id != tenant.id:
        raise not_found("client.unknown", client=ref[:64])
    return client


async def find_group(tenant: Tenant, name: object) -> Group:
    group = await Group.get(tenant.id, name) if isinstance(name, str) else None
    if group is None:
        raise not_found("group.unknown", group=str(name)[:64])
    return group


async def _open_client_room(ctx: Context, tenant: Tenant, client: Client) -> None:
    desk = ctx.desk(tenant.slug)
    room_id = await create_room(
        desk,
        name=tenant.name,
        topic=t(tenant.language, "client.room_topic"),
        invitees=[client.user_id],
        federate=False,
    )
    await client.set_room(room_id)
    await Room.add(room_id, room_kinds.DESK, tenant.id, client_id=client.id)
    await send_notice(desk, room_id, t(tenant.language, f"client.welcome.{tenant.preset}"))
    await ctx.accounts.join(client.user_id, room_id)


async def _new_account(ctx: Context, tenant: Tenant, nickname: str | None) -> NewAccount:
    try:
        user_id, password = await ctx.accounts.create(nickname)
    except AccountError as e:
        raise _account_refusal(e) from e
    client = await Client.insert(tenant.id, user_id, nickname, ctx.clock.now_ms())
    try:
        await _open_client_room(ctx, tenant, client)
    except (AccountError, MatrixError) as e:
        # The account exists: keep the row so the admin can remove it, and say what failed.
        log.warning("Client room for %s could not be set up: %s", client.id, e)
        raise Refusal("client.room_failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR") from e
    return NewAccount(client, password)


async def add_client(
    ctx: Context, tenant: Tenant, nickname: object, group: object | None = None
) -> NewAccount:
    """A client account under a nickname; the password is returned once and never kept."""
    nickname = validate.name(nickname, "nickname")
    target = await find_group(tenant, group) if group is not None else None
    if await Client.get_by_nickname(tenant.id, nickname):
        raise conflict("client.exists", nickname=nickname)
    account = await _new_account(ctx, tenant, nickname)
    if target:
        await add_to_group(ctx, tenant, target, account.client)
    return account


async def issue_vouchers(ctx: Context, tenant: Tenant, count: object) -> list[NewAccount]:
    """N anonymous accounts. Nothing is stored that could link one to a person."""
    if tenant.preset != "workplace":
        raise forbidden("voucher.preset_only")
    number = validate.count(count, low=1, high=MAX_VOUCHERS, what="vouchers")
    return [await _new_account(ctx, tenant, None) for _ in range(number)]


async def list_clients(tenant: Tenant) -> list[Client]:
    return await Client.all(tenant.id)


async def reset_password(ctx: Context, tenant: Tenant, ref: object) -> tuple[Client, str]:
    client = await find_client(tenant, ref)
    try:
        return client, await ctx.accounts.reset_password(client.user_id)
    except AccountError as e:
        raise _account_refusal(e) from e


async def remove_client(ctx: Context, tenant: Tenant, ref: object) -> Client:
    """End the client's account and keep their records: the account is deactivated (not
    erased), their open case is closed, their sessions to come are cancelled, and their cases,
    ratings, notes, tickets, bookings, packages and statements stay under their alias."""
    client = await find_client(tenant, ref)
    # Marked first, so that the account's leaving its rooms (which deactivation brings) is not
    # taken for a client who left by hand and must be brought back.
    await client.mark_removed(ctx.clock.now_ms())
    try:
        await ctx.accounts.deactivate(client.user_id)
    except AccountError as e:
        await client.mark_removed(None)
        raise _account_refusal(e) from e
    log.info("Removed client %s of tenant %s", client.id, tenant.slug)
    case = await Case.open_for(client.id)
    if case is not None:
        try:
            await caseroom.close(ctx, tenant, case)
        except MatrixError as e:  # closed all the same; only the case room's notice is missing
            log.warning("Could not tell case room of case %s of the removal: %s", case.id, e)
    for group in await Group.of_client(client):
        await group.remove(client)
    await ctx.hooks.run(hooks.CLIENT_LEFT, ctx, tenant, client)
    return client


async def create_group(ctx: Context, tenant: Tenant, name: object) -> Group:
    """A group; it has a room only where its members talk with each other (group chat on)."""
    name = validate.name(name, "group name")
    if await Group.get(tenant.id, name):
        raise conflict("group.exists", group=name)
    group = await Group.insert(tenant.id, name)
    if tenant.group_chat:
        try:
            group.room_id = await groups.new_room(ctx, tenant, name)
        except MatrixError as e:
            await group.delete()
            log.warning("Could not create a group room: %s", e)
            raise Refusal(
                "group.room_failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR"
            ) from e
    group.room_mode = groups.mode_of(tenant)
    await group.save()
    if group.room_id:
        await Room.add(group.room_id, room_kinds.GROUP, tenant.id, group_id=group.id)
    return group


async def rename_group(ctx: Context, tenant: Tenant, old: object, new: object) -> Group:
    group = await find_group(tenant, old)
    new_name = validate.name(new, "group name")
    if new_name != group.name and await Group.get(tenant.id, new_name):
        raise conflict("group.exists", group=new_name)
    group.name = new_name
    await group.save()
    if group.room_id:
        await ctx.desk(tenant.slug).set_room_name(group.room_id, new_name)
    return group


async def delete_group(ctx: Context, tenant: Tenant, name: object) -> Group:
    group = await find_group(tenant, name)
    desk = ctx.desk(tenant.slug)
    for member in await group.members():
        await _leave_group_room(ctx, tenant, group.room_id, member.user_id)
    await group.delete()
    if group.room_id:
        try:
            await desk.leave_room(group.room_id)
        except MatrixError as e:
            log.debug("Desk could not leave a deleted group's room: %s", e)
    return group


async def _leave_group_room(
    ctx: Context, tenant: Tenant, room_id: RoomID | None, user_id: UserID
) -> None:
    if room_id is None:
        return
    try:
        await ctx.desk(tenant.slug).kick_user(room_id, user_id)
    except MatrixError as e:
        log.debug("Could not remove a member from a group room: %s", e)


async def add_to_group(ctx: Context, tenant: Tenant, group: Group, client: Client) -> None:
    if not await group.add(client):
        raise conflict("group.member_exists", client=client.label, group=group.name)
    try:
        await groups.admit(ctx, tenant, group, client)
    except (AccountError, MatrixError) as e:
        await group.remove(client)
        log.warning("Could not add a client to a group room: %s", e)
        raise Refusal("group.room_failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR") from e


async def add_member(ctx: Context, tenant: Tenant, group_name: object, ref: object) -> Group:
    group = await find_group(tenant, group_name)
    await add_to_group(ctx, tenant, group, await find_client(tenant, ref))
    return group


async def remove_member(ctx: Context, tenant: Tenant, group_name: object, ref: object) -> Group:
    group = await find_group(tenant, group_name)
    client = await find_client(tenant, ref)
    if not await group.remove(client):
        raise not_found("group.not_member", client=client.label, group=group.name)
    await _leave_group_room(ctx, tenant, group.room_id, client.user_id)
    return group


async def list_groups(tenant: Tenant) -> list[tuple[Group, list[Client]]]:
    return [(group, await group.members()) for group in await Group.all(tenant.id)]


async def broadcast(ctx: Context, tenant: Tenant, text: object, group: object = None) -> int:
    """A notice from the desk to every client of the tenant, or to one group (see
    :func:`groups.send_to_group`); it rings for each client."""
    body = validate.text(text, "notice", 4000)
    if group is not None:
        return await groups.send_to_group(ctx, tenant, await find_group(tenant, group), body)
    desk = ctx.desk(tenant.slug)
    sent = 0
    for client in await Client.all(tenant.id):
        if client.room_id:
            await send_alert(desk, client.room_id, body, mention=client.user_id)
            sent += 1
    return sent


async def deliver_voucher_files(
    ctx: Context, tenant: Tenant, issued: list[NewAccount]
) -> dict[str, str]:
    """Upload the printable sheet and the CSV to the admin room; returns their mxc URIs.
    They leave the media store in a day, or once fetched through the API (``shown_once``)."""
    # The PDF library is loaded on first use, not at every start of soudan.
    from ..voucher_sheet import Voucher, render_csv, render_pdf

    vouchers = [Voucher(a.client.user_id, a.password) for a in issued]
    homeserver = ctx.config.public_address
    files = {
        "pdf": (
            render_pdf(
                vouchers, homeserver_url=homeserver, tenant_name=tenant.name, lang=tenant.language
            ),
            "application/pdf",
        ),
        "csv": (render_csv(vouchers, homeserver_url=homeserver), "text/csv"),
    }
    zone = ZoneInfo(ctx.config["platform.timezone"])
    stamp = datetime.fromtimestamp(ctx.clock.now_ms() / 1000, zone).strftime("%Y%m%d-%H%M")
    uris: dict[str, str] = {}
    for kind, (data, mime) in files.items():
        name = f"vouchers-{tenant.slug}-{stamp}.{kind}"
        uris[kind] = await shown_once.post_voucher_file(ctx, tenant, data, name, mime)
    return uris
