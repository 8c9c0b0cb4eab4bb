"""A client's commands: in their desk room (nominating, booking sessions, opening the board)
and in their board room (browsing topics, profiles, nominating who answered).

A client's line is one of these commands only when it names one for that room; any other
line, "!" or not, is their message. Answers come from the desk (desk room) or the board's
ghost (board room), never from the bot.
"""

from __future__ import annotations

from mautrix.types import EventID

from ..services import board, nominations, sessions, validate
from .handler import CommandEvent, Place, UsageError, command, commands_at

DESK, CLIENT_BOARD = Place.DESK, Place.CLIENT_BOARD


async def _help(evt: CommandEvent) -> None:
    """Every command of the room, from the registry, between the room's header and footer."""
    lines = [evt.t(f"help.header.{evt.place.value}")]
    lines += [
        evt.t("help.client_line", usage=cmd.usage(evt.lang, evt.place), help=cmd.help(evt.lang))
        for cmd in commands_at(evt.place)
    ]
    lines.append(evt.t(f"help.footer.{evt.place.value}"))
    await evt.reply("\n".join(lines))


# The desk room


@command("help", DESK)
async def desk_help(evt: CommandEvent) -> None:
    await _help(evt)


@command("board", DESK)
async def open_board(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    tenant = evt.the_tenant
    await board.open_for_client(evt.ctx, tenant, evt.the_client)
    await evt.reply(evt.t("board.opened", name=evt.t("board.client_room_name", name=tenant.name)))


@command("operators", DESK)
async def operators(evt: CommandEvent) -> None:
    listed = await nominations.nominable(evt.the_tenant, evt.the_client)
    if not listed:
        await evt.reply(evt.t("routing.nobody_nominable"))
        return
    lines = [evt.t("routing.nominable_header")]
    for number, state in enumerate(listed, start=1):
        about = f" — {state.profile_text}" if state.profile_text else ""
        lines.append(f"{number}. {state.profile_name}{about}")
    await evt.reply("\n".join(lines))


@command("nominate", DESK)
async def nominate(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    chosen = await nominations.client_nominates(
        evt.ctx, evt.the_tenant, evt.the_client, evt.args[0], evt.event_id
    )
    key = "letters.counselor_chosen" if chosen.counselor else "routing.nominated"
    await evt.reply(evt.t(key, name=chosen.name))


@command("slots", DESK)
async def slots(evt: CommandEvent) -> None:
    if len(evt.args) > 2:
        raise UsageError
    tenant = evt.the_tenant
    free = await sessions.client_slots(evt.ctx, tenant, evt.the_client, evt.args)
    if not free.slots:
        await evt.reply(evt.t("sessions.no_free_slots"))
        return
    lines = [evt.t("sessions.client_slots_header")]
    for slot in free.slots:
        lines.append(
            evt.t(
                "sessions.client_slot_line",
                slot=slot.number,
                when=sessions.when(tenant, slot.starts_at, slot.ends_at),
                name=free.names[slot.operator_id],
            )
        )
    if free.more_from is not None:
        lines.append(evt.t("sessions.client_slots_more", day=free.more_from.isoformat()))
    lines.append(evt.t("sessions.book_hint"))
    await evt.reply("\n".join(lines))


@command("book", DESK)
async def book(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    # The confirmation, with its calendar file, is the answer.
    await sessions.book(evt.ctx, evt.the_tenant, evt.the_client, evt.args[0], evt.event_id)


@command("bookings", DESK)
async def bookings(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    tenant = evt.the_tenant
    found = await sessions.client_bookings(evt.ctx, tenant, evt.the_client)
    if not found:
        await evt.reply(evt.t("sessions.no_bookings"))
        return
    lines = [evt.t("sessions.client_bookings_header")]
    for booking, name in found:
        lines.append(
            evt.t(
                "sessions.client_booking_line",
                booking=sessions.booking_label(booking.number),
                when=sessions.when(tenant, booking.starts_at, booking.ends_at),
                name=name,
            )
        )
    lines.append(evt.t("sessions.cancel_hint", count=tenant.session_cutoff_hours))
    await evt.reply("\n".join(lines))


@command("cancel", DESK)
async def cancel(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    await sessions.client_cancel(
        evt.ctx, evt.the_tenant, evt.the_client, evt.args[0], evt.event_id
    )


# The client's board room


@command("help", CLIENT_BOARD)
async def board_help(evt: CommandEvent) -> None:
    await _help(evt)


def _page(evt: CommandEvent, index: int) -> int:
    if index >= len(evt.args):
        return 1
    return validate.count(evt.args[index], low=1, high=board.MAX_PAGE, what="page")


@command("topics", CLIENT_BOARD, aliases=("board",))
async def topics(evt: CommandEvent) -> None:
    page = _page(evt, 0)
    found = await board.topics_page(evt.the_tenant, page)
    if not found.topics:
        await evt.reply(evt.t("board.no_topics" if page == 1 else "board.no_more"))
        return
    now = evt.ctx.clock.now_ms()
    lines = [evt.t("board.list_header", page=page, pages=found.pages)]
    for topic in found.topics:
        mine = evt.t("board.yours") if topic.client_id == evt.the_client.id else ""
        state = evt.t("board.closed_mark") if topic.closed else ""
        line = evt.t(
            "board.list_line",
            topic=board.label(topic.number),
            count=found.answers.get(topic.id, 0),
            age=board.age(evt.lang, now, topic.created_at),
            text=board.first_line(topic.body),
        )
        lines.append(line + state + mine)
    lines.append(evt.t("board.list_footer", next=page + 1 if found.more else page))
    shown = await evt.reply("\n".join(lines))
    for topic in found.topics:
        await board.shown(evt.room_id, shown, topic)


@command("topic", CLIENT_BOARD)
async def topic(evt: CommandEvent) -> None:
    if not 1 <= len(evt.args) <= 2:
        raise UsageError
    page = _page(evt, 1)
    view = await board.topic_view(evt.the_tenant, evt.args[0], page)
    topic = view.topic
    head = evt.t(
        "board.topic_head",
        topic=board.label(topic.number),
        age=board.age(evt.lang, evt.ctx.clock.now_ms(), topic.created_at),
        count=view.answers,
    )
    if topic.closed:
        head += evt.t("board.closed_mark")
    if topic.client_id == evt.the_client.id:
        head += evt.t("board.yours")
    shown = await evt.reply(f"{head}\n{topic.body}", purpose="board-view")
    await board.shown(evt.room_id, shown, topic)
    for index, post in enumerate(view.posts):
        if post.is_answer:
            assert post.operator_id
            content = board.answer_content(evt.lang, topic, post, view.names[post.operator_id])
            content["msgtype"] = "m.notice"
        else:
            body = evt.t("board.follow_up_by_author", text=post.body)
            content = {"msgtype": "m.notice", "body": body}
        await board.shown(evt.room_id, await evt.send(content, f"board-view-{index}"), topic, post)
    if view.more:
        more = evt.t("board.more_posts", topic=topic.number, page=page + 1)
        await evt.send({"msgtype": "m.notice", "body": more}, "board-view-more")


def _reply_to(evt: CommandEvent) -> EventID | None:
    content = (evt.raw or {}).get("content") or {}
    reply = (content.get("m.relates_to") or {}).get("m.in_reply_to") or {}
    return EventID(reply["event_id"]) if isinstance(reply.get("event_id"), str) else None


@command("profile", CLIENT_BOARD)
async def profile(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    topic, post = await board.answer_named(tenant, evt.room_id, evt.args, _reply_to(evt))
    assert post.operator_id is not None
    state = await board.member_profile(tenant, post.operator_id)
    lines = [evt.t("board.profile_head", name=state.profile_name)]
    if state.profile_text:
        lines.append(state.profile_text)
    ref = f"{topic.number}-{post.number}"
    lines.append(
        evt.t("board.profile_nominations_on", ref=ref)
        if state.nominations
        else evt.t("board.profile_nominations_off")
    )
    await evt.reply("\n".join(lines))


@command("nominate", CLIENT_BOARD)
async def nominate_answerer(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    _, post = await board.answer_named(tenant, evt.room_id, evt.args, _reply_to(evt))
    assert post.operator_id is not None
    chosen = await board.nominate(evt.ctx, tenant, evt.the_client, post.operator_id, evt.event_id)
    await evt.reply(evt.t("board.nominated", name=chosen.profile_name))
