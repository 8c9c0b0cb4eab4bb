"""Consultations: a client's message opens a case, an operator takes it, the relay carries it."""

from __future__ import annotations

import logging
import secrets
from typing import Any, cast

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError
from mautrix.types import EventID, EventType, RoomID, UserID

from .. import relay
from ..bot import send_notice, txn_for
from ..context import Context
from ..db import OPERATOR, Case, Client, EventMap, NoticeSent, Persona
from ..db.case import ASSIGNED, CLOSED, PENDING, WAITING
from ..db.tenant import Tenant
from ..i18n import Lang, t
from ..rooms import create_room
from . import validate
from .errors import Refusal, conflict, forbidden, not_found

log = logging.getLogger("soudan.cases")

POLL_START = "org.matrix.msc3381.poll.start"
POLL_RESPONSES = ("org.matrix.msc3381.poll.response", "m.poll.response")
RATINGS = ("1", "2", "3", "4", "5")


def _lang(tenant: Tenant) -> Lang:
    return tenant.language  # type: ignore[return-value]


async def client_ghost(ctx: Context, tenant: Tenant, client: Client) -> IntentAPI:
    """The ghost that stands for the client in case rooms, made on first use."""
    if client.ghost:
        return ctx.az.intent.user(UserID(ctx.config.ghost_mxid(client.ghost)))
    if tenant.preset == "workplace" or not client.nickname:
        # An alias that says nothing about the person; unique within the tenant.
        taken = {c.alias for c in await Client.all(tenant.id)}
        alias = ""
        while not alias or alias in taken:
            alias = t(_lang(tenant), "case.alias", number=secrets.randbelow(9000) + 1000)
    else:
        alias = client.nickname
    ghost = f"client_{secrets.token_hex(6)}"
    intent = ctx.az.intent.user(UserID(ctx.config.ghost_mxid(ghost)))
    # Registered and named before the row says so: a crash in between leaves no nameless
    # ghost behind, only an unused one.
    await intent.ensure_registered()
    await intent.set_displayname(alias)
    await client.set_ghost(ghost, alias)
    return intent


async def _next_seq(case: Case) -> int:
    value = await EventMap.db.fetchval(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM event_map WHERE case_id=$1", case.id
    )
    return int(value)


def routing():
    # routing decides who takes a case and calls back into this module to assign it.
    from . import routing as module

    return module


def routing_text(tenant: Tenant, kind: str) -> str:
    return routing().text(tenant, kind)


async def client_command(ctx: Context, tenant: Tenant, client: Client, body: str) -> str:
    """The few commands a client has: the nomination list and nominating."""
    lang = _lang(tenant)
    parts = body[1:].split()
    name = parts[0].lower() if parts else ""
    try:
        if name == "operators":
            listed = await routing().nominable(tenant)
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
            chosen = await routing().nominate(ctx, tenant, client, parts[1])
            return t(lang, "routing.nominated", name=chosen.profile_name)
    except Refusal as refusal:
        return refusal.text(lang)
    return t(lang, "refuse.client_commands")


# The client's side


async def on_client_event(
    ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]
) -> None:
    room_id = RoomID(raw["room_id"])
    desk = ctx.desk(tenant.slug)
    if tenant.suspended:
        # Said once per suspension, not on every line.
        if await NoticeSent.claim(room_id, "suspended", str(tenant.suspended_at)):
            await send_notice(desk, room_id, t(_lang(tenant), "refuse.suspended_client"))
        return
    if tenant.halted:
        if await NoticeSent.claim(room_id, "halt", str(tenant.halted_at)):
            await send_notice(desk, room_id, routing_text(tenant, "halt"))
        return
    event_type = raw["type"]
    content = raw.get("content", {})
    if event_type in POLL_RESPONSES or event_type == "m.room.message":
        if await _take_rating(ctx, tenant, client, raw):
            return
        if await routing().take_intake_answer(ctx, tenant, client, raw):
            return
    case = await Case.open_for(client.id)
    if event_type == "m.room.redaction":
        if case:
            await _client_redaction(ctx, tenant, client, case, raw)
        return
    if event_type == "m.room.message":
        if content.get("msgtype") not in relay.RELAYED_MESSAGE_TYPES:
            return
        if str(content.get("body", "")).startswith("!"):
            answer = await client_command(ctx, tenant, client, str(content["body"]))
            await send_notice(
                desk,
                room_id,
                answer,
                txn_id=txn_for(raw["event_id"], "client-command"),
                reply_to=raw["event_id"],
            )
            return
    elif event_type != "m.reaction":
        return
    if case is None:
        if event_type != "m.room.message" or "m.new_content" in content:
            return  # a reaction or edit of a closed case's message opens nothing
        case = await open_case(ctx, tenant, client, raw)
        await _relay_client(ctx, tenant, client, case, raw)
        await routing().case_opened(ctx, tenant, case)
        return
    await _relay_client(ctx, tenant, client, case, raw)


async def open_case(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> Case:
    case = await Case.open_new(tenant.id, client.id, ctx.clock.now_ms())
    lang = _lang(tenant)
    greeting = tenant.greeting or t(lang, f"case.greeting.{tenant.preset}")
    await send_notice(
        ctx.desk(tenant.slug),
        RoomID(raw["room_id"]),
        greeting,
        txn_id=txn_for(raw["event_id"], "greeting"),
    )
    await client_ghost(ctx, tenant, client)
    if tenant.staff_room:
        preview = ""
        if tenant.queue_preview:
            body = str(raw.get("content", {}).get("body", ""))
            preview = t(lang, "case.preview", text=body[:120])
        await ctx.bot.notice(
            tenant.staff_room,
            t(lang, "case.waiting", number=case.number, alias=client.alias) + preview,
            txn_id=txn_for(raw["event_id"], "case-announce"),
        )
    log.info("Case %s of tenant %s opened", case.number, tenant.slug)
    return case


async def _relay_client(
    ctx: Context, tenant: Tenant, client: Client, case: Case, raw: dict[str, Any]
) -> None:
    event_id = EventID(raw["event_id"])
    room_id = RoomID(raw["room_id"])
    if case.status == WAITING or not case.case_room:
        await EventMap.add(case.id, room_id, event_id, PENDING, None, await _next_seq(case))
        return
    ghost = await client_ghost(ctx, tenant, client)
    await relay.relay(
        ghost,
        case.id,
        room_id,
        event_id,
        raw["type"],
        raw.get("content", {}),
        case.case_room,
        await _next_seq(case),
    )


async def _client_redaction(
    ctx: Context, tenant: Tenant, client: Client, case: Case, raw: dict[str, Any]
) -> None:
    redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
    if not redacted:
        return
    if case.status == WAITING or not case.case_room:
        await EventMap.drop_pending(case.id, EventID(redacted))
        return
    await relay.relay_redaction(await client_ghost(ctx, tenant, client), redacted, case.case_room)


# The operator's side


async def on_operator_event(ctx: Context, tenant: Tenant, case: Case, raw: dict[str, Any]) -> None:
    client = await Client.get(case.client_id)
    if client is None or not client.room_id or case.case_room is None:
        return
    if tenant.suspended:
        if await NoticeSent.claim(case.case_room, "suspended", str(tenant.suspended_at)):
            await ctx.bot.notice(case.case_room, t(_lang(tenant), "case.suspended_operator"))
        return
    if tenant.halted:
        if await NoticeSent.claim(case.case_room, "halt", str(tenant.halted_at)):
            await ctx.bot.notice(case.case_room, t(_lang(tenant), "routing.halted_operator"))
        return
    desk = ctx.desk(tenant.slug)
    event_type = raw["type"]
    if event_type == "m.room.redaction":
        # The desk created the client's room, so it may redact any copy, whoever sent it.
        redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
        await relay.relay_redaction(desk, redacted, client.room_id)
        return
    content = raw.get("content", {})
    if (
        event_type == "m.room.message"
        and content.get("msgtype") not in relay.RELAYED_MESSAGE_TYPES
    ):
        return
    if event_type not in ("m.room.message", "m.reaction"):
        return
    speaker = await _operator_voice(ctx, tenant, case, client)
    sent = await relay.relay(
        speaker,
        case.id,
        case.case_room,
        EventID(raw["event_id"]),
        event_type,
        content,
        client.room_id,
        await _next_seq(case),
    )
    if sent and case.first_response_at is None and event_type == "m.room.message":
        case.first_response_at = ctx.clock.now_ms()
        await case.save()


async def _operator_voice(ctx: Context, tenant: Tenant, case: Case, client: Client) -> IntentAPI:
    """The desk (official persona), or the operator's own persona where both allow it."""
    desk = ctx.desk(tenant.slug)
    if not tenant.personal_personas or case.operator_id is None:
        return desk
    persona = await Persona.get(tenant.id, case.operator_id)
    if persona is None or not persona.active or not client.room_id:
        return desk
    ghost = ctx.az.intent.user(UserID(ctx.config.ghost_mxid(persona.ghost)))
    await ghost.ensure_registered()
    await ghost.ensure_joined(client.room_id, bot=desk)
    return ghost


async def set_persona(
    ctx: Context, tenant: Tenant, operator: UserID, name: str | None
) -> Persona | None:
    """A personal persona under ``name`` for the operator, or back to the official one."""
    persona = await Persona.get(tenant.id, operator)
    if name is None:
        if persona is not None:
            persona.active = False
            await persona.save()
        return None
    if not tenant.personal_personas:
        raise forbidden("persona.not_allowed")
    name = validate.name(name, "name")
    if persona is None:
        persona = Persona(tenant.id, operator, f"op_{secrets.token_hex(6)}", name, True)
    persona.name, persona.active = name, True
    await persona.save()
    ghost = ctx.az.intent.user(UserID(ctx.config.ghost_mxid(persona.ghost)))
    await ghost.ensure_registered()
    await ghost.set_displayname(name)
    return persona


# Operator actions


async def queue(tenant: Tenant) -> list[tuple[Case, Client | None]]:
    return [(case, await Client.get(case.client_id)) for case in await Case.waiting(tenant.id)]


async def _case(tenant: Tenant, number: object) -> Case:
    value = validate.count(str(number).lstrip("#"), low=1, high=2**31, what="case number")
    case = await Case.by_number(tenant.id, value)
    if case is None:
        raise not_found("case.unknown", number=value)
    return case


async def take(ctx: Context, tenant: Tenant, number: object, operator: UserID) -> Case:
    """Give a waiting case to an operator: the case room opens with what the client wrote."""
    case = await _case(tenant, number)
    if case.status != WAITING:
        raise conflict("case.not_waiting", number=case.number)
    if not await tenant.has_member(operator, OPERATOR):
        raise forbidden("case.not_operator", user_id=operator)
    await assign(ctx, tenant, case, operator)
    return case


async def assign(ctx: Context, tenant: Tenant, case: Case, operator: UserID) -> None:
    client = await Client.get(case.client_id)
    assert client is not None
    ghost = await client_ghost(ctx, tenant, client)
    lang = _lang(tenant)
    if case.case_room is None:
        # Case rooms show their whole history: a transferred case must stay readable.
        case.case_room = await create_room(
            ctx.az.intent,
            name=t(lang, "case.room_name", number=case.number, alias=client.alias),
            topic=t(lang, "case.room_topic"),
            invitees=[operator, ghost.mxid],
            history="shared",
        )
        await ghost.join_room(case.case_room)
    else:
        await _invite(ctx, case.case_room, operator)
    case.status = ASSIGNED
    case.operator_id = operator
    case.assigned_at = ctx.clock.now_ms()
    await case.save()
    await ctx.bot.notice(case.case_room, t(lang, "case.assigned_room", number=case.number))
    for pending in await EventMap.pending(case.id):
        await _replay(ctx, client, case, ghost, pending.source_event)
    if tenant.staff_room:
        await ctx.bot.notice(tenant.staff_room, t(lang, "case.taken", number=case.number))


async def _replay(
    ctx: Context, client: Client, case: Case, ghost: IntentAPI, event_id: EventID
) -> None:
    assert client.room_id and case.case_room
    tenant = await Tenant.get(client.tenant_id)
    assert tenant is not None
    try:
        event = await ctx.desk(tenant.slug).get_event(client.room_id, event_id)
    except MatrixError as e:
        log.warning("A message written before the case was taken is gone: %s", e)
        await EventMap.drop_pending(case.id, event_id)
        return
    raw = event.serialize()
    seq = await _next_seq(case)
    await EventMap.drop_pending(case.id, event_id)
    await relay.relay(
        ghost,
        case.id,
        client.room_id,
        event_id,
        raw["type"],
        raw.get("content", {}),
        case.case_room,
        seq,
    )


async def _invite(ctx: Context, room_id: RoomID, user_id: UserID) -> None:
    try:
        await ctx.az.intent.invite_user(room_id, user_id)
    except MatrixError as e:
        if "already" not in str(e).lower():
            raise


async def transfer(
    ctx: Context, tenant: Tenant, case: Case, target: str, reply_to: EventID | None = None
) -> None:
    """Hand the case to another operator, or back to the queue (``target == "queue"``).

    The confirmation goes into the case room (as a reply to ``reply_to``) before the previous
    operator leaves it, so they see it."""
    if case.status != ASSIGNED or case.case_room is None:
        raise conflict("case.not_assigned", number=case.number)
    previous = case.operator_id
    lang = _lang(tenant)
    if target == "queue":
        case.status = WAITING
        case.operator_id = None
        await case.save()
        client = await Client.get(case.client_id)
        if tenant.staff_room and client:
            await ctx.bot.notice(
                tenant.staff_room, t(lang, "case.waiting", number=case.number, alias=client.alias)
            )
    else:
        operator = validate.user_id(target)
        if not await tenant.has_member(operator, OPERATOR):
            raise forbidden("case.not_operator", user_id=operator)
        if operator == previous:
            raise conflict("case.same_operator")
        await assign(ctx, tenant, case, operator)
    key = "case.requeued_done" if target == "queue" else "case.transferred_done"
    await send_notice(
        ctx.az.intent,
        case.case_room,
        t(lang, key, number=case.number),
        txn_id=txn_for(reply_to, "transfer") if reply_to else None,
        reply_to=reply_to,
    )
    if previous:
        try:
            await ctx.az.intent.kick_user(case.case_room, previous, t(lang, "case.transferred"))
        except MatrixError as e:
            log.debug("Could not remove the previous operator: %s", e)


async def close(ctx: Context, tenant: Tenant, case: Case) -> None:
    """Close the case and ask the client for a rating (a poll, with a plain-text fallback)."""
    if case.status not in (ASSIGNED, WAITING):
        raise conflict("case.closed_already", number=case.number)
    client = await Client.get(case.client_id)
    case.status = CLOSED
    case.closed_at = ctx.clock.now_ms()
    lang = _lang(tenant)
    if client and client.room_id:
        choices = [(value, t(lang, f"case.rating.{value}")) for value in RATINGS]
        case.rating_poll = await send_poll(
            ctx,
            tenant,
            client.room_id,
            t(lang, "case.rating_question"),
            choices,
            t(lang, "case.rating_fallback"),
            key=f"rating-{case.id}",
        )
    await case.save()
    if case.case_room:
        await ctx.bot.notice(case.case_room, t(lang, "case.closed_room", number=case.number))
    await routing().route_waiting(ctx, tenant)  # the operator has room for another case


async def send_poll(
    ctx: Context,
    tenant: Tenant,
    room_id: RoomID,
    question: str,
    choices: list[tuple[str, str]],
    note: str,
    *,
    key: str,
) -> EventID:
    """A poll from the desk, whose text fallback lets clients without polls answer too."""
    fallback = "\n".join([question, *(f"{id_}. {label}" for id_, label in choices), note])
    content = {
        POLL_START: {
            "kind": "org.matrix.msc3381.poll.disclosed",
            "max_selections": 1,
            "question": {"org.matrix.msc1767.text": question},
            "answers": [{"id": id_, "org.matrix.msc1767.text": label} for id_, label in choices],
        },
        "org.matrix.msc1767.text": fallback,
        "body": fallback,
    }
    return await ctx.desk(tenant.slug).send_message_event(
        room_id,
        EventType.find(POLL_START, EventType.Class.MESSAGE),
        cast(Any, content),
        txn_id=f"soudan-poll-{key}",
    )


def chosen_answer(raw: dict[str, Any], poll: EventID) -> str | None:
    """A poll answer to ``poll``, or a message that is just a number (for clients without
    polls); None for anything else."""
    content = raw.get("content", {})
    if raw["type"] in POLL_RESPONSES:
        if content.get("m.relates_to", {}).get("event_id") != poll:
            return None
        answer = content.get("org.matrix.msc3381.poll.response", {}).get("answers") or content.get(
            "m.selections"
        )
        return str(answer[0]) if isinstance(answer, list) and answer else None
    if raw["type"] != "m.room.message":
        return None
    body = str(content.get("body", "")).strip()
    return body.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


async def _take_rating(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> bool:
    """A poll answer or a lone digit right after a close is the rating, not a new case."""
    if await Case.open_for(client.id):
        return False
    case = await Case.last_closed_for(client.id)
    if case is None or case.rating is not None or case.rating_poll is None:
        return False
    value = chosen_answer(raw, case.rating_poll)
    if value not in RATINGS:
        return raw["type"] in POLL_RESPONSES
    case.rating = int(value)
    await case.save()
    await send_notice(
        ctx.desk(tenant.slug),
        RoomID(raw["room_id"]),
        t(_lang(tenant), "case.rating_thanks"),
        txn_id=txn_for(raw["event_id"], "rating"),
    )
    return True
