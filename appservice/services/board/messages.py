"""How the board writes: the text of a post checked, threads, edits, the topic's thread root
and its ghost, and an answer with its member badge under the member ghost."""

from __future__ import annotations

import html
import secrets
from datetime import datetime
from typing import Any, cast

from mautrix.appservice import IntentAPI
from mautrix.types import EventID, EventType, RoomID, UserID

from ... import caseroom, hours, relay
from ...context import Context
from ...db import OperatorState, Tenant
from ...db.post import Post
from ...db.shown import Shown
from ...db.topic import Topic
from ...i18n import Lang, t
from ..errors import Refusal, conflict
from .rooms import ensure_board_room, label

TEXT_TYPES = ("m.text", "m.emote")
BOARD_KEY = "fi.soudan.board"
_member_names: dict[UserID, str] = {}  # the name each member ghost is known to carry


async def topic_referred(room_id: RoomID, relates: dict[str, Any]) -> Topic | None:
    """The topic a message belongs to by its thread or the message it replies to."""
    candidates = []
    if relates.get("rel_type") == "m.thread":
        candidates.append(relates.get("event_id"))
    reply = relates.get("m.in_reply_to")
    if isinstance(reply, dict):
        candidates.append(reply.get("event_id"))
    for event_id in candidates:
        if isinstance(event_id, str):
            for shown in await Shown.find(room_id, EventID(event_id)):
                return await Topic.get(shown.topic_id)
    return None


def post_text(tenant: Tenant, content: dict[str, Any]) -> str:
    """The text of a topic, follow-up or answer, checked against the tenant's limits."""
    if content.get("msgtype") not in TEXT_TYPES:
        raise Refusal("board.text_only")
    body = content.get("body")
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise Refusal("board.empty")
    if len(text) > tenant.board_max_chars:
        raise Refusal("board.too_long", length=len(text), limit=tenant.board_max_chars)
    return text


def start_of_day(tenant: Tenant, now_ms: int) -> int:
    tz = hours.zone(tenant.timezone)
    return hours.day_start(tz, datetime.fromtimestamp(now_ms / 1000, tz).date())


async def _topic_ghost(ctx: Context, tenant: Tenant, topic: Topic, room_id: RoomID) -> IntentAPI:
    ghost = ctx.az.intent.user(UserID(ctx.config.ghost_mxid(topic.ghost)))
    if topic.root_event is None:  # new: named, invited and joined before it says anything
        await ghost.ensure_registered()
        await ghost.set_displayname(t(tenant.language, "board.alias", topic=label(topic.number)))
        if not await ctx.az.state_store.is_joined(room_id, ghost.mxid):
            await caseroom.invite(ctx, room_id, ghost.mxid)
    await ghost.ensure_joined(room_id, bot=ctx.az.intent)
    return ghost


async def publish_topic(ctx: Context, tenant: Tenant, topic: Topic) -> IntentAPI:
    """The topic's thread root in the operators' board room (posted once); its ghost."""
    room_id = await ensure_board_room(ctx, tenant)
    ghost = await _topic_ghost(ctx, tenant, topic, room_id)
    if topic.root_event is None:
        content = {"msgtype": "m.text", "body": topic.body, BOARD_KEY: {"topic": topic.number}}
        topic.root_event = await relay.send_once(
            ghost, room_id, topic.source_event, "m.room.message", content
        )
        await topic.save()
        await Shown(room_id, topic.root_event, topic.id, None, topic.source_event).add()
    return ghost


async def send_content(
    intent: IntentAPI, room_id: RoomID, content: dict[str, Any], txn_id: str | None = None
) -> EventID:
    """A message with content as the board builds it (threads, badges), not re-modelled."""
    return await intent.send_message_event(
        room_id, EventType.ROOM_MESSAGE, cast(Any, content), txn_id=txn_id
    )


def thread(root: EventID, reply_to: EventID | None = None) -> dict[str, Any]:
    return {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": reply_to is None,
        "m.in_reply_to": {"event_id": reply_to or root},
    }


def open_for_posts(topic: Topic) -> None:
    if topic.hidden:
        raise conflict("board.topic_hidden", topic=label(topic.number))
    if topic.closed:
        raise conflict("board.topic_closed", topic=label(topic.number))


def edit_content(target: EventID, text: str, new: dict[str, Any] | None = None) -> dict[str, Any]:
    new = new or {"msgtype": "m.text", "body": text}
    return {
        "msgtype": "m.text",
        "body": "* " + new["body"],
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": target},
    }


def answer_content(lang: Lang, topic: Topic, post: Post, name: str) -> dict[str, Any]:
    """An answer as a client sees it: the member badge and name, the text, and how to see the
    member's profile or nominate them."""
    ref = f"{topic.number}-{post.number}"
    badge = t(lang, "board.badge")
    footer = t(lang, "board.answer_footer", ref=ref)
    text = post.body
    return {
        "msgtype": "m.text",
        "body": f"{badge} {name}\n{text}\n\n{footer}",
        "format": "org.matrix.custom.html",
        "formatted_body": (
            f"<p><strong>{html.escape(badge)} {html.escape(name)}</strong></p>"
            f"<p>{html.escape(text).replace(chr(10), '<br>')}</p>"
            f"<p><em>{html.escape(footer)}</em></p>"
        ),
        BOARD_KEY: {"topic": topic.number, "answer": post.number, "member": True},
    }


async def member_ghost(ctx: Context, tenant: Tenant, state: OperatorState) -> IntentAPI:
    """The ghost that carries an operator's answers to clients, under their profile name."""
    if not state.board_ghost:
        state.board_ghost = f"member_{secrets.token_hex(6)}"
        await state.save()
    ghost = ctx.az.intent.user(UserID(ctx.config.ghost_mxid(state.board_ghost)))
    if state.profile_name and _member_names.get(ghost.mxid) != state.profile_name:
        await ghost.ensure_registered()
        if await ghost.get_displayname(ghost.mxid) != state.profile_name:
            await ghost.set_displayname(state.profile_name)
        _member_names[ghost.mxid] = state.profile_name
    return ghost
