"""Board commands: operators' unanswered list, moderation, and the tenant's board settings."""

from __future__ import annotations

from ..services import board, validate
from .handler import CommandEvent, Place, UsageError, command

ADMIN, STAFF, PRIVATE, BOARD = Place.ADMIN, Place.STAFF, Place.PRIVATE, Place.BOARD
UNANSWERED_SHOWN = 50


@command("unanswered", (BOARD, STAFF, PRIVATE), "board")
async def unanswered(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    tenant = evt.the_tenant
    topics = await board.unanswered(tenant, evt.sender)
    if not topics:
        await evt.reply(evt.t("board.none_unanswered"))
        return
    now = evt.ctx.clock.now_ms()
    lines = [evt.t("board.unanswered_header", count=len(topics))]
    for topic in topics[:UNANSWERED_SHOWN]:  # one message stays well under the event limit
        age = board.age(evt.lang, now, topic.created_at)
        line = board.first_line(topic.body)
        lines.append(f"{board.label(topic.number)} · {age} · {line}")
    if len(topics) > UNANSWERED_SHOWN:
        lines.append(evt.t("board.unanswered_more", count=len(topics) - UNANSWERED_SHOWN))
    await evt.reply("\n".join(lines))


@command("topics", (ADMIN, BOARD), "board")
async def topics(evt: CommandEvent) -> None:
    """The latest topics with their state, hidden ones included (for moderators)."""
    if len(evt.args) > 1:
        raise UsageError
    page = validate.count(evt.args[0], low=1, high=board.MAX_PAGE, what="page") if evt.args else 1
    listed, total = await board.all_topics(evt.the_tenant, page)
    if not listed:
        await evt.reply(evt.t("board.no_topics"))
        return
    now = evt.ctx.clock.now_ms()
    lines = [evt.t("board.list_header", page=page, pages=(total + board.PAGE - 1) // board.PAGE)]
    for topic, answers in listed:
        mark = ""
        if topic.hidden:
            mark = evt.t("board.hidden_mark")
        elif topic.closed:
            mark = evt.t("board.closed_mark")
        lines.append(
            evt.t(
                "board.list_line",
                topic=board.label(topic.number),
                count=answers,
                age=board.age(evt.lang, now, topic.created_at),
                text=board.first_line(topic.body),
            )
            + mark
        )
    await evt.reply("\n".join(lines))


def _target(evt: CommandEvent) -> str:
    """The one argument of a moderation command (the board service checks who may)."""
    if len(evt.args) != 1:
        raise UsageError
    return evt.arg(0)


@command("hide-topic", (ADMIN, BOARD), "board")
async def hide_topic(evt: CommandEvent) -> None:
    topic = await board.hide_topic(evt.ctx, evt.the_tenant, _target(evt), evt.sender)
    await evt.reply(evt.t("board.hidden", topic=board.label(topic.number)))


@command("hide-answer", (ADMIN, BOARD), "board")
async def hide_answer(evt: CommandEvent) -> None:
    ref = _target(evt)
    await board.hide_answer(evt.ctx, evt.the_tenant, ref, evt.sender)
    await evt.reply(evt.t("board.answer_hidden", ref=ref))


@command("close-topic", (ADMIN, BOARD), "board")
async def close_topic(evt: CommandEvent) -> None:
    topic = await board.set_closed(evt.ctx, evt.the_tenant, _target(evt), True, evt.sender)
    await evt.reply(evt.t("board.closed", topic=board.label(topic.number)))


@command("reopen-topic", (ADMIN, BOARD), "board")
async def reopen_topic(evt: CommandEvent) -> None:
    topic = await board.set_closed(evt.ctx, evt.the_tenant, _target(evt), False, evt.sender)
    await evt.reply(evt.t("board.reopened", topic=board.label(topic.number)))


@command("board-settings", ADMIN, "board")
async def board_settings(evt: CommandEvent) -> None:
    """Without arguments: the settings; ``key=value …`` changes them, all or nothing."""
    changes = evt.pairs()
    tenant = evt.the_tenant
    if changes:
        await board.change_settings(evt.ctx, tenant, changes)
    shown = board.settings_of(tenant)
    await evt.reply(
        evt.t(
            "board.settings",
            enabled=evt.t("board.on" if shown["enabled"] else "board.off_word"),
            length=shown["length"],
            daily=shown["daily"],
        )
    )
