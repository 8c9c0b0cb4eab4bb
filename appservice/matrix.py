"""Turns the events the inbox hands over into actions."""

from __future__ import annotations

import logging

from mautrix.types import (
    Event,
    EventType,
    Membership,
    MemberStateEventContent,
    MessageEvent,
    MessageType,
    RoomID,
    StateEvent,
    UserID,
)

from . import commands
from .bot import CONTROL, send_notice, txn_for
from .commands import CommandEvent, Place
from .context import Context
from .db import ADMIN, OPERATOR, BotRoom, Client, NoticeSent, Tenant
from .i18n import Lang, t

log = logging.getLogger("soudan.matrix")


class MatrixHandler:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def handle(self, evt: Event) -> None:
        if isinstance(evt, StateEvent):
            await self.ctx.az.state_store.update_state(evt)
        if isinstance(evt, StateEvent) and isinstance(evt.content, MemberStateEventContent):
            await self._membership(evt, evt.content)
        elif isinstance(evt, MessageEvent) and evt.type == EventType.ROOM_MESSAGE:
            await self._message(evt)

    async def _membership(self, evt: StateEvent, content: MemberStateEventContent) -> None:
        invited = UserID(evt.state_key)
        if content.membership != Membership.INVITE or invited != self.ctx.az.bot_mxid:
            return
        if self.ctx.config.is_client(evt.sender):
            return  # clients talk to the desk in the rooms made for them, not to the bot
        log.debug("Joining %s, invited by %s", evt.room_id, evt.sender)
        await self.ctx.az.intent.join_room(evt.room_id)

    async def _message(self, evt: MessageEvent) -> None:
        content = evt.content
        if content.msgtype not in (MessageType.TEXT, MessageType.NOTICE):
            return
        client = await Client.get_by_room(evt.room_id)
        if client is not None:
            if client.user_id == evt.sender:
                await self._client_message(evt, client)
            return
        parsed = commands.parse(content.body.strip())
        if parsed is None:
            return
        name, args = parsed
        place, tenant = await self._place(evt.room_id)
        lang: Lang = tenant.language if tenant else self.ctx.config["platform.language"]  # type: ignore[assignment]
        if place is None:
            await self.ctx.bot.reply(evt.room_id, evt.event_id, t(lang, "refuse.not_here"))
            return
        if not await self._may_act(place, tenant, evt.sender):
            key = "refuse.not_admin" if place == Place.CONTROL else "refuse.no_role_here"
            await self.ctx.bot.reply(evt.room_id, evt.event_id, t(lang, key))
            return
        await commands.run(
            CommandEvent(
                ctx=self.ctx,
                room_id=evt.room_id,
                event_id=evt.event_id,
                sender=evt.sender,
                lang=lang,
                place=place,
                tenant=tenant,
                command=name,
                args=args,
            )
        )

    async def _place(self, room_id: RoomID) -> tuple[Place | None, Tenant | None]:
        room = await BotRoom.get(room_id)
        if room is not None and room.kind == CONTROL:
            return Place.CONTROL, None
        found = await Tenant.get_by_room(room_id)
        if found is None:
            return None, None
        tenant, kind = found
        return (Place.ADMIN if kind == ADMIN else Place.STAFF), tenant

    async def _may_act(self, place: Place, tenant: Tenant | None, user_id: UserID) -> bool:
        platform_admin = user_id in self.ctx.config["platform.admins"]
        if place == Place.CONTROL or tenant is None:
            return platform_admin
        if platform_admin or await tenant.has_member(user_id, ADMIN):
            return True
        return place == Place.STAFF and await tenant.has_member(user_id, OPERATOR)

    async def _client_message(self, evt: MessageEvent, client: Client) -> None:
        tenant = await Tenant.get(client.tenant_id)
        if tenant is None:
            return
        lang: Lang = tenant.language  # type: ignore[assignment]
        desk = self.ctx.desk(tenant.slug)
        if tenant.suspended:
            # Said once per suspension, not on every line.
            if await NoticeSent.claim(evt.room_id, "suspended", str(tenant.suspended_at)):
                await send_notice(desk, evt.room_id, t(lang, "refuse.suspended_client"))
            return
        if commands.parse(evt.content.body.strip()) is not None:
            await send_notice(
                desk,
                evt.room_id,
                t(lang, "refuse.client_commands"),
                txn_id=txn_for(evt.event_id, "client-command"),
                reply_to=evt.event_id,
            )
