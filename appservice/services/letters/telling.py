"""What the client, the counselor and the admins hear of a package, each in their room."""

from __future__ import annotations

from mautrix.types import RoomID

from ...bot import send_notice, txn_for
from ...context import Context
from ...db import Case, Client, OperatorSettings, Package, Tenant
from ...db.case import ASSIGNED
from ...i18n import t
from .. import notify
from .showing import label, type_line


async def tell_client(
    ctx: Context, tenant: Tenant, client: Client, package: Package, why: str
) -> None:
    if not client.room_id:
        return
    lang = tenant.language
    text = t(
        lang,
        f"letters.client_{why}",
        package=label(package.number),
        replies=t(lang, "letters.replies", count=package.replies),
        chars=package.char_limit,
        days=t(lang, "letters.business_days", count=package.deadline_days),
    )
    if why == "granted" and package.operator_id is None:
        text += "\n" + t(lang, "letters.choose_counselor")
    await send_notice(
        ctx.desk(tenant.slug),
        client.room_id,
        text,
        txn_id=txn_for(f"{package.id}-{package.status}-{package.sent}", f"letters-{why}"),
    )


async def tell_counselor_of_grant(ctx: Context, tenant: Tenant, package: Package) -> None:
    assert package.operator_id
    await tell_operator(
        ctx,
        tenant,
        package,
        t(
            tenant.language,
            "letters.operator_granted",
            package=label(package.number),
            alias=package.client_alias,
            terms=type_line(tenant.language, package),
        ),
        f"granted-{package.id}-{package.operator_id}",
        alert=True,  # a package given to them, as a case is
    )


async def operator_room(ctx: Context, tenant: Tenant, package: Package) -> RoomID:
    """The counselor's case room with this client, or their private room."""
    assert package.operator_id
    case = await Case.open_for(package.client_id) if package.client_id else None
    if case and case.status == ASSIGNED and case.operator_id == package.operator_id:
        if case.case_room:
            return case.case_room
    settings = await OperatorSettings.get(tenant.id, package.operator_id)
    return await notify.private_room(ctx, tenant, settings)


async def tell_operator(
    ctx: Context, tenant: Tenant, package: Package, text: str, why: str, *, alert: bool = False
) -> None:
    """Tell the package's counselor; with ``alert``, it rings for them."""
    room = await operator_room(ctx, tenant, package)
    txn_id = txn_for(f"{room}\0{why}", "letters-operator")
    if alert:
        await ctx.bot.alert(room, text, mention=package.operator_id, txn_id=txn_id)
    else:
        await ctx.bot.notice(room, text, txn_id=txn_id)


async def tell_admins(
    ctx: Context, tenant: Tenant, text: str, why: str, *, alert: bool = False
) -> None:
    """Tell the admin room; with ``alert``, it rings for everyone there."""
    if not tenant.admin_room:
        return
    txn_id = txn_for(why, "letters-admin")
    if alert:
        await ctx.bot.alert(tenant.admin_room, text, room=True, txn_id=txn_id)
    else:
        await ctx.bot.notice(tenant.admin_room, text, txn_id=txn_id)
