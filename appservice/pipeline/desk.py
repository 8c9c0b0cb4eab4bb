"""A client's event in their desk room: a letter, a rating, an intake answer, or a
line of a case (opened by the first one), relayed to the case room once an operator has it."""

from __future__ import annotations

import logging
from typing import Any

from mautrix.types import EventID, RoomID

from .. import caseroom, leak, relay
from ..bot import send_notice, txn_for
from ..context import Context
from ..db import Case, Client, EventMap, NoticeSent, Package
from ..db.case import WAITING
from ..db.event_map import PENDING
from ..db.tenant import Tenant
from ..i18n import t
from ..services import letters, notify, polls, routing

log = logging.getLogger("soudan.cases")


async def on_client_event(
    ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]
) -> None:
    room_id = RoomID(raw["room_id"])
    desk = ctx.desk(tenant.slug)
    if tenant.suspended:
        # Said once per suspension, not on every line.
        if await NoticeSent.claim(room_id, "suspended", str(tenant.suspended_at)):
            await send_notice(desk, room_id, t(tenant.language, "refuse.suspended_client"))
        return
    if tenant.halted:
        if await NoticeSent.claim(room_id, "halt", str(tenant.halted_at)):
            await send_notice(desk, room_id, routing.text(tenant, "halt"))
        return
    event_type = raw["type"]
    content = raw.get("content", {})
    package = None
    if event_type in polls.POLL_RESPONSES or event_type == "m.room.message":
        # The letter package, read once: nothing below changes it before it is used again.
        package = await Package.current_for(client.id)
        # The continue question first: a lone "1" after the last reply answers it, even if
        # the case was closed (and a rating asked) just after.
        if await letters.take_continue_answer(ctx, tenant, client, package, raw):
            return
        if await _take_rating(ctx, tenant, client, raw):
            return
        if await routing.take_intake_answer(ctx, tenant, client, raw):
            return
    case = await Case.open_for(client.id)
    if event_type == "m.room.redaction":
        if case:
            await _client_redaction(ctx, tenant, client, case, raw)
        return
    if event_type in polls.POLL_RESPONSES:
        return  # an answer to one of soudan's own polls, taken above or too late to count
    if not content:
        return  # nothing left of it (redacted before it was handled)
    # The leak filter first: what it refuses opens no case and reaches no one.
    refusal = await _refusal(ctx, tenant, client, raw)
    if refusal is not None:
        await send_notice(
            ctx.desk(tenant.slug),
            room_id,
            relay.refusal_text(tenant.language, refusal),
            txn_id=txn_for(raw["event_id"], "refused"),
            reply_to=EventID(raw["event_id"]),
        )
        return
    if event_type != "m.reaction" and package is not None:
        case = await letters.before_client_letter(ctx, tenant, client, package, case, raw)
        if case is not None:
            await _relay_client(ctx, tenant, client, case, raw)
            await letters.client_letter_relayed(ctx, tenant, package, case, raw)
        return
    if case is None:
        if event_type == "m.reaction" or "m.new_content" in content:
            return  # a reaction or edit of a closed case's message opens nothing
        case = await open_case(ctx, tenant, client, raw)
        await _relay_client(ctx, tenant, client, case, raw)
        await routing.case_opened(ctx, tenant, case)
        return
    await _relay_client(ctx, tenant, client, case, raw)


async def open_case(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> Case:
    case = await Case.open_new(tenant.id, client.id, ctx.clock.now_ms())
    lang = tenant.language
    greeting = tenant.greeting or t(lang, f"case.greeting.{tenant.preset}")
    await send_notice(
        ctx.desk(tenant.slug),
        RoomID(raw["room_id"]),
        greeting,
        txn_id=txn_for(raw["event_id"], "greeting"),
    )
    await caseroom.client_ghost(ctx, tenant, client)
    if tenant.staff_room:
        # A preview shows what the operators would be shown: the filtered text.
        copy = leak.filter_event(
            raw["type"], raw.get("content", {}), caseroom.operator_side(ctx, tenant, client)
        )
        first_line = copy.text if isinstance(copy, leak.Copy) else None
        await caseroom.announce(
            ctx,
            tenant,
            case,
            client,
            first_line or "",
            txn_id=txn_for(raw["event_id"], "case-announce"),
        )
    log.info("Case %s of tenant %s opened", case.number, tenant.slug)
    return case


async def _relay_client(
    ctx: Context, tenant: Tenant, client: Client, case: Case, raw: dict[str, Any]
) -> None:
    event_id = EventID(raw["event_id"])
    room_id = RoomID(raw["room_id"])
    content = raw.get("content", {})
    sent_at = raw.get("origin_server_ts")
    if case.status == WAITING or not case.case_room:
        # What the history keeps is what the operator will be shown: the filtered text.
        copy = leak.filter_event(
            raw["type"],
            content,
            caseroom.operator_side(ctx, tenant, client),
            own_edit=await _own_edit(ctx, tenant, client, raw),
        )
        text = copy.text if isinstance(copy, leak.Copy) else None
        await EventMap.add(case.id, room_id, event_id, PENDING, None, text, sent_at)
        return
    ghost = await caseroom.client_ghost(ctx, tenant, client)
    sent = await relay.relay(
        ghost,
        case.id,
        room_id,
        event_id,
        raw["type"],
        content,
        case.case_room,
        caseroom.operator_side(ctx, tenant, client),
        own_edit=await _own_edit(ctx, tenant, client, raw),
        sent_at=sent_at,
    )
    if isinstance(sent, leak.Refusal):
        # Checked before the case was touched; only the homeserver's own size limit is left.
        await send_notice(
            ctx.desk(tenant.slug),
            room_id,
            relay.refusal_text(tenant.language, sent),
            txn_id=txn_for(event_id, "refused"),
            reply_to=event_id,
        )
        return
    if sent and case.operator_id and raw["type"] == "m.room.message":
        # Once per stretch of client messages the operator has not answered yet.
        await notify.tell(
            ctx,
            tenant,
            case.operator_id,
            notify.MESSAGE,
            f"{case.id}-{case.last_reply_at}",
            number=case.number,
            alias=client.alias,
        )


async def _own_edit(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> bool:
    content = raw.get("content", {})
    return await relay.own_edit(
        ctx.desk(tenant.slug), RoomID(raw["room_id"]), content, client.user_id
    )


async def _refusal(
    ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]
) -> leak.Refusal | None:
    result = leak.filter_event(
        raw["type"],
        raw.get("content", {}),
        caseroom.operator_side(ctx, tenant, client),
        own_edit=await _own_edit(ctx, tenant, client, raw),
    )
    return result if isinstance(result, leak.Refusal) else None


async def _client_redaction(
    ctx: Context, tenant: Tenant, client: Client, case: Case, raw: dict[str, Any]
) -> None:
    redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
    if not redacted:
        return
    await EventMap.forget_body(EventID(redacted))
    if case.status == WAITING or not case.case_room:
        await EventMap.drop_pending(case.id, EventID(redacted))
        return
    await relay.relay_redaction(
        await caseroom.client_ghost(ctx, tenant, client), redacted, case.case_room
    )


async def _take_rating(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> bool:
    """A poll answer or a lone digit right after a close is the rating, not a new case."""
    if await Case.open_for(client.id):
        return False
    case = await Case.last_closed_for(client.id)
    if case is None or case.rating is not None or case.rating_poll is None:
        return False
    value = polls.chosen_answer(raw, case.rating_poll)
    if value not in caseroom.RATINGS:
        return raw["type"] in polls.POLL_RESPONSES
    case.rating = int(value)
    await case.save()
    await send_notice(
        ctx.desk(tenant.slug),
        RoomID(raw["room_id"]),
        t(tenant.language, "case.rating_thanks"),
        txn_id=txn_for(raw["event_id"], "rating"),
    )
    return True
