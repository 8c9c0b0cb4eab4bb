"""The operators' board room: an operator answers a topic in its thread, and the answer
reaches the author's board room under their member ghost; edits and deletions follow.

Anything else an operator sends there (a picture, sticker, location, poll, reaction, an edit of
someone else's message) reaches no client and is answered with why."""

from __future__ import annotations

from typing import Any

from mautrix.errors import MatrixError
from mautrix.types import EventID, UserID

from ... import leak, relay
from ...bot import send_notice, txn_for
from ...context import Context
from ...db import OPERATOR, Client, NoticeSent, OperatorSettings, OperatorState, Tenant
from ...db.post import Post
from ...db.shown import Shown
from ...db.topic import Topic
from ...i18n import t
from .. import routing
from ..errors import Refusal, conflict, forbidden
from .messages import (
    answer_content,
    edit_content,
    known_names,
    member_ghost,
    not_posted,
    open_for_posts,
    post_text,
    readers,
    send_content,
    start_of_day,
    thread,
    topic_referred,
)
from .moderation import withdraw_post
from .rooms import board_ghost, label


async def on_operator_event(
    ctx: Context, tenant: Tenant, sender: UserID, raw: dict[str, Any]
) -> None:
    assert tenant.board_room
    event_id = EventID(raw["event_id"])
    if raw["type"] == "m.room.redaction":
        redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
        post = await Post.by_source(EventID(redacted)) if isinstance(redacted, str) else None
        if post is not None and post.operator_id == sender and not post.hidden:
            await withdraw_post(ctx, tenant, post, sender)
        return
    content = raw.get("content")
    content = content if isinstance(content, dict) else {}
    relates = content.get("m.relates_to")
    relates = relates if isinstance(relates, dict) else {}
    topic = None
    try:
        if raw["type"] != "m.room.message":
            topic = await topic_referred(tenant.board_room, relates)
            raise not_posted(raw["type"], content)
        if relates.get("rel_type") == "m.replace":
            await _operator_edit(ctx, tenant, sender, raw)
            return
        topic = await topic_referred(tenant.board_room, relates)
        if topic is None:
            raise Refusal("board.answer_in_thread")
        await _answer(ctx, tenant, sender, topic, raw)
    except Refusal as refusal:
        root = topic.root_event if topic else None
        notice = {
            "msgtype": "m.notice",
            "body": refusal.text(tenant.language),
            "m.relates_to": thread(root, event_id)
            if root
            else {"m.in_reply_to": {"event_id": event_id}},
        }
        await send_content(
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
        open_for_posts(topic)
        names = await known_names(ctx, tenant, topic, by_operator=True)
        text = post_text(tenant, raw["type"], raw["content"], readers(tenant, names))
        post = await Post.insert(topic.id, operator, text, event_id, ctx.clock.now_ms())
    await Shown(tenant.board_room, event_id, topic.id, post.id).add()
    client = await Client.get(topic.client_id)
    if client is None or client.removed or client.board_room is None:
        return  # kept on the board; the author's account is gone
    # An answer to one of the author's follow-ups replies to it on their side too.
    relates = raw["content"].get("m.relates_to") or {}
    reply = relates.get("m.in_reply_to") if not relates.get("is_falling_back") else None
    reply_to = None
    if isinstance(reply, dict) and isinstance(reply.get("event_id"), str):
        for shown in await Shown.find(tenant.board_room, EventID(reply["event_id"])):
            reply_to = shown.source_event
    ghost = await member_ghost(ctx, tenant, state)
    await ghost.ensure_joined(client.board_room, bot=board_ghost(ctx, tenant))
    content = answer_content(tenant.language, topic, post, str(state.profile_name))
    content["m.relates_to"] = thread(topic.source_event, reply_to)
    copy = await relay.send_once(ghost, client.board_room, event_id, "m.room.message", content)
    await Shown(client.board_room, copy, topic.id, post.id, event_id).add()
    await routing.touch(ctx, tenant, operator)
    # The author hears of answers in their desk room once a day per topic, not per answer.
    once = f"{topic.id}-{start_of_day(tenant, ctx.clock.now_ms())}"
    if client.room_id and await NoticeSent.claim(client.room_id, "board-answer", once):
        await send_notice(
            ctx.desk(tenant.slug),
            client.room_id,
            t(tenant.language, "board.new_answer", topic=label(topic.number)),
            txn_id=txn_for(event_id, "board-new-answer"),
        )


async def _operator_edit(
    ctx: Context, tenant: Tenant, operator: UserID, raw: dict[str, Any]
) -> None:
    assert tenant.board_room
    content = raw["content"]
    target = leak.edited_event(content)
    post = await Post.by_source(EventID(target)) if target else None
    if post is None or post.operator_id != operator:
        if target and await _author(ctx, tenant, EventID(target)) == operator:
            raise Refusal("board.edit_not_posted")
        raise Refusal(leak.REFUSED_EDIT)
    if post.hidden:
        raise conflict("board.post_removed")
    state = await _may_answer(tenant, operator)
    topic = await Topic.get(post.topic_id)
    client = await Client.get(topic.client_id) if topic else None
    names = await known_names(ctx, tenant, topic, by_operator=True)
    post.body = post_text(tenant, raw["type"], content, readers(tenant, names), own_edit=True)
    await post.save()
    if topic is None or client is None or client.board_room is None:
        return
    copy = await Shown.copy_of(post.source_event, client.board_room)
    if copy is None:
        return
    shown = answer_content(tenant.language, topic, post, str(state.profile_name))
    ghost = await member_ghost(ctx, tenant, state)
    await relay.send_once(
        ghost,
        client.board_room,
        EventID(raw["event_id"]),
        "m.room.message",
        edit_content(copy, post.body, shown),
    )


async def _author(ctx: Context, tenant: Tenant, event_id: EventID) -> str | None:
    """Who sent an event of the operators' board room (None: it cannot be read)."""
    assert tenant.board_room
    try:
        return str((await ctx.az.intent.get_event(tenant.board_room, event_id)).sender)
    except MatrixError:
        return None


async def rename_member(ctx: Context, tenant: Tenant, operator: UserID) -> None:
    """After a profile change: the operator's member ghost carries the new name."""
    state = await OperatorState.get(tenant.id, operator)
    if state.board_ghost:
        await member_ghost(ctx, tenant, state)
