"""Taking topics and answers off the board (every event that shows them is redacted) and
closing or reopening a topic."""

from __future__ import annotations

import logging

from mautrix.errors import MatrixError
from mautrix.types import UserID

from ...bot import send_notice, txn_for
from ...context import Context
from ...db import ADMIN, OPERATOR, Client, OperatorSettings, Tenant
from ...db.post import Post
from ...db.shown import Shown
from ...db.topic import Topic
from ...i18n import t
from ..errors import conflict, forbidden
from .lists import find_answer, find_topic
from .messages import send_content, thread
from .rooms import board_ghost, label

log = logging.getLogger("soudan.board")


async def may_moderate(ctx: Context, tenant: Tenant, user_id: UserID) -> bool:
    """Admins and operators with moderate=on may hide and close topics; the bot is who acts
    for an API caller, who holds the tenant's admin token or the platform's."""
    if user_id == ctx.az.bot_mxid or user_id in ctx.config["platform.admins"]:
        return True
    if await tenant.has_member(user_id, ADMIN):
        return True
    if not await tenant.has_member(user_id, OPERATOR):
        return False
    return (await OperatorSettings.get(tenant.id, user_id)).moderate


async def _require_moderator(ctx: Context, tenant: Tenant, user_id: UserID) -> None:
    if not await may_moderate(ctx, tenant, user_id):
        raise forbidden("board.not_moderator")


async def hide_topic(ctx: Context, tenant: Tenant, number: object, by: UserID) -> Topic:
    await _require_moderator(ctx, tenant, by)
    topic = await find_topic(tenant, number)
    if topic.hidden:
        raise conflict("board.already_hidden", topic=label(topic.number))
    await withdraw_topic(ctx, tenant, topic, by)
    return topic


async def withdraw_topic(ctx: Context, tenant: Tenant, topic: Topic, by: str) -> None:
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
                t(tenant.language, "board.topic_removed", topic=label(topic.number)),
                txn_id=txn_for(topic.source_event, "board-removed"),
            )


async def hide_answer(ctx: Context, tenant: Tenant, ref: object, by: UserID) -> Post:
    await _require_moderator(ctx, tenant, by)
    _, post = await find_answer(tenant, ref)
    if post.hidden:
        raise conflict("board.answer_already_hidden", ref=str(ref).strip()[:20])
    await withdraw_post(ctx, tenant, post, by)
    return post


async def withdraw_post(ctx: Context, tenant: Tenant, post: Post, by: str) -> None:
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


async def set_closed(
    ctx: Context, tenant: Tenant, number: object, closed: bool, by: UserID
) -> Topic:
    await _require_moderator(ctx, tenant, by)
    topic = await find_topic(tenant, number)
    if topic.hidden:
        raise conflict("board.topic_hidden", topic=label(topic.number))
    if topic.closed == closed:
        key = "board.already_closed" if closed else "board.not_closed"
        raise conflict(key, topic=label(topic.number))
    topic.closed_at = ctx.clock.now_ms() if closed else None
    await topic.save()
    lang = tenant.language
    text = t(lang, "board.closed" if closed else "board.reopened", topic=label(topic.number))
    client = await Client.get(topic.client_id)
    for intent, room, root in (
        (ctx.az.intent, tenant.board_room, topic.root_event),
        (board_ghost(ctx, tenant), client.board_room if client else None, topic.source_event),
    ):
        if room and root:
            content = {"msgtype": "m.notice", "body": text, "m.relates_to": thread(root)}
            await send_content(intent, room, content)
    return topic
