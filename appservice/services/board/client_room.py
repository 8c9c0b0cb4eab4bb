"""A client's board room: a new message posts a topic, one in its thread follows it up, an
edit or a deletion changes it on the board too; and nominating a member who answered.

Anything else the client sends there (a picture, sticker, location, poll, reaction, an edit of
a message that is not theirs on the board) changes nothing and is answered with why."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from mautrix.errors import MatrixError
from mautrix.types import EventID, RoomID, UserID

from ... import leak, relay
from ...bot import send_notice, txn_for
from ...context import Context
from ...db import OPERATOR, Client, NoticeSent, OperatorSettings, OperatorState, Tenant
from ...db.post import Post
from ...db.shown import Shown
from ...db.topic import Topic
from ...i18n import t
from .. import notify, routing
from ..errors import Refusal, conflict, forbidden, not_found
from .messages import (
    edit_content,
    known_names,
    not_posted,
    open_for_posts,
    post_text,
    publish_topic,
    readers,
    start_of_day,
    thread,
    topic_referred,
)
from .moderation import withdraw_post, withdraw_topic
from .rooms import board_ghost, label

log = logging.getLogger("soudan.board")

NEW_TOPIC = "new_topic"


async def on_client_event(
    ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]
) -> None:
    """A client's event in their board room: a topic, a follow-up, or an edit or deletion of
    one. Their commands there go through the command registry before this."""
    room_id = RoomID(raw["room_id"])
    event_id = EventID(raw["event_id"])
    ghost = board_ghost(ctx, tenant)
    lang = tenant.language
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
    content = raw.get("content")
    content = content if isinstance(content, dict) else {}
    relates = content.get("m.relates_to")
    relates = relates if isinstance(relates, dict) else {}
    try:
        if raw["type"] != "m.room.message":
            raise not_posted(raw["type"], content)
        if relates.get("rel_type") == "m.replace":
            await _client_edit(ctx, tenant, client, raw)
        elif not tenant.board:
            raise forbidden("board.off")
        else:
            topic = await topic_referred(room_id, relates)
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


async def _new_topic(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> None:
    room_id = RoomID(raw["room_id"])
    event_id = EventID(raw["event_id"])
    topic = await Topic.by_source(event_id)
    if topic is None:
        names = await known_names(ctx, tenant, None, by_operator=False)
        text = post_text(tenant, raw["type"], raw["content"], readers(tenant, names))
        now = ctx.clock.now_ms()
        if (
            await Topic.count_since(client.id, start_of_day(tenant, now))
            >= tenant.board_daily_topics
        ):
            raise Refusal("board.daily_limit", limit=tenant.board_daily_topics)
        topic = await Topic.insert(
            tenant.id, client.id, f"topic_{secrets.token_hex(6)}", text, event_id, now
        )
        log.info("Topic %s of tenant %s posted", label(topic.number), tenant.slug)
    await Shown(room_id, event_id, topic.id).add()
    await publish_topic(ctx, tenant, topic)
    await send_notice(
        board_ghost(ctx, tenant),
        room_id,
        t(tenant.language, "board.posted", topic=label(topic.number)),
        txn_id=txn_for(event_id, "board-posted"),
        reply_to=event_id,
    )
    for settings in await OperatorSettings.notified(tenant.id):
        if settings.notify_new_topic:
            await notify.tell(
                ctx, tenant, settings.user_id, NEW_TOPIC, str(topic.id), topic=label(topic.number)
            )


async def _follow_up(
    ctx: Context, tenant: Tenant, client: Client, topic: Topic, raw: dict[str, Any]
) -> None:
    event_id = EventID(raw["event_id"])
    post = await Post.by_source(event_id)
    if post is None:
        open_for_posts(topic)
        names = await known_names(ctx, tenant, topic, by_operator=False)
        text = post_text(tenant, raw["type"], raw["content"], readers(tenant, names))
        post = await Post.insert(topic.id, None, text, event_id, ctx.clock.now_ms())
    await Shown(RoomID(raw["room_id"]), event_id, topic.id, post.id).add()
    ghost = await publish_topic(ctx, tenant, topic)
    assert tenant.board_room and topic.root_event
    content = {"msgtype": "m.text", "body": post.body, "m.relates_to": thread(topic.root_event)}
    copy = await relay.send_once(ghost, tenant.board_room, event_id, "m.room.message", content)
    await Shown(tenant.board_room, copy, topic.id, post.id, event_id).add()


async def _client_edit(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> None:
    content = raw["content"]
    target = leak.edited_event(content)
    topic = await Topic.by_source(EventID(target)) if target else None
    post = None if topic or not target else await Post.by_source(EventID(target))
    if post is not None and post.operator_id is None:
        topic = await Topic.get(post.topic_id)
    if topic is None or topic.client_id != client.id:
        room_id = RoomID(raw["room_id"])
        if target and await _author(ctx, tenant, room_id, EventID(target)) == client.user_id:
            raise Refusal("board.edit_not_posted")
        raise Refusal(leak.REFUSED_EDIT)
    if topic.hidden:
        raise conflict("board.topic_hidden", topic=label(topic.number))
    if post is not None and post.hidden:
        raise conflict("board.post_removed")
    assert target is not None
    names = await known_names(ctx, tenant, topic, by_operator=False)
    text = post_text(tenant, raw["type"], content, readers(tenant, names), own_edit=True)
    (post or topic).body = text
    await (post or topic).save()
    ghost = await publish_topic(ctx, tenant, topic)
    assert tenant.board_room
    copy = (
        topic.root_event
        if post is None
        else await Shown.copy_of(EventID(target), tenant.board_room)
    )
    if copy:
        await relay.send_once(
            ghost,
            tenant.board_room,
            EventID(raw["event_id"]),
            "m.room.message",
            edit_content(copy, text),
        )


async def _author(ctx: Context, tenant: Tenant, room_id: RoomID, event_id: EventID) -> str | None:
    """Who sent an event of the client's board room (None: it cannot be read)."""
    try:
        return str((await board_ghost(ctx, tenant).get_event(room_id, event_id)).sender)
    except MatrixError:
        return None


async def _client_redaction(
    ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]
) -> None:
    """An author who deletes their topic or follow-up takes it off the board."""
    redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
    if not isinstance(redacted, str):
        return
    topic = await Topic.by_source(EventID(redacted))
    if topic is not None and topic.client_id == client.id and not topic.hidden:
        await withdraw_topic(ctx, tenant, topic, "author")
        return
    post = await Post.by_source(EventID(redacted))
    if post is not None and post.operator_id is None and not post.hidden:
        owner = await Topic.get(post.topic_id)
        if owner is not None and owner.client_id == client.id:
            await withdraw_post(ctx, tenant, post, "author")


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
            t(tenant.language, "board.nominated_chat", name=state.profile_name),
            txn_id=txn_for(source, "board-nominated"),
        )
    return state
