"""An operator's private room with the bot: their notifications, searches and exports."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from mautrix.types import RoomID, UserID

from ..bot import txn_for
from ..context import Context
from ..db import Case, Client, NoticeSent, OperatorSettings, Room, Tenant
from ..db import room as room_kinds
from ..i18n import t
from ..rooms import create_room
from . import permissions

log = logging.getLogger("soudan.notify")

NEW_CASE, ASSIGNED, MESSAGE = "new_case", "assigned", "message"


async def private_room(ctx: Context, tenant: Tenant, settings: OperatorSettings) -> RoomID:
    """The operator's private room with the bot in this tenant, made on first use."""
    if settings.private_room:
        return settings.private_room
    lang = tenant.language
    room_id = await create_room(
        ctx.az.intent,
        name=t(lang, "private.room_name", tenant=tenant.name),
        topic=t(lang, "private.room_topic"),
        invitees=[settings.user_id],
    )
    settings.private_room = room_id
    await settings.save()
    await Room.add(room_id, room_kinds.PRIVATE, tenant.id, user_id=settings.user_id)
    await ctx.bot.notice(room_id, t(lang, "private.welcome"))
    return room_id


async def tell(
    ctx: Context, tenant: Tenant, operator: UserID, kind: str, once: str, **params: object
) -> None:
    """Tell the operator in their private room, if they asked for this kind of notice; at most
    once per ``once``. They asked to be told: it rings (an alert mentioning them)."""
    settings = await OperatorSettings.get(tenant.id, operator)
    if settings.notify != "dm" or not getattr(settings, f"notify_{kind}"):
        return
    room_id = await private_room(ctx, tenant, settings)
    if await NoticeSent.claim(room_id, f"notify-{kind}", once):
        await ctx.bot.alert(
            room_id,
            t(tenant.language, f"notify.{kind}", **params),
            mention=operator,
            txn_id=txn_for(f"{room_id}\0{once}", f"notify-{kind}"),
        )


async def new_case(ctx: Context, tenant: Tenant, case: Case, client: Client) -> None:
    """A case is waiting in the queue: tell the operators who may see it and want to know."""
    for settings in await OperatorSettings.notified(tenant.id):
        if settings.notify_new_case and await permissions.may_see(
            settings, client.id, case.nominee
        ):
            await tell(
                ctx,
                tenant,
                settings.user_id,
                NEW_CASE,
                str(case.id),
                number=case.number,
                alias=client.alias,
            )


async def change_settings(
    ctx: Context, tenant: Tenant, settings: OperatorSettings, changes: Mapping[str, object]
) -> OperatorSettings:
    """Apply an admin's changes to an operator's settings, all or nothing; choosing notices in
    the private room opens that room at once, so the operator sees where they will arrive."""
    new = permissions.changed(settings, changes)
    if new.notify == "dm":
        await private_room(ctx, tenant, new)  # first: if the room fails, nothing is saved
    await new.save()
    return new
