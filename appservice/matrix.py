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
    StateEvent,
    UserID,
)

from . import commands
from .bot import CONTROL
from .commands import CommandEvent, Role
from .context import Context
from .db import BotRoom
from .i18n import t

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
        parsed = commands.parse(content.body.strip())
        if parsed is None:
            return
        name, args = parsed
        lang = self.ctx.config["platform.language"]
        room = await BotRoom.get(evt.room_id)
        if evt.sender not in self.ctx.config["platform.admins"]:
            await self.ctx.bot.reply(evt.room_id, evt.event_id, t(lang, "refuse.not_admin"))
            return
        if room is None or room.kind != CONTROL:
            await self.ctx.bot.reply(evt.room_id, evt.event_id, t(lang, "refuse.use_control"))
            return
        await commands.run(
            CommandEvent(
                ctx=self.ctx,
                room_id=evt.room_id,
                event_id=evt.event_id,
                sender=evt.sender,
                lang=lang,
                role=Role.PLATFORM_ADMIN,
                command=name,
                args=args,
            )
        )
