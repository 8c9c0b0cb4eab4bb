"""The bot user: answers in rooms, and owns the platform control room."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any, cast

from mautrix.api import Method, SynapseAdminPath
from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError, MatrixRequestError
from mautrix.types import (
    ContentURI,
    EventID,
    EventType,
    FileInfo,
    MediaMessageEventContent,
    Membership,
    MemberStateEventContent,
    MessageType,
    RoomID,
    TextMessageEventContent,
    UserID,
)

from .config import Config
from .db import BotRoom, Room
from .db import room as room_kinds
from .i18n import t
from .rooms import create_room

log = logging.getLogger("soudan.bot")

CONTROL = "control"


def txn_for(source: str, purpose: str) -> str:
    """A transaction ID derived from what caused a send, so a retried send is one event."""
    return "soudan-" + hashlib.sha256(f"{purpose}\0{source}".encode()).hexdigest()[:40]


# Two kinds of message, chosen per message by whoever sends it:
# - a notice (``m.notice``): replies to commands, status lines, anything a person reads when they
#   look. The homeserver's default push rule ``.m.rule.suppress_notices`` comes before every
#   other rule, so a notice never notifies anyone, mention or not.
# - an alert (``m.text``): something a person must be woken for (a case for them, a client
#   waiting, a reminder, a broadcast, maintenance). It mentions that person through
#   ``m.mentions`` (``.m.rule.is_user_mention``: notify with sound and highlight), or the whole
#   room where the room is the audience (``.m.rule.is_room_mention``, allowed to the room's
#   creator). An alert that names nobody still notifies through the default message rules.


async def send_notice(
    intent: IntentAPI,
    room_id: RoomID,
    text: str,
    *,
    txn_id: str | None = None,
    reply_to: EventID | None = None,
) -> EventID:
    """A message nobody is woken for (see above)."""
    content = TextMessageEventContent(msgtype=MessageType.NOTICE, body=text)
    if reply_to:
        content.set_reply(reply_to)
    return await intent.send_message_event(room_id, EventType.ROOM_MESSAGE, content, txn_id=txn_id)


def alert_content(
    text: str, mention: UserID | Iterable[UserID] | None = None, *, room: bool = False
) -> dict[str, Any]:
    """The content of an alert: ``m.text`` mentioning ``mention`` (one user or several), or
    everyone in the room with ``room``. An explicit empty ``m.mentions`` keeps a name that
    happens to be in the text from counting as a mention."""
    users = [mention] if isinstance(mention, str) else sorted(set(mention or ()))
    mentions: dict[str, Any] = {"user_ids": users} if users else {}
    if room:
        mentions["room"] = True
    return {"msgtype": MessageType.TEXT.value, "body": text, "m.mentions": mentions}


async def send_alert(
    intent: IntentAPI,
    room_id: RoomID,
    text: str,
    *,
    mention: UserID | Iterable[UserID] | None = None,
    room: bool = False,
    txn_id: str | None = None,
) -> EventID:
    """A message that must reach a person now (see above): it rings on their devices."""
    content = alert_content(text, mention, room=room)
    return await intent.send_message_event(
        room_id, EventType.ROOM_MESSAGE, cast(Any, content), txn_id=txn_id
    )


async def send_file(
    intent: IntentAPI,
    room_id: RoomID | None,
    data: bytes,
    filename: str,
    mime: str,
    *,
    txn_id: str | None = None,
) -> ContentURI:
    """Upload a file as ``intent``, and post it in ``room_id`` when given; returns its mxc URI."""
    uri, _ = await post_file(intent, room_id, data, filename, mime, txn_id=txn_id)
    return uri


async def post_file(
    intent: IntentAPI,
    room_id: RoomID | None,
    data: bytes,
    filename: str,
    mime: str,
    *,
    txn_id: str | None = None,
) -> tuple[ContentURI, EventID | None]:
    """Like ``send_file``; returns the mxc URI and the event that posted it (if any)."""
    uri = await intent.upload_media(data, mime_type=mime, filename=filename)
    if not room_id:
        return uri, None
    content = MediaMessageEventContent(
        msgtype=MessageType.FILE,
        body=filename,
        url=uri,
        info=FileInfo(mimetype=mime, size=len(data)),
    )
    return uri, await intent.send_message(room_id, content, txn_id=txn_id)


class Bot:
    def __init__(self, intent: IntentAPI, config: Config) -> None:
        self.intent = intent
        self.config = config

    async def reply(self, room_id: RoomID, event_id: EventID, text: str) -> EventID:
        return await send_notice(
            self.intent, room_id, text, txn_id=txn_for(event_id, "reply"), reply_to=event_id
        )

    async def notice(self, room_id: RoomID, text: str, *, txn_id: str | None = None) -> EventID:
        """A reply or status line: read when looked at, never rings."""
        return await send_notice(self.intent, room_id, text, txn_id=txn_id)

    async def alert(
        self,
        room_id: RoomID,
        text: str,
        *,
        mention: UserID | Iterable[UserID] | None = None,
        room: bool = False,
        txn_id: str | None = None,
    ) -> EventID:
        """Something ``mention`` (or, with ``room``, everyone in the room) must be woken for."""
        return await send_alert(
            self.intent, room_id, text, mention=mention, room=room, txn_id=txn_id
        )

    async def send_file(
        self,
        room_id: RoomID | None,
        data: bytes,
        filename: str,
        mime: str,
        *,
        txn_id: str | None = None,
    ) -> ContentURI:
        """Upload a file, and post it in ``room_id`` when given; returns its mxc URI."""
        return await send_file(self.intent, room_id, data, filename, mime, txn_id=txn_id)

    async def post_file(
        self, room_id: RoomID, data: bytes, filename: str, mime: str
    ) -> tuple[ContentURI, EventID]:
        """Upload a file and post it in ``room_id``; returns its mxc URI and the event."""
        uri, event_id = await post_file(self.intent, room_id, data, filename, mime)
        assert event_id is not None
        return uri, event_id

    async def delete_media(self, uri: ContentURI) -> None:
        """Remove an uploaded file from the homeserver's media store (Synapse admin API):
        from then on its mxc URI answers 404 to everyone. A file gone already is no error."""
        server, _, media_id = uri.removeprefix("mxc://").partition("/")
        try:
            await self.intent.api.request(
                Method.DELETE, SynapseAdminPath.v1.media[server][media_id]
            )
        except MatrixRequestError as e:
            if e.http_status != 404:
                raise

    async def ensure_control_room(self) -> RoomID:
        """The platform control room exists and every configured admin is in it or invited."""
        admins = list(self.config["platform.admins"])
        room = await BotRoom.get_by_kind(CONTROL)
        lang = self.config["platform.language"]
        if room is None:
            room_id = await create_room(
                self.intent,
                name=t(lang, "control.name"),
                topic=t(lang, "control.topic"),
                invitees=admins,
            )
            await BotRoom.insert(room_id, CONTROL)
            await Room.add(room_id, room_kinds.CONTROL)
            await self.notice(room_id, t(lang, "control.welcome"))
            log.info("Created the control room %s", room_id)
            return room_id
        members = await self.intent.get_members(room.room_id)
        present = {
            UserID(m.state_key)
            for m in members
            if isinstance(m.content, MemberStateEventContent)
            and m.content.membership in (Membership.JOIN, Membership.INVITE)
        }
        for admin in admins:
            if admin not in present:
                try:
                    await self.intent.invite_user(room.room_id, admin)
                except MatrixError as e:
                    log.warning("Could not invite %s to the control room: %s", admin, e)
        return room.room_id
