"""The board (seed 001): clients post topics anonymously, many operators answer in threads.

A client writes in a board room of their own (the client and the tenant's board ghost). A new
message there posts a topic; a message in the topic's thread adds to it. Operators share one
board room per tenant, where each topic is a thread root posted by a ghost of its own ("Poster
T-0042"), so two topics by one client cannot be linked. An operator answers in the thread; the
answer reaches the author's board room from the operator's member ghost (their profile name),
with a member badge. Other clients browse the board with commands in their own board room, and
never share a room with anyone.

Every event that shows a topic or a post, on any side, is recorded (``Shown``), so that hiding
one redacts it everywhere while the database keeps it for the audit.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError
from mautrix.types import EventID, EventType, RoomID, UserID

from .. import hours, relay
from ..bot import send_notice, txn_for
from ..context import Context
from ..db import (
    ADMIN,
    OPERATOR,
    Client,
    NoticeSent,
    OperatorSettings,
    OperatorState,
    Room,
    Tenant,
)
from ..db import room as room_kinds
from ..db.board import Post, Shown, Topic
from ..i18n import Lang, t
from ..rooms import create_room, link_to_space
from . import cases, notify, permissions, routing, validate
from .errors import Refusal, conflict, forbidden, not_found

log = logging.getLogger("soudan.board")

TEXT_TYPES = ("m.text", "m.emote")
BOARD_KEY = "fi.soudan.board"
PAGE = 10  # topics per page, and posts per page of an opened topic
MAX_PAGE = 100000
MAX_LENGTH = 20000
MAX_DAILY = 1000
NEW_TOPIC = "new_topic"
ON_BY_DEFAULT = ("counseling", "club")
_ANSWER_REF = re.compile(r"^[Tt]?-?0*(\d{1,9})-(\d{1,6})$")
_room_locks: dict[int, asyncio.Lock] = {}
_member_names: dict[UserID, str] = {}  # the name each member ghost is known to carry


def _lang(tenant: Tenant) -> Lang:
    return tenant.language  # type: ignore[return-value]


def label(number: int) -> str:
    """How a topic is named everywhere: T-0042."""
    return f"T-{number:04d}"


def board_ghost(ctx: Context, tenant: Tenant) -> IntentAPI:
    """The ghost that owns every client's board room of the tenant and answers commands there."""
    return ctx.az.intent.user(UserID(ctx.config.ghost_mxid(f"board_{tenant.slug}")))


# Settings


def settings_of(tenant: Tenant) -> dict[str, Any]:
    return {
        "enabled": tenant.board,
        "length": tenant.board_max_chars,
        "daily": tenant.board_daily_topics,
        "room": tenant.board_room,
    }


async def change_settings(ctx: Context, tenant: Tenant, changes: Mapping[str, object]) -> Tenant:
    """``enabled`` (on/off), ``length`` (characters per topic or answer), ``daily`` (new topics
    per client and day). Every value is checked before anything changes."""
    enabled, length, daily = tenant.board, tenant.board_max_chars, tenant.board_daily_topics
    for key, value in changes.items():
        if key == "enabled":
            enabled = permissions.flag(key, value)
        elif key == "length":
            length = validate.count(value, low=1, high=MAX_LENGTH, what="length")
        elif key == "daily":
            daily = validate.count(value, low=1, high=MAX_DAILY, what="daily")
        else:
            raise Refusal("perm.bad_key", setting=str(key)[:40], options="enabled, length, daily")
    tenant.board, tenant.board_max_chars, tenant.board_daily_topics = enabled, length, daily
    await tenant.save()
    if enabled:
        await ensure_board_room(ctx, tenant)
    return tenant


# The operators' board room


async def ensure_board_room(ctx: Context, tenant: Tenant) -> RoomID:
    """The tenant's board room for operators (and admins, who moderate), made on first use."""
    if tenant.board_room:
        return tenant.board_room
    async with _room_locks.setdefault(tenant.id, asyncio.Lock()):
        fresh = await Tenant.get(tenant.id)
        if fresh and fresh.board_room:
            tenant.board_room = fresh.board_room
            return fresh.board_room
        lang = _lang(tenant)
        staff = await tenant.members(OPERATOR) + await tenant.members(ADMIN)
        room_id = await create_room(
            ctx.az.intent,
            name=t(lang, "board.room_name", name=tenant.name),
            topic=t(lang, "board.room_topic"),
            invitees=list(dict.fromkeys(staff)),
            history="shared",  # an operator who joins later can still answer older topics
        )
        tenant.board_room = room_id
        await tenant.save()
        await Room.add(room_id, room_kinds.BOARD, tenant.id)
        if tenant.space_room:
            await link_to_space(
                ctx.az.intent, ctx.config["homeserver.domain"], tenant.space_room, room_id
            )
        await ctx.bot.notice(room_id, t(lang, "board.room_welcome"))
        return room_id


# The client's board room


async def open_for_client(ctx: Context, tenant: Tenant, client: Client) -> RoomID:
    """The client's own board room, made on first use and joined for them."""
    if not tenant.board:
        raise forbidden("board.off")
    if client.board_room:
        return client.board_room
    lang = _lang(tenant)
    ghost = board_ghost(ctx, tenant)
    await ghost.ensure_registered()
    await ghost.set_displayname(t(lang, "board.ghost_name", name=tenant.name))
    room_id = await create_room(
        ghost,
        name=t(lang, "board.client_room_name", name=tenant.name),
        topic=t(lang, "board.client_room_topic"),
        invitees=[client.user_id],
        federate=False,
    )
    await client.set_board_room(room_id)
    await Room.add(room_id, room_kinds.CLIENT_BOARD, tenant.id, client_id=client.id)
    await send_notice(
        ghost, room_id, t(lang, "board.client_welcome", length=tenant.board_max_chars)
    )
    await ctx.accounts.join(client.user_id, room_id)
    return room_id


async def on_client_event(
    ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]
) -> None:
    room_id = RoomID(raw["room_id"])
    event_id = EventID(raw["event_id"])
    ghost = board_ghost(ctx, tenant)
    lang = _lang(tenant)
    if tenant.suspended or tenant.halted:
        kind, since = (
            ("suspended", tenant.suspended_at) if tenant.suspended else ("halt", tenant.halted_at)
        )
        if await NoticeSent.claim(room_id, kind, str(since)):
            text = (
                t(lang, "refuse.suspended_client")
                if tenant.suspended
                else routing.text(tenant, "halt")
            )
            await send_notice(ghost, room_id, text)
        return
    if raw["type"] == "m.room.redaction":
        await _client_redaction(ctx, tenant, client, raw)
        return
    content = raw.get("content", {})
    if raw["type"] != "m.room.message" or not isinstance(content, dict):
        return
    relates = content.get("m.relates_to") or {}
    try:
        if relates.get("rel_type") == "m.replace":
            await _client_edit(ctx, tenant, client, raw)
        elif not tenant.board:
            raise forbidden("board.off")
        else:
            topic = await _topic_referred(room_id, relates)
            if topic is None:
                await _new_topic(ctx, tenant, client, raw)
            elif topic.client_id != client.id:
                raise forbidden("board.not_your_topic", topic=label(topic.number))
            else:
                await _follow_up(ctx, tenant, client, topic, raw)
    except Refusal as refusal:
        await send_notice(
            ghost,
            room_id,
            refusal.text(lang),
            txn_id=txn_for(event_id, "board-refused"),
            reply_to=event_id,
        )


async def _topic_referred(room_id: RoomID, relates: dict[str, Any]) -> Topic | None:
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


def _text(tenant: Tenant, content: dict[str, Any]) -> str:
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


def _start_of_day(tenant: Tenant, now_ms: int) -> int:
    tz = hours.zone(tenant.timezone)
    return hours.day_start(tz, datetime.fromtimestamp(now_ms / 1000, tz).date())


async def _new_topic(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> None:
    room_id = RoomID(raw["room_id"])
    event_id = EventID(raw["event_id"])
    topic = await Topic.by_source(event_id)
    if topic is None:
        text = _text(tenant, raw["content"])
        now = ctx.clock.now_ms()
        if (
            await Topic.count_since(client.id, _start_of_day(tenant, now))
            >= tenant.board_daily_topics
        ):
            raise Refusal("board.daily_limit", limit=tenant.board_daily_topics)
        topic = await Topic.insert(
            tenant.id, client.id, f"topic_{secrets.token_hex(6)}", text, event_id, now
        )
        log.info("Topic %s of tenant %s posted", label(topic.number), tenant.slug)
    await Shown(room_id, event_id, topic.id).add()
    await _publish_topic(ctx, tenant, topic)
    await send_notice(
        board_ghost(ctx, tenant),
        room_id,
        t(_lang(tenant), "board.posted", topic=label(topic.number)),
        txn_id=txn_for(event_id, "board-posted"),
        reply_to=event_id,
    )
    for settings in await OperatorSettings.notified(tenant.id):
        if settings.notify_new_topic:
            await notify.tell(
                ctx, tenant, settings.user_id, NEW_TOPIC, str(topic.id), topic=label(topic.number)
            )


async def _topic_ghost(ctx: Context, tenant: Tenant, topic: Topic, room_id: RoomID) -> IntentAPI:
    ghost = ctx.az.intent.user(UserID(ctx.config.ghost_mxid(topic.ghost)))
    if topic.root_event is None:  # new: named, invited and joined before it says anything
        await ghost.ensure_registered()
        await ghost.set_displayname(t(_lang(tenant), "board.alias", topic=label(topic.number)))
        if not await ctx.az.state_store.is_joined(room_id, ghost.mxid):
            await cases.invite(ctx, room_id, ghost.mxid)
    await ghost.ensure_joined(room_id, bot=ctx.az.intent)
    return ghost


async def _publish_topic(ctx: Context, tenant: Tenant, topic: Topic) -> IntentAPI:
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


async def _send(
    intent: IntentAPI, room_id: RoomID, content: dict[str, Any], txn_id: str | None = None
) -> EventID:
    """A message with content as the board builds it (threads, badges), not re-modelled."""
    return await intent.send_message_event(
        room_id, EventType.ROOM_MESSAGE, cast(Any, content), txn_id=txn_id
    )


def _thread(root: EventID, reply_to: EventID | None = None) -> dict[str, Any]:
    return {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": reply_to is None,
        "m.in_reply_to": {"event_id": reply_to or root},
    }


async def _follow_up(
    ctx: Context, tenant: Tenant, client: Client, topic: Topic, raw: dict[str, Any]
) -> None:
    event_id = EventID(raw["event_id"])
    post = await Post.by_source(event_id)
    if post is None:
        _open_for_posts(topic)
        text = _text(tenant, raw["content"])
        post = await Post.insert(topic.id, None, text, event_id, ctx.clock.now_ms())
    await Shown(RoomID(raw["room_id"]), event_id, topic.id, post.id).add()
    ghost = await _publish_topic(ctx, tenant, topic)
    assert tenant.board_room and topic.root_event
    content = {"msgtype": "m.text", "body": post.body, "m.relates_to": _thread(topic.root_event)}
    copy = await relay.send_once(ghost, tenant.board_room, event_id, "m.room.message", content)
    await Shown(tenant.board_room, copy, topic.id, post.id, event_id).add()


def _open_for_posts(topic: Topic) -> None:
    if topic.hidden:
        raise conflict("board.topic_hidden", topic=label(topic.number))
    if topic.closed:
        raise conflict("board.topic_closed", topic=label(topic.number))


async def _client_edit(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> None:
    content = raw["content"]
    target = EventID(str(content["m.relates_to"].get("event_id", "")))
    new = content.get("m.new_content")
    topic = await Topic.by_source(target)
    post = None if topic else await Post.by_source(target)
    if post is not None and post.operator_id is None:
        topic = await Topic.get(post.topic_id)
    if topic is None or topic.client_id != client.id or topic.hidden or not isinstance(new, dict):
        return  # not a topic or follow-up of theirs: nothing on the board changes
    text = _text(tenant, new)
    (post or topic).body = text
    await (post or topic).save()
    ghost = await _publish_topic(ctx, tenant, topic)
    assert tenant.board_room
    copy = topic.root_event if post is None else await Shown.copy_of(target, tenant.board_room)
    if copy:
        await relay.send_once(
            ghost, tenant.board_room, EventID(raw["event_id"]), "m.room.message", _edit(copy, text)
        )


def _edit(target: EventID, text: str, new: dict[str, Any] | None = None) -> dict[str, Any]:
    new = new or {"msgtype": "m.text", "body": text}
    return {
        "msgtype": "m.text",
        "body": "* " + new["body"],
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": target},
    }


async def _client_redaction(
    ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]
) -> None:
    """An author who deletes their topic or follow-up takes it off the board."""
    redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
    if not isinstance(redacted, str):
        return
    topic = await Topic.by_source(EventID(redacted))
    if topic is not None and topic.client_id == client.id and not topic.hidden:
        await _hide_topic(ctx, tenant, topic, "author")
        return
    post = await Post.by_source(EventID(redacted))
    if post is not None and post.operator_id is None and not post.hidden:
        owner = await Topic.get(post.topic_id)
        if owner is not None and owner.client_id == client.id:
            await _hide_post(ctx, tenant, post, "author")


# Operators answer in the board room


async def on_operator_event(
    ctx: Context, tenant: Tenant, sender: UserID, raw: dict[str, Any]
) -> None:
    assert tenant.board_room
    event_id = EventID(raw["event_id"])
    if raw["type"] == "m.room.redaction":
        redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
        post = await Post.by_source(EventID(redacted)) if isinstance(redacted, str) else None
        if post is not None and post.operator_id == sender and not post.hidden:
            await _hide_post(ctx, tenant, post, sender)
        return
    content = raw.get("content", {})
    if raw["type"] != "m.room.message" or not isinstance(content, dict):
        return
    relates = content.get("m.relates_to") or {}
    topic = None
    try:
        if relates.get("rel_type") == "m.replace":
            await _operator_edit(ctx, tenant, sender, raw)
            return
        topic = await _topic_referred(tenant.board_room, relates)
        if topic is None:
            raise Refusal("board.answer_in_thread")
        await _answer(ctx, tenant, sender, topic, raw)
    except Refusal as refusal:
        root = topic.root_event if topic else None
        notice = {
            "msgtype": "m.notice",
            "body": refusal.text(_lang(tenant)),
            "m.relates_to": _thread(root, event_id)
            if root
            else {"m.in_reply_to": {"event_id": event_id}},
        }
        await _send(
            ctx.az.intent, tenant.board_room, notice, txn_id=txn_for(event_id, "board-refused")
        )


async def _may_answer(tenant: Tenant, operator: UserID) -> OperatorState:
    if tenant.suspended or tenant.halted:
        raise conflict("routing.halted_operator")
    if not tenant.board:
        raise forbidden("board.off")
    if not await tenant.has_member(operator, OPERATOR):
        raise forbidden("board.operators_only")
    settings = await OperatorSettings.get(tenant.id, operator)
    if not settings.may_send:
        raise forbidden("perm.view_only")
    if settings.templates_only:
        raise forbidden("board.templates_only")
    state = await OperatorState.get(tenant.id, operator)
    if not state.profile_name:
        raise Refusal("board.profile_first")
    return state


async def _answer(
    ctx: Context, tenant: Tenant, operator: UserID, topic: Topic, raw: dict[str, Any]
) -> None:
    assert tenant.board_room
    event_id = EventID(raw["event_id"])
    post = await Post.by_source(event_id)
    state = await _may_answer(tenant, operator)
    if post is None:
        _open_for_posts(topic)
        text = _text(tenant, raw["content"])
        post = await Post.insert(topic.id, operator, text, event_id, ctx.clock.now_ms())
    await Shown(tenant.board_room, event_id, topic.id, post.id).add()
    client = await Client.get(topic.client_id)
    if client is None or client.board_room is None:
        return
    # An answer to one of the author's follow-ups replies to it on their side too.
    relates = raw["content"].get("m.relates_to") or {}
    reply = relates.get("m.in_reply_to") if not relates.get("is_falling_back") else None
    reply_to = None
    if isinstance(reply, dict) and isinstance(reply.get("event_id"), str):
        for shown in await Shown.find(tenant.board_room, EventID(reply["event_id"])):
            reply_to = shown.source_event
    ghost = await member_ghost(ctx, tenant, state)
    await ghost.ensure_joined(client.board_room, bot=board_ghost(ctx, tenant))
    content = answer_content(_lang(tenant), topic, post, str(state.profile_name))
    content["m.relates_to"] = _thread(topic.source_event, reply_to)
    copy = await relay.send_once(ghost, client.board_room, event_id, "m.room.message", content)
    await Shown(client.board_room, copy, topic.id, post.id, event_id).add()
    await routing.touch(ctx, tenant, operator)
    # The author hears of answers in their desk room once a day per topic, not per answer.
    once = f"{topic.id}-{_start_of_day(tenant, ctx.clock.now_ms())}"
    if client.room_id and await NoticeSent.claim(client.room_id, "board-answer", once):
        await send_notice(
            ctx.desk(tenant.slug),
            client.room_id,
            t(_lang(tenant), "board.new_answer", topic=label(topic.number)),
            txn_id=txn_for(event_id, "board-new-answer"),
        )


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


async def _operator_edit(
    ctx: Context, tenant: Tenant, operator: UserID, raw: dict[str, Any]
) -> None:
    content = raw["content"]
    target = EventID(str(content["m.relates_to"].get("event_id", "")))
    post = await Post.by_source(target)
    new = content.get("m.new_content")
    if post is None or post.operator_id != operator or post.hidden or not isinstance(new, dict):
        return
    state = await _may_answer(tenant, operator)
    topic = await Topic.get(post.topic_id)
    client = await Client.get(topic.client_id) if topic else None
    post.body = _text(tenant, new)
    await post.save()
    if topic is None or client is None or client.board_room is None:
        return
    copy = await Shown.copy_of(target, client.board_room)
    if copy is None:
        return
    shown = answer_content(_lang(tenant), topic, post, str(state.profile_name))
    ghost = await member_ghost(ctx, tenant, state)
    await relay.send_once(
        ghost,
        client.board_room,
        EventID(raw["event_id"]),
        "m.room.message",
        _edit(copy, post.body, shown),
    )


# Lists and moderation


async def find_topic(tenant: Tenant, number: object) -> Topic:
    text = str(number).strip()
    match = re.fullmatch(r"[Tt]?-?0*(\d{1,9})", text)
    if match is None:
        raise Refusal("board.bad_topic", value=text[:20])
    topic = await Topic.by_number(tenant.id, int(match.group(1)))
    if topic is None:
        raise not_found("board.unknown_topic", topic=label(int(match.group(1))))
    return topic


async def find_answer(tenant: Tenant, ref: object) -> tuple[Topic, Post]:
    """An answer by its reference "42-2": topic 42, answer 2."""
    match = _ANSWER_REF.fullmatch(str(ref).strip())
    if match is None:
        raise Refusal("board.bad_answer", value=str(ref)[:20])
    topic = await find_topic(tenant, match.group(1))
    post = await Post.answer(topic.id, int(match.group(2)))
    if post is None:
        raise not_found("board.unknown_answer", ref=f"{topic.number}-{match.group(2)}")
    return topic, post


async def all_topics(tenant: Tenant, page: int) -> tuple[list[tuple[Topic, int]], int]:
    """A page of every topic, hidden ones included, with its visible answers (moderators)."""
    topics, total = await Topic.page(tenant.id, (page - 1) * PAGE, PAGE, hidden=True)
    counts = await Topic.answer_counts([topic.id for topic in topics])
    return [(topic, counts.get(topic.id, 0)) for topic in topics], total


async def rename_member(ctx: Context, tenant: Tenant, operator: UserID) -> None:
    """After a profile change: the operator's member ghost carries the new name."""
    state = await OperatorState.get(tenant.id, operator)
    if state.board_ghost:
        await member_ghost(ctx, tenant, state)


async def unanswered(tenant: Tenant, operator: UserID) -> list[Topic]:
    return await Topic.unanswered_by(tenant.id, operator)


def age(lang: Lang, now_ms: int, then_ms: int) -> str:
    minutes = max(0, (now_ms - then_ms) // 60000)
    if minutes < 60:
        return t(lang, "board.age_minutes", n=minutes)
    if minutes < 48 * 60:
        return t(lang, "board.age_hours", n=minutes // 60)
    return t(lang, "board.age_days", n=minutes // (24 * 60))


def first_line(text: str, width: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


async def may_moderate(ctx: Context, tenant: Tenant, user_id: UserID) -> bool:
    if user_id in ctx.config["platform.admins"] or await tenant.has_member(user_id, ADMIN):
        return True
    if not await tenant.has_member(user_id, OPERATOR):
        return False
    return (await OperatorSettings.get(tenant.id, user_id)).moderate


async def hide_topic(ctx: Context, tenant: Tenant, number: object, by: UserID) -> Topic:
    topic = await find_topic(tenant, number)
    if topic.hidden:
        raise conflict("board.already_hidden", topic=label(topic.number))
    await _hide_topic(ctx, tenant, topic, by)
    return topic


async def _hide_topic(ctx: Context, tenant: Tenant, topic: Topic, by: str) -> None:
    topic.hidden_at, topic.hidden_by = ctx.clock.now_ms(), by
    await topic.save()
    log.info("Topic %s of tenant %s hidden", label(topic.number), tenant.slug)
    await _redact(ctx, tenant, await Shown.of_topic(topic.id))
    if by != "author":
        client = await Client.get(topic.client_id)
        if client and client.board_room:
            await send_notice(
                board_ghost(ctx, tenant),
                client.board_room,
                t(_lang(tenant), "board.topic_removed", topic=label(topic.number)),
                txn_id=txn_for(topic.source_event, "board-removed"),
            )


async def hide_answer(ctx: Context, tenant: Tenant, ref: object, by: UserID) -> Post:
    _, post = await find_answer(tenant, ref)
    if post.hidden:
        raise conflict("board.answer_already_hidden", ref=str(ref).strip()[:20])
    await _hide_post(ctx, tenant, post, by)
    return post


async def _hide_post(ctx: Context, tenant: Tenant, post: Post, by: str) -> None:
    post.hidden_at, post.hidden_by = ctx.clock.now_ms(), by
    await post.save()
    await _redact(ctx, tenant, await Shown.of_post(post.id))


async def _redact(ctx: Context, tenant: Tenant, shown: list[Shown]) -> None:
    """Redact every event that shows it: the bot owns the operators' room, the board ghost
    every client's board room."""
    done: set[tuple[str, str]] = set()
    for item in shown:
        if (item.room_id, item.event_id) in done:
            continue
        done.add((item.room_id, item.event_id))
        intent = ctx.az.intent if item.room_id == tenant.board_room else board_ghost(ctx, tenant)
        try:
            await intent.redact(item.room_id, item.event_id)
        except MatrixError as e:
            log.warning("Could not redact a board event in %s: %s", item.room_id, e)


async def set_closed(ctx: Context, tenant: Tenant, number: object, closed: bool) -> Topic:
    topic = await find_topic(tenant, number)
    if topic.hidden:
        raise conflict("board.topic_hidden", topic=label(topic.number))
    if topic.closed == closed:
        key = "board.already_closed" if closed else "board.not_closed"
        raise conflict(key, topic=label(topic.number))
    topic.closed_at = ctx.clock.now_ms() if closed else None
    await topic.save()
    lang = _lang(tenant)
    text = t(lang, "board.closed" if closed else "board.reopened", topic=label(topic.number))
    client = await Client.get(topic.client_id)
    for intent, room, root in (
        (ctx.az.intent, tenant.board_room, topic.root_event),
        (board_ghost(ctx, tenant), client.board_room if client else None, topic.source_event),
    ):
        if room and root:
            content = {"msgtype": "m.notice", "body": text, "m.relates_to": _thread(root)}
            await _send(intent, room, content)
    return topic


# Browsing, profiles and nomination: a client's commands in their board room


async def answer_named(
    tenant: Tenant, room_id: RoomID, args: list[str], reply_to: EventID | None
) -> tuple[Topic, Post]:
    """The answer named by its reference, or the answer a command replies to; shown ones."""
    found: tuple[Topic, Post] | None = None
    if len(args) == 1:
        found = await find_answer(tenant, args[0])
    elif not args and reply_to is not None:
        for shown in await Shown.find(room_id, reply_to):
            post = await Post.get(shown.post_id) if shown.post_id else None
            topic = await Topic.get(shown.topic_id)
            if post is not None and post.is_answer and topic is not None:
                found = topic, post
                break
    if found is None:
        raise Refusal("board.which_answer")
    topic, post = found
    if post.hidden or topic.hidden:
        raise not_found("board.unknown_answer", ref=f"{topic.number}-{post.number}")
    assert post.operator_id is not None
    return topic, post


@dataclass(frozen=True)
class TopicsPage:
    topics: list[Topic]
    answers: dict[int, int]  # topic ID → number of answers
    pages: int
    more: bool


async def topics_page(tenant: Tenant, page: int) -> TopicsPage:
    """One page of the board's topics for a client, newest first."""
    topics, total = await Topic.page(tenant.id, (page - 1) * PAGE, PAGE)
    counts = await Topic.answer_counts([topic.id for topic in topics])
    return TopicsPage(topics, counts, (total + PAGE - 1) // PAGE, page * PAGE < total)


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    posts: list[Post]  # the page asked for
    answers: int  # in the whole topic
    more: bool  # posts after this page
    names: dict[UserID, str]  # the public names of this page's answerers


async def topic_view(tenant: Tenant, number: object, page: int) -> TopicView:
    """A topic and one page of its posts, as a client may see them."""
    topic = await find_topic(tenant, number)
    if topic.hidden:
        raise not_found("board.unknown_topic", topic=label(topic.number))
    posts = await Post.of_topic(topic.id)
    page_posts = posts[(page - 1) * PAGE : page * PAGE]
    names: dict[UserID, str] = {}
    for post in page_posts:
        if post.is_answer:
            assert post.operator_id
            state = await OperatorState.get(tenant.id, post.operator_id)
            names[post.operator_id] = state.profile_name or ""
    answers = sum(1 for p in posts if p.is_answer)
    return TopicView(topic, page_posts, answers, len(posts) > page * PAGE, names)


async def shown(
    room_id: RoomID, event_id: EventID, topic: Topic, post: Post | None = None
) -> None:
    """An event of a client's board room shows this topic (or post): replying to it refers to
    the topic, and hiding the topic (or post) redacts it."""
    await Shown(room_id, event_id, topic.id, post.id if post else None).add()


async def member_profile(tenant: Tenant, operator: UserID) -> OperatorState:
    """The profile of a member who answered, while they are a member with a profile."""
    state = await OperatorState.get(tenant.id, operator)
    if not await tenant.has_member(operator, OPERATOR) or not state.profile_name:
        raise not_found("board.member_gone")
    return state


async def nominate(
    ctx: Context, tenant: Tenant, client: Client, operator: UserID, source: EventID
) -> OperatorState:
    """The client asks the member who answered for a chat consultation."""
    if not await tenant.has_member(operator, OPERATOR):
        raise not_found("board.member_gone")
    state = await OperatorState.get(tenant.id, operator)
    await routing.nominate_operator(ctx, tenant, client, state)
    if client.room_id:
        await send_notice(
            ctx.desk(tenant.slug),
            client.room_id,
            t(_lang(tenant), "board.nominated_chat", name=state.profile_name),
            txn_id=txn_for(source, "board-nominated"),
        )
    return state
