"""Turns the events the inbox hands over into actions: relay, commands, invites."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
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
from .commands import CommandEvent, Place
from .context import Context
from .db import ADMIN, OPERATOR, Case, Client, EventMap, NoticeSent, Room, Tenant
from .db import room as room_kinds
from .db.case import ASSIGNED
from .i18n import Lang, t
from .pipeline import case_room, desk
from .services import board, rejoin, routing, shown_once

log = logging.getLogger("soudan.matrix")

Handler = Callable[[Room | None, UserID, dict[str, Any]], Awaitable[None]]
# The commands' place of each kind of room that takes operators' or admins' commands.
_PLACES = {
    room_kinds.CONTROL: Place.CONTROL,
    room_kinds.ADMIN_ROOM: Place.ADMIN,
    room_kinds.STAFF_ROOM: Place.STAFF,
    room_kinds.PRIVATE: Place.PRIVATE,
}


class MatrixHandler:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # Last typing state we set per (room, ghost): echoes of our own typing come back as
        # typing events too, and setting an unchanged state again would start a ping-pong.
        self._typing_state: dict[tuple[RoomID, UserID], bool] = {}
        # What each kind of room does with an event. Rooms soudan did not make (None), a
        # tenant's space and group rooms only answer commands with "not here".
        self._handlers: dict[str | None, Handler] = {
            room_kinds.DESK: self._desk,
            room_kinds.CASE: self._case_room,
            room_kinds.CLIENT_BOARD: self._client_board,
            room_kinds.BOARD: self._board_room,
            room_kinds.CONTROL: self._command_room,
            room_kinds.ADMIN_ROOM: self._command_room,
            room_kinds.STAFF_ROOM: self._command_room,
            room_kinds.PRIVATE: self._command_room,
        }

    async def handle(self, evt: Event) -> None:
        if isinstance(evt, StateEvent):
            await self.ctx.az.state_store.update_state(evt)
            if isinstance(evt.content, MemberStateEventContent):
                await self._membership(evt, evt.content)
            return
        raw: dict[str, Any] = evt.serialize()
        room = await Room.get(RoomID(raw["room_id"]))
        handler = self._handlers.get(room.kind if room else None, self._other_room)
        await handler(room, UserID(raw["sender"]), raw)

    async def _client_of(self, room: Room | None, sender: UserID) -> tuple[Tenant, Client] | None:
        """The tenant and the client of a client's room, when the client is the sender."""
        assert room is not None and room.client_id is not None and room.tenant_id is not None
        client = await Client.get(room.client_id)
        if client is None or client.removed or sender != client.user_id:
            # The desk's or board's own events, someone the client invited, or a removed
            # client's last events (their account is being ended).
            return None
        tenant = await Tenant.get(room.tenant_id)
        return (tenant, client) if tenant else None

    async def _desk(self, room: Room | None, sender: UserID, raw: dict[str, Any]) -> None:
        found = await self._client_of(room, sender)
        if found is None:
            return
        tenant, client = found
        if await self._client_command(tenant, client, raw, Place.DESK):
            return
        await desk.on_client_event(self.ctx, tenant, client, raw)

    async def _client_board(self, room: Room | None, sender: UserID, raw: dict[str, Any]) -> None:
        found = await self._client_of(room, sender)
        if found is None:
            return
        tenant, client = found
        if await self._client_command(tenant, client, raw, Place.CLIENT_BOARD):
            return
        await board.on_client_event(self.ctx, tenant, client, raw)

    async def _client_command(
        self, tenant: Tenant, client: Client, raw: dict[str, Any], place: Place
    ) -> bool:
        """Runs a client's line that names one of the client's commands of this room; any
        other line (and anything while the tenant is suspended or halted) is theirs to send."""
        content = raw.get("content") or {}
        if raw["type"] != "m.room.message" or content.get("msgtype") != "m.text":
            return False
        if "m.new_content" in content or tenant.suspended or tenant.halted:
            return False
        parsed = commands.parse(str(content.get("body", "")).strip())
        if parsed is None or commands.get_command(parsed[0], place) is None:
            return False
        name, args = parsed
        voice = (
            self.ctx.desk(tenant.slug)
            if place == Place.DESK
            else board.board_ghost(self.ctx, tenant)
        )
        await commands.run(
            CommandEvent(
                ctx=self.ctx,
                room_id=RoomID(raw["room_id"]),
                event_id=EventID(raw["event_id"]),
                sender=client.user_id,
                lang=tenant.language,
                place=place,
                tenant=tenant,
                command=name,
                args=args,
                client=client,
                raw=raw,
                voice=voice,
            )
        )
        return True

    async def _board_room(self, room: Room | None, sender: UserID, raw: dict[str, Any]) -> None:
        """The operators' board room of a tenant."""
        assert room is not None and room.tenant_id is not None
        tenant = await Tenant.get(room.tenant_id)
        if tenant is None:
            return
        body = raw.get("content", {}).get("body") if raw["type"] == "m.room.message" else None
        if isinstance(body, str) and body.startswith("!"):
            await self._command(room, sender, raw, Place.BOARD, tenant)
        else:
            await board.on_operator_event(self.ctx, tenant, sender, raw)

    async def _command_room(self, room: Room | None, sender: UserID, raw: dict[str, Any]) -> None:
        """The control room, a tenant's admin or staff room, an operator's private room."""
        assert room is not None
        if raw["type"] != "m.room.message":
            return
        tenant = await Tenant.get(room.tenant_id) if room.tenant_id is not None else None
        if room.kind != room_kinds.CONTROL and tenant is None:
            return await self._other_room(None, sender, raw)
        await self._command(room, sender, raw, _PLACES[room.kind], tenant)

    async def _other_room(self, room: Room | None, sender: UserID, raw: dict[str, Any]) -> None:
        if raw["type"] == "m.room.message":
            await self._command(room, sender, raw, None, None)

    async def _membership(self, evt: StateEvent, content: MemberStateEventContent) -> None:
        invited = UserID(evt.state_key)
        if content.membership == Membership.LEAVE and evt.sender == invited:
            if self.ctx.config.is_client(invited):
                await rejoin.client_left(self.ctx, evt.room_id, invited)
            return
        if content.membership != Membership.INVITE or invited != self.ctx.az.bot_mxid:
            return
        # The bot has work only in rooms soudan made (the registry): a staff member may invite
        # it back into one of those. Anywhere else it would only answer "not here", and a room
        # of a stranger's choosing is no place for the platform's bot: the invite is refused
        # with the reason. Clients talk to the desk in the rooms made for them, never the bot.
        sender = UserID(evt.sender)
        room = await Room.get(evt.room_id)
        # A deleted tenant's rooms are no longer soudan's: the bot left them for good.
        known = room is not None and (
            room.tenant_id is None or await Tenant.get(room.tenant_id) is not None
        )
        if self.ctx.is_own_user(sender) or (known and not self.ctx.config.is_client(sender)):
            log.debug("Joining %s, invited by %s", evt.room_id, sender)
            await self.ctx.az.intent.join_room(evt.room_id)
            return
        log.info("Refusing an invite to %s, a room soudan did not make", evt.room_id)
        reason = t(self.ctx.config["platform.language"], "invite.refused")
        try:
            await self.ctx.az.intent.leave_room(evt.room_id, reason=reason)
        except MatrixError as e:  # withdrawn meanwhile, or refused before (a repeat)
            log.debug("Could not refuse the invite to %s: %s", evt.room_id, e)

    async def _case_room(self, room: Room | None, sender: UserID, raw: dict[str, Any]) -> None:
        assert room is not None and room.case_id is not None
        case = await Case.get(room.case_id)
        tenant = await Tenant.get(case.tenant_id) if case else None
        if case is None or tenant is None:
            return
        body = (
            str(raw.get("content", {}).get("body", "")) if raw["type"] == "m.room.message" else ""
        )
        if body.startswith("!"):
            await self._command(room, sender, raw, Place.CASE, tenant, case)
            return
        if not self.ctx.is_own_user(sender) and not await tenant.has_member(sender, OPERATOR):
            # Removed from the staff: an event sent just before the removal, or delivered
            # anyway, reaches nobody, whether their case has gone back to the queue yet or not.
            if case.case_room and raw["type"] == "m.room.message":
                if await NoticeSent.claim(case.case_room, "former-staff", sender):
                    await self.ctx.bot.notice(
                        case.case_room, t(tenant.language, "case.former_staff")
                    )
            return
        if sender != case.operator_id or case.status != ASSIGNED:
            if case.case_room and raw["type"] == "m.room.message" and sender == case.operator_id:
                if await NoticeSent.claim(case.case_room, "closed", str(case.closed_at)):
                    await self.ctx.bot.notice(
                        case.case_room, t(tenant.language, "case.closed_here")
                    )
            return
        await routing.touch(self.ctx, tenant, sender)
        await case_room.on_operator_event(self.ctx, tenant, case, raw)

    async def _command(
        self,
        room: Room | None,
        sender: UserID,
        raw: dict[str, Any],
        place: Place | None,
        tenant: Tenant | None,
        case: Case | None = None,
    ) -> None:
        """An operator's or admin's command; ``place`` None: a room that takes none."""
        parsed = commands.parse(str(raw.get("content", {}).get("body", "")).strip())
        if parsed is None:
            return
        name, args = parsed
        room_id = RoomID(raw["room_id"])
        event_id = EventID(raw["event_id"])
        lang: Lang = tenant.language if tenant else self.ctx.config["platform.language"]
        if place is None or room is None:
            await self.ctx.bot.reply(room_id, event_id, t(lang, "refuse.not_here"))
            return
        if case is not None:
            assert tenant is not None
            refusal = None
            if not await tenant.has_member(sender, OPERATOR):
                refusal = "case.not_staff"
            elif sender != case.operator_id:
                refusal = "case.not_yours"
            if refusal:
                await self.ctx.bot.reply(room_id, event_id, t(lang, refusal))
                return
        if case is None and not await self._may_act(place, tenant, sender, room):
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

    async def _may_act(
        self, place: Place, tenant: Tenant | None, user_id: UserID, room: Room
    ) -> bool:
        platform_admin = user_id in self.ctx.config["platform.admins"]
        if place == Place.CONTROL or tenant is None:
            return platform_admin
        if place == Place.PRIVATE:
            return room.user_id == user_id and await tenant.has_member(user_id, OPERATOR)
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
                await shown_once.on_receipt(self.ctx, RoomID(room_id), event.get("content", {}))
                await self._receipts(RoomID(room_id), event.get("content", {}))
        except MatrixError as e:
            log.debug("Could not mirror %s: %s", event.get("type"), e)

    async def _sides(self, room_id: RoomID) -> tuple[Case, Client, Tenant, bool] | None:
        """(case, client, tenant, from_client) for a client room or case room in use."""
        room = await Room.get(room_id)
        if room is None or room.kind not in (room_kinds.DESK, room_kinds.CASE):
            return None
        from_client = room.kind == room_kinds.DESK
        if from_client:
            assert room.client_id is not None
            client = await Client.get(room.client_id)
            case = await Case.open_for(client.id) if client else None
        else:
            assert room.case_id is not None
            case = await Case.get(room.case_id)
            client = await Client.get(case.client_id) if case else None
        if case is None or client is None or case.status != ASSIGNED or not case.case_room:
            return None
        if client.removed:
            return None
        tenant = await Tenant.get(case.tenant_id)
        if tenant is None or tenant.suspended or tenant.halted or not client.room_id:
            return None
        if not from_client and not (
            case.operator_id and await tenant.has_member(case.operator_id, OPERATOR)
        ):
            return None  # an operator removed a moment ago: nothing of theirs reaches the client
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
