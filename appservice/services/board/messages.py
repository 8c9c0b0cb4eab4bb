"""How the board writes: the text of a post filtered and checked, threads, edits, the topic's
thread root and its ghost, and an answer with its member badge under the member ghost.

What is stored of a topic or post is already the copy for every reader of the board (every
operator, every client who browses): it passes the leak filter once, for that widest audience,
and every copy (the operators' thread, the author's room, ``!topic``, the API) is built from
it. Readers know a user only as the board shows them: an operator by their profile name (in
what operators write; "a member" without one), a member ghost by its profile name, the topic's
poster ghost by its alias; a client, and anyone else, is "someone". What a client writes names
nobody by a Matrix ID: it would tell them which profile name belongs to which ID."""

from __future__ import annotations

import html
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from mautrix.appservice import IntentAPI
from mautrix.types import EventID, EventType, RoomID, UserID

from ... import caseroom, hours, leak, relay
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
# The most a stored text may take in an event, leaving room for what every copy adds around it
# (the member badge and name, the footer, a view's head, a thread relation, the relay's mark).
TEXT_BYTES = leak.MAX_CONTENT_BYTES - 3072
# Refusals of the filter the board words its own way: it takes text only.
_TEXT_ONLY = {leak.REFUSED_POLL, leak.REFUSED_TYPE, leak.REFUSED_MEDIA}
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


def readers(tenant: Tenant, names: Mapping[str, str] | None = None) -> leak.Receiver:
    """Every reader of the board, as one receiver of the leak filter: they know the users in
    ``names`` by those names, anyone else as "someone"."""
    known = dict(names or {})
    return leak.Receiver(name_of=known.get, someone=t(tenant.language, "relay.someone"))


async def known_names(
    ctx: Context, tenant: Tenant, topic: Topic | None, *, by_operator: bool
) -> dict[str, str]:
    """The users every reader of the board knows a name for, in a text by an operator or by
    a client (see the module's docstring)."""
    names: dict[str, str] = {}
    member = t(tenant.language, "board.member_word")
    for state in await OperatorState.all(tenant.id):
        if state.board_ghost and state.profile_name:
            names[ctx.config.ghost_mxid(state.board_ghost)] = state.profile_name
        if by_operator:
            names[state.user_id] = state.profile_name or member
    if by_operator and topic is not None:
        names[ctx.config.ghost_mxid(topic.ghost)] = t(
            tenant.language, "board.alias", topic=label(topic.number)
        )
    return names


def post_text(
    tenant: Tenant,
    event_type: str,
    content: Mapping[str, Any],
    receiver: leak.Receiver,
    *,
    own_edit: bool = False,
) -> str:
    """The text of a topic, follow-up or answer (the new text of an edit), filtered for every
    reader of the board and checked against the tenant's limits."""
    copy = leak.filter_event(event_type, content, receiver, own_edit=own_edit)
    if isinstance(copy, leak.Refusal):
        if copy.key == leak.REFUSED_SIZE:
            _check_length(tenant, _sent_text(content).strip())
        raise _board_refusal(copy)
    if event_type != "m.room.message" or content.get("msgtype") not in TEXT_TYPES:
        raise Refusal("board.text_only")
    text = (copy.text or "").strip()
    if not text:
        raise Refusal("board.empty")
    _check_length(tenant, text)
    size = leak.content_size({"body": text})
    if size > TEXT_BYTES:
        raise Refusal(leak.REFUSED_SIZE, size=size, limit=TEXT_BYTES)
    return text


def not_posted(event_type: str, content: Mapping[str, Any]) -> Refusal:
    """Why an event that is no text message is not posted on the board."""
    verdict = leak.filter_event(event_type, content, leak.Receiver())
    if isinstance(verdict, leak.Refusal):
        return _board_refusal(verdict)
    return Refusal("board.text_only")


def shown_text(tenant: Tenant, text: str) -> str:
    """A stored text as a client is shown it: filtered again, line by line (a stored text may
    be longer than one event's budget), so that a text stored before the filter names nobody
    either."""
    receiver = readers(tenant)

    def line_shown(line: str) -> str:
        plain = {"msgtype": "m.text", "body": line}
        copy = leak.filter_event("m.room.message", plain, receiver)
        return copy.text if isinstance(copy, leak.Copy) and copy.text is not None else line

    return "\n".join(line_shown(line) for line in text.split("\n"))


def _board_refusal(refusal: leak.Refusal) -> Refusal:
    if refusal.key in _TEXT_ONLY:
        return Refusal("board.text_only")
    return Refusal(refusal.key, **refusal.params)


def _sent_text(content: Mapping[str, Any]) -> str:
    new = content.get("m.new_content")
    sent = new if isinstance(new, Mapping) and leak.edited_event(content) else content
    body = sent.get("body")
    return body if isinstance(body, str) else ""


def _check_length(tenant: Tenant, text: str) -> None:
    if len(text) > tenant.board_max_chars:
        raise Refusal("board.too_long", length=len(text), limit=tenant.board_max_chars)


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
    content = {
        "msgtype": "m.text",
        "body": "* " + new["body"],
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": target},
    }
    if leak.content_size(content) > leak.MAX_CONTENT_BYTES:
        # Clients show the new content; the fallback is for those that cannot, and a long
        # text does not fit twice in one event.
        content["body"] = "* " + new["body"][:200] + "…"
    return content


def answer_content(lang: Lang, topic: Topic, post: Post, name: str) -> dict[str, Any]:
    """An answer as a client sees it: the member badge and name, the text, and how to see the
    member's profile or nominate them."""
    ref = f"{topic.number}-{post.number}"
    badge = t(lang, "board.badge")
    footer = t(lang, "board.answer_footer", ref=ref)
    text = post.body
    content = {
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
    if leak.content_size(content) > leak.MAX_CONTENT_BYTES:
        del content["format"], content["formatted_body"]  # a long text fits once, not twice
    return content


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
