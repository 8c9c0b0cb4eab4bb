"""Turns the events the inbox hands over into actions: relay, commands, invites."""

from __future__ import annotations

import logging
from typing import Any

from mautrix.errors import MatrixError
from mautrix.types import (
    Event,
    EventID,
    Membership,
    MemberStateEventContent,
    RoomID,
    StateEvent,
    UserID,
)

from . import caseroom, commands
from .bot import CONTROL
from .commands import CommandEvent, Place
from .context import Context
from .db import (
    ADMIN,
    OPERATOR,
    BotRoom,
    Case,
    Client,
    EventMap,
    NoticeSent,
    OperatorSettings,
    Tenant,
)
from .db.case import ASSIGNED
from .i18n import Lang, t
from .pipeline import case_room, client_commands, desk
from .services import board, routing

log = logging.getLogger("soudan.matrix")


class MatrixHandler:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # Last typing state we set per (room, ghost): echoes of our own typing come back as
        # typing events too, and setting an unchanged state again would start a ping-pong.
        self._typing_state: dict[tuple[RoomID, UserID], bool] = {}

    async def handle(self, evt: Event) -> None:
        if isinstance(evt, StateEvent):
            await self.ctx.az.state_store.update_state(evt)
            if isinstance(evt.content, MemberStateEventContent):
                await self._membership(evt, evt.content)
            return
        raw: dict[str, Any] = evt.serialize()
        room_id = RoomID(raw["room_id"])
        sender = UserID(raw["sender"])
        client = await Client.get_by_room(room_id)
        if client is not None:
            tenant = await Tenant.get(client.tenant_id)
            if tenant and sender == client.user_id:
                await desk.on_client_event(self.ctx, tenant, client, raw)
            return
        case = await Case.by_room(room_id)
        if case is not None:
            await self._case_room(case, sender, raw)
            return
        if await self._board_room(room_id, sender, raw):
            return
        if raw["type"] == "m.room.message":
            await self._command(room_id, sender, raw, Place.CONTROL)

    async def _board_room(self, room_id: RoomID, sender: UserID, raw: dict[str, Any]) -> bool:
        """A client's board room, or the operators' board room of a tenant: handled here."""
        client = await Client.get_by_board_room(room_id)
        if client is not None:
            tenant = await Tenant.get(client.tenant_id)
            if tenant and sender == client.user_id:
                await board.on_client_event(
                    self.ctx, tenant, client, raw, client_commands.board_command
                )
            return True
        tenant = await Tenant.get_by_board_room(room_id)
        if tenant is None:
            return False
        body = raw.get("content", {}).get("body") if raw["type"] == "m.room.message" else None
        if isinstance(body, str) and body.startswith("!"):
            await self._command(room_id, sender, raw, Place.BOARD, tenant)
        else:
            await board.on_operator_event(self.ctx, tenant, sender, raw)
        return True

    async def _membership(self, evt: StateEvent, content: MemberStateEventContent) -> None:
        invited = UserID(evt.state_key)
        if content.membership != Membership.INVITE or invited != self.ctx.az.bot_mxid:
            return
        if self.ctx.config.is_client(evt.sender):
            return  # clients talk to the desk in the rooms made for them, not to the bot
        log.debug("Joining %s, invited by %s", evt.room_id, evt.sender)
        await self.ctx.az.intent.join_room(evt.room_id)

    async def _case_room(self, case: Case, sender: UserID, raw: dict[str, Any]) -> None:
        tenant = await Tenant.get(case.tenant_id)
        if tenant is None:
            return
        body = (
            str(raw.get("content", {}).get("body", "")) if raw["type"] == "m.room.message" else ""
        )
        if body.startswith("!"):
            await self._command(RoomID(raw["room_id"]), sender, raw, Place.CASE, tenant, case)
            return
        if sender != case.operator_id or case.status != ASSIGNED:
            if case.case_room and raw["type"] == "m.room.message" and sender == case.operator_id:
                if await NoticeSent.claim(case.case_room, "closed", str(case.closed_at)):
                    await self.ctx.bot.notice(case.case_room, t(_lang(tenant), "case.closed_here"))
            return
        await routing.touch(self.ctx, tenant, sender)
        await case_room.on_operator_event(self.ctx, tenant, case, raw)

    async def _command(
        self,
        room_id: RoomID,
        sender: UserID,
        raw: dict[str, Any],
        default: Place,
        tenant: Tenant | None = None,
        case: Case | None = None,
    ) -> None:
        parsed = commands.parse(str(raw.get("content", {}).get("body", "")).strip())
        if parsed is None:
            return
        name, args = parsed
        event_id = EventID(raw["event_id"])
        place: Place | None = default
        if tenant is None:  # the caller knows the room when it passes its tenant
            place, tenant = await self._place(room_id)
        lang: Lang = tenant.language if tenant else self.ctx.config["platform.language"]
        if place is None:
            await self.ctx.bot.reply(room_id, event_id, t(lang, "refuse.not_here"))
            return
        if case is not None and sender != case.operator_id:
            await self.ctx.bot.reply(room_id, event_id, t(lang, "case.not_yours"))
            return
        if case is None and not await self._may_act(place, tenant, sender, room_id):
            key = "refuse.not_admin" if place == Place.CONTROL else "refuse.no_role_here"
            await self.ctx.bot.reply(room_id, event_id, t(lang, key))
            return
        await commands.run(
            CommandEvent(
                ctx=self.ctx,
                room_id=room_id,
                event_id=event_id,
                sender=sender,
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
        board_of = await Tenant.get_by_board_room(room_id) if found is None else None
        if board_of is not None:
            return Place.BOARD, board_of
        if found is None:
            private = await OperatorSettings.by_private_room(room_id)
            tenant = await Tenant.get(private.tenant_id) if private else None
            return (Place.PRIVATE, tenant) if tenant else (None, None)
        tenant, kind = found
        return (Place.ADMIN if kind == ADMIN else Place.STAFF), tenant

    async def _may_act(
        self, place: Place, tenant: Tenant | None, user_id: UserID, room_id: RoomID
    ) -> bool:
        platform_admin = user_id in self.ctx.config["platform.admins"]
        if place == Place.CONTROL or tenant is None:
            return platform_admin
        if place == Place.PRIVATE:
            owner = await OperatorSettings.by_private_room(room_id)
            return (
                owner is not None
                and owner.user_id == user_id
                and await tenant.has_member(user_id, OPERATOR)
            )
        if platform_admin or await tenant.has_member(user_id, ADMIN):
            return True
        return place in (Place.STAFF, Place.BOARD) and await tenant.has_member(user_id, OPERATOR)

    async def handle_ephemeral(self, event: dict[str, Any]) -> None:
        """Typing and read receipts, mirrored between the two rooms of a case."""
        room_id = event.get("room_id")
        if not isinstance(room_id, str):
            return
        try:
            if event.get("type") == "m.typing":
                await self._typing(RoomID(room_id), event.get("content", {}).get("user_ids", []))
            elif event.get("type") == "m.receipt":
                await self._receipts(RoomID(room_id), event.get("content", {}))
        except MatrixError as e:
            log.debug("Could not mirror %s: %s", event.get("type"), e)

    async def _sides(self, room_id: RoomID) -> tuple[Case, Client, Tenant, bool] | None:
        """(case, client, tenant, from_client) for a client room or case room in use."""
        client = await Client.get_by_room(room_id)
        if client is not None:
            case = await Case.open_for(client.id)
            from_client = True
        else:
            case = await Case.by_room(room_id)
            client = await Client.get(case.client_id) if case else None
            from_client = False
        if case is None or client is None or case.status != ASSIGNED or not case.case_room:
            return None
        tenant = await Tenant.get(case.tenant_id)
        if tenant is None or tenant.suspended or tenant.halted or not client.room_id:
            return None
        return case, client, tenant, from_client

    async def _typing(self, room_id: RoomID, user_ids: list[str]) -> None:
        sides = await self._sides(room_id)
        if sides is None:
            return
        case, client, tenant, from_client = sides
        assert case.case_room and client.room_id
        if from_client:
            intent = await caseroom.client_ghost(self.ctx, tenant, client)
            typing, target = client.user_id in user_ids, case.case_room
        else:
            intent = self.ctx.desk(tenant.slug)
            typing, target = case.operator_id in user_ids, client.room_id
        key = (target, intent.mxid)
        if self._typing_state.get(key, False) == typing:
            return
        self._typing_state[key] = typing
        await intent.set_typing(target, timeout=30000 if typing else 0)

    async def _receipts(self, room_id: RoomID, content: dict[str, Any]) -> None:
        sides = await self._sides(room_id)
        if sides is None:
            return
        case, client, tenant, from_client = sides
        assert case.case_room and client.room_id
        reader = client.user_id if from_client else case.operator_id
        target_room = case.case_room if from_client else client.room_id
        for event_id, receipts in content.items():
            if reader not in (receipts.get("m.read") or {}):
                continue
            counterpart = await EventMap.counterpart(EventID(event_id), target_room)
            if counterpart is None:
                continue
            if from_client:
                intent = await caseroom.client_ghost(self.ctx, tenant, client)
            else:
                intent = self.ctx.desk(tenant.slug)
            await intent.mark_read(target_room, counterpart)


def _lang(tenant: Tenant) -> Lang:
    return tenant.language
