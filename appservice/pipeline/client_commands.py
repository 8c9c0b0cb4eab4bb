"""The commands a client has: in the desk room (counselors, nomination, sessions, the board
room) and in their board room (browsing topics, profiles and nominating who answered)."""

from __future__ import annotations

from typing import Any

from mautrix.types import EventID, RoomID, UserID

from ..bot import send_notice, txn_for
from ..context import Context
from ..db import OPERATOR, Client, OperatorState
from ..db.board import Post, Shown, Topic
from ..db.tenant import Tenant
from ..i18n import t
from ..services import board, letters, routing, sessions, validate
from ..services.board import (
    MAX_PAGE,
    PAGE,
    age,
    answer_content,
    board_ghost,
    find_answer,
    find_topic,
    first_line,
    label,
    nominate,
)
from ..services.board.messages import send_content as _send
from ..services.errors import Refusal, not_found

# The desk room


async def client_command(
    ctx: Context, tenant: Tenant, client: Client, body: str, source: EventID
) -> str:
    """The few commands a client has: the nomination list and nominating."""
    lang = tenant.language
    parts = body[1:].split()
    name = parts[0].lower() if parts else ""
    try:
        if name == "operators":
            if await letters.needs_counselor(client):
                listed = await letters.nominable(tenant, client)
            else:
                listed = await routing.nominable(tenant, client)
            if not listed:
                return t(lang, "routing.nobody_nominable")
            lines = [t(lang, "routing.nominable_header")]
            for number, state in enumerate(listed, start=1):
                about = f" — {state.profile_text}" if state.profile_text else ""
                lines.append(f"{number}. {state.profile_name}{about}")
            return "\n".join(lines)
        if name == "nominate":
            if len(parts) != 2:
                return t(lang, "help.usage", usage="!nominate <number>")
            if "-" in parts[1]:  # an answer on the board: "42-2"
                return await _nominate_from_board(ctx, tenant, client, parts[1], source)
            package = await letters.needs_counselor(client)
            if package is not None:
                name = await letters.choose_counselor(ctx, tenant, client, package, parts[1])
                return t(lang, "letters.counselor_chosen", name=name)
            chosen = await routing.nominate(ctx, tenant, client, parts[1])
            return t(lang, "routing.nominated", name=chosen.profile_name)
        if name in SESSION_COMMANDS:
            return await _session_command(ctx, tenant, client, name, parts[1:], source)
        if name == "board" and len(parts) == 1:
            await board.open_for_client(ctx, tenant, client)
            return t(
                lang, "board.opened", name=t(lang, "board.client_room_name", name=tenant.name)
            )
    except Refusal as refusal:
        return refusal.text(lang)
    return t(lang, "refuse.client_commands")


SESSION_COMMANDS = ("slots", "book", "bookings", "cancel")


async def _session_command(
    ctx: Context, tenant: Tenant, client: Client, name: str, args: list[str], source: EventID
) -> str:
    """Booking a scheduled session: the free slots, booking one, the client's bookings, and
    cancelling one."""
    lang = tenant.language
    if name == "slots" and len(args) <= 2:
        return await sessions.client_slots(ctx, tenant, client, args)
    if name == "book" and len(args) == 1:
        await sessions.book(ctx, tenant, client, args[0], source)
        return ""  # the confirmation, with its calendar file, is already there
    if name == "bookings" and not args:
        return await sessions.client_bookings(ctx, tenant, client)
    if name == "cancel" and len(args) == 1:
        await sessions.client_cancel(ctx, tenant, client, args[0], source)
        return ""
    usage = {
        "slots": "!slots [<number> | last] [YYYY-MM-DD]",
        "book": "!book <slot>",
        "bookings": "!bookings",
        "cancel": "!cancel <booking>",
    }
    return t(lang, "help.usage", usage=usage[name])


async def _nominate_from_board(
    ctx: Context, tenant: Tenant, client: Client, ref: str, source: EventID
) -> str:
    topic, post = await board.find_answer(tenant, ref)
    if post.hidden or topic.hidden or post.operator_id is None:
        raise not_found("board.unknown_answer", ref=ref[:20])
    chosen = await board.nominate(ctx, tenant, client, post.operator_id, source)
    return t(tenant.language, "routing.nominated", name=chosen.profile_name)


# The client's board room


async def board_command(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> None:
    room_id = RoomID(raw["room_id"])
    event_id = EventID(raw["event_id"])
    lang = tenant.language
    parts = str(raw["content"].get("body", ""))[1:].split()
    name, args = (parts[0].lower(), parts[1:]) if parts else ("", [])
    ghost = board_ghost(ctx, tenant)

    async def say(text: str, purpose: str = "board-answer") -> EventID:
        return await send_notice(
            ghost, room_id, text, txn_id=txn_for(event_id, purpose), reply_to=event_id
        )

    if name in ("topics", "board"):
        page = validate.count(args[0], low=1, high=MAX_PAGE, what="page") if args else 1
        await _list_topics(ctx, tenant, client, room_id, page, say)
    elif name == "topic":
        if not 1 <= len(args) <= 2:
            raise Refusal("help.usage", usage="!topic <number> [page]")
        page = validate.count(args[1], low=1, high=MAX_PAGE, what="page") if len(args) == 2 else 1
        await _show_topic(ctx, tenant, client, room_id, event_id, args[0], page)
    elif name in ("profile", "nominate"):
        topic, post = await _answer_for(tenant, room_id, raw, args)
        if post.hidden or topic.hidden:
            raise not_found("board.unknown_answer", ref=f"{topic.number}-{post.number}")
        assert post.operator_id is not None
        if name == "profile":
            await say(
                await profile_text(tenant, post.operator_id, f"{topic.number}-{post.number}")
            )
        else:
            chosen = await nominate(ctx, tenant, client, post.operator_id, event_id)
            await say(t(lang, "board.nominated", name=chosen.profile_name))
    elif name == "help":
        await say(t(lang, "board.client_help"))
    else:
        raise Refusal("board.client_unknown", name=name[:20])


async def _answer_for(
    tenant: Tenant, room_id: RoomID, raw: dict[str, Any], args: list[str]
) -> tuple[Topic, Post]:
    """The answer named by its reference, or the answer the command replies to."""
    if len(args) == 1:
        return await find_answer(tenant, args[0])
    reply = (raw["content"].get("m.relates_to") or {}).get("m.in_reply_to") or {}
    if not args and isinstance(reply.get("event_id"), str):
        for shown in await Shown.find(room_id, EventID(reply["event_id"])):
            post = await Post.get(shown.post_id) if shown.post_id else None
            topic = await Topic.get(shown.topic_id)
            if post is not None and post.is_answer and topic is not None:
                return topic, post
    raise Refusal("board.which_answer")


async def _list_topics(
    ctx: Context, tenant: Tenant, client: Client, room_id: RoomID, page: int, say: Any
) -> None:
    lang = tenant.language
    topics, total = await Topic.page(tenant.id, (page - 1) * PAGE, PAGE)
    if not topics:
        await say(t(lang, "board.no_topics" if page == 1 else "board.no_more"))
        return
    counts = await Topic.answer_counts([topic.id for topic in topics])
    now = ctx.clock.now_ms()
    lines = [t(lang, "board.list_header", page=page, pages=(total + PAGE - 1) // PAGE)]
    for topic in topics:
        mine = t(lang, "board.yours") if topic.client_id == client.id else ""
        state = t(lang, "board.closed_mark") if topic.closed else ""
        lines.append(
            t(
                lang,
                "board.list_line",
                topic=label(topic.number),
                count=counts.get(topic.id, 0),
                age=age(lang, now, topic.created_at),
                text=first_line(topic.body),
            )
            + state
            + mine
        )
    lines.append(t(lang, "board.list_footer", next=page + 1 if page * PAGE < total else page))
    shown = await say("\n".join(lines))
    for topic in topics:
        await Shown(room_id, shown, topic.id).add()


async def _show_topic(
    ctx: Context,
    tenant: Tenant,
    client: Client,
    room_id: RoomID,
    source: EventID,
    number: str,
    page: int,
) -> None:
    lang = tenant.language
    topic = await find_topic(tenant, number)
    if topic.hidden:
        raise not_found("board.unknown_topic", topic=label(topic.number))
    ghost = board_ghost(ctx, tenant)
    now = ctx.clock.now_ms()
    posts = await Post.of_topic(topic.id)
    page_posts = posts[(page - 1) * PAGE : page * PAGE]
    more = len(posts) > page * PAGE
    head = t(
        lang,
        "board.topic_head",
        topic=label(topic.number),
        age=age(lang, now, topic.created_at),
        count=sum(1 for p in posts if p.is_answer),
    )
    if topic.closed:
        head += t(lang, "board.closed_mark")
    if topic.client_id == client.id:
        head += t(lang, "board.yours")
    shown = await send_notice(
        ghost,
        room_id,
        f"{head}\n{topic.body}",
        txn_id=txn_for(source, "board-view"),
        reply_to=source,
    )
    await Shown(room_id, shown, topic.id).add()
    for index, post in enumerate(page_posts):
        if post.is_answer:
            assert post.operator_id
            state = await OperatorState.get(tenant.id, post.operator_id)
            content = answer_content(lang, topic, post, state.profile_name or "")
            content["msgtype"] = "m.notice"
        else:
            body = t(lang, "board.follow_up_by_author", text=post.body)
            content = {"msgtype": "m.notice", "body": body}
        event = await _send(ghost, room_id, content, txn_id=txn_for(source, f"board-view-{index}"))
        await Shown(room_id, event, topic.id, post.id).add()
    if more:
        await send_notice(
            ghost,
            room_id,
            t(lang, "board.more_posts", topic=topic.number, page=page + 1),
            txn_id=txn_for(source, "board-view-more"),
        )


async def profile_text(tenant: Tenant, operator: UserID, ref: str) -> str:
    lang = tenant.language
    state = await OperatorState.get(tenant.id, operator)
    if not await tenant.has_member(operator, OPERATOR) or not state.profile_name:
        raise not_found("board.member_gone")
    lines = [t(lang, "board.profile_head", name=state.profile_name)]
    if state.profile_text:
        lines.append(state.profile_text)
    lines.append(
        t(lang, "board.profile_nominations_on", ref=ref)
        if state.nominations
        else t(lang, "board.profile_nominations_off")
    )
    return "\n".join(lines)
