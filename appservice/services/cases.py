"""Consultations: a client's message opens a case, an operator takes it, the relay carries it."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError
from mautrix.types import EventID, RoomID, UserID

from .. import relay
from ..bot import send_notice, txn_for
from ..context import Context
from ..db import (
    OPERATOR,
    Case,
    Client,
    EventMap,
    NoticeSent,
    OperatorSettings,
    OperatorState,
    Package,
    Persona,
    Room,
)
from ..db import room as room_kinds
from ..db.case import ASSIGNED, CLOSED, PENDING, WAITING
from ..db.tenant import Tenant
from ..i18n import Lang, t
from ..rooms import create_room
from . import notify, permissions, polls, records, validate
from .errors import conflict, forbidden, not_found

log = logging.getLogger("soudan.cases")

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


def _letters():
    # letters asks this module to open and assign cases.
    from . import letters

    return letters


def routing_text(tenant: Tenant, kind: str) -> str:
    return routing().text(tenant, kind)


async def nominable(tenant: Tenant, client: Client) -> list[OperatorState]:
    """Whom the client may nominate: their letter package's counselors while it needs one,
    else the operators taking nominations."""
    letters = _letters()
    if await letters.needs_counselor(client):
        return await letters.nominable(tenant, client)
    return await routing().nominable(tenant, client)


@dataclass(frozen=True)
class Nominated:
    name: str
    counselor: bool  # chosen as the letter package's counselor, not nominated for a chat


async def client_nominates(
    ctx: Context, tenant: Tenant, client: Client, ref: str, source: EventID
) -> Nominated:
    """A number from the nomination list, or an answer on the board ("42-2")."""
    if "-" in ref:
        from . import board  # board imports routing, which imports this module

        topic, post = await board.find_answer(tenant, ref)
        if post.hidden or topic.hidden or post.operator_id is None:
            raise not_found("board.unknown_answer", ref=ref[:20])
        chosen = await board.nominate(ctx, tenant, client, post.operator_id, source)
        return Nominated(chosen.profile_name or "", counselor=False)
    package = await _letters().needs_counselor(client)
    if package is not None:
        name = await _letters().choose_counselor(ctx, tenant, client, package, ref)
        return Nominated(name, counselor=True)
    state = await routing().nominate(ctx, tenant, client, ref)
    return Nominated(state.profile_name or "", counselor=False)


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
    package = None
    if event_type in polls.POLL_RESPONSES or event_type == "m.room.message":
        # The letter package, read once: nothing below changes it before it is used again.
        package = await Package.current_for(client.id)
        # The continue question first: a lone "1" after the last reply answers it, even if
        # the case was closed (and a rating asked) just after.
        if await _letters().take_continue_answer(ctx, tenant, client, package, raw):
            return
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
        if package is not None:
            case = await _letters().before_client_letter(ctx, tenant, client, package, case, raw)
            if case is not None:
                await _relay_client(ctx, tenant, client, case, raw)
                await _letters().client_letter_relayed(ctx, tenant, package, case, raw)
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
        await ctx.bot.notice(
            tenant.staff_room,
            await _announcement(tenant, case, client, str(raw.get("content", {}).get("body", ""))),
            txn_id=txn_for(raw["event_id"], "case-announce"),
        )
    log.info("Case %s of tenant %s opened", case.number, tenant.slug)
    return case


async def _announcement(
    tenant: Tenant, case: Case, client: Client, first_line: str | None = None
) -> str:
    """What the staff room hears of a new case. Every operator reads the staff room, so where
    some may not see every client, it names no client and quotes nothing."""
    lang = _lang(tenant)
    if await OperatorSettings.any_restricted(tenant.id):
        return t(lang, "case.waiting_anonymous", number=case.number)
    preview = ""
    if tenant.queue_preview and first_line is not None:
        preview = t(lang, "case.preview", text=first_line[:120])
    return t(lang, "case.waiting", number=case.number, alias=client.alias) + preview


async def _relay_client(
    ctx: Context, tenant: Tenant, client: Client, case: Case, raw: dict[str, Any]
) -> None:
    event_id = EventID(raw["event_id"])
    room_id = RoomID(raw["room_id"])
    content = raw.get("content", {})
    sent_at = raw.get("origin_server_ts")
    if case.status == WAITING or not case.case_room:
        seq = await _next_seq(case)
        text = relay.text_of(content) if raw["type"] == "m.room.message" else None
        await EventMap.add(case.id, room_id, event_id, PENDING, None, seq, text, sent_at)
        return
    ghost = await client_ghost(ctx, tenant, client)
    sent = await relay.relay(
        ghost,
        case.id,
        room_id,
        event_id,
        raw["type"],
        content,
        case.case_room,
        await _next_seq(case),
        sent_at,
    )
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
    event_type = raw["type"]
    assert case.operator_id is not None
    settings = await OperatorSettings.get(tenant.id, case.operator_id)
    refusal = _refusal(settings, raw)
    if refusal is not None:
        if event_type != "m.room.redaction":
            await ctx.bot.reply(
                case.case_room, EventID(raw["event_id"]), t(_lang(tenant), refusal)
            )
        return
    if event_type == "m.room.redaction":
        # The desk created the client's room, so it may redact any copy, whoever sent it.
        redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
        if redacted:
            await EventMap.forget_body(EventID(redacted))
        await relay.relay_redaction(ctx.desk(tenant.slug), redacted, client.room_id)
        return
    content = raw.get("content", {})
    if (
        event_type == "m.room.message"
        and content.get("msgtype") not in relay.RELAYED_MESSAGE_TYPES
    ):
        return
    if event_type not in ("m.room.message", "m.reaction"):
        return
    package = await Package.current_for(client.id) if event_type == "m.room.message" else None
    reply_number = 0
    if package is not None and package.operator_id == case.operator_id:
        numbered = await _letters().operator_reply(ctx, tenant, package, case, raw)
        if numbered is None:
            return
        content, reply_number = numbered
    speaker, _ = await _operator_voice(ctx, tenant, case, client, settings)
    sent = await relay.relay(
        speaker,
        case.id,
        case.case_room,
        EventID(raw["event_id"]),
        event_type,
        content,
        client.room_id,
        await _next_seq(case),
        raw.get("origin_server_ts"),
    )
    if sent and event_type == "m.room.message":
        await _answered(ctx, case)
    if sent and package is not None and reply_number:
        await _letters().reply_sent(
            ctx, tenant, package, case, EventID(raw["event_id"]), reply_number
        )


def _refusal(settings: OperatorSettings, raw: dict[str, Any]) -> str | None:
    """Why the operator's event may not reach the client (a message key), or None."""
    if not settings.may_send:
        return "perm.view_only"
    if settings.templates_only and raw["type"] == "m.room.message":
        return "perm.templates_only"  # free text, edits and files alike
    return None


async def _answered(ctx: Context, case: Case) -> None:
    """An operator's reply reached the client: the case counts as handled."""
    now = ctx.clock.now_ms()
    if case.first_response_at is None:
        case.first_response_at = now
    case.last_reply_at = now
    await case.save()


async def send_template(
    ctx: Context, tenant: Tenant, case: Case, operator: UserID, name: object, source: EventID
) -> str:
    """Fill a template for this case's client and send it as the operator's reply; the case
    room shows what was sent."""
    settings = await OperatorSettings.get(tenant.id, operator)
    if not settings.may_send:
        raise forbidden("perm.view_only")
    template = await records.get_template(tenant, name)
    client = await Client.get(case.client_id)
    if case.status != ASSIGNED or case.case_room is None or not client or not client.room_id:
        raise conflict("case.not_assigned", number=case.number)
    if tenant.suspended or tenant.halted:
        raise conflict("routing.halted_operator")
    if await Package.current_for(client.id):
        raise conflict("letters.no_templates")  # a reply of a package is numbered and counted
    speaker, speaker_name = await _operator_voice(ctx, tenant, case, client, settings)
    text = records.fill(
        template,
        {
            "nickname": client.alias or "",
            "operator": speaker_name,
            "tenant": tenant.name,
            "case": case.number,
        },
    )
    shown = await send_notice(
        ctx.az.intent,
        case.case_room,
        t(_lang(tenant), "template.sent", name=template.name, text=text),
        txn_id=txn_for(source, "template"),
        reply_to=source,
    )
    await relay.relay(
        speaker,
        case.id,
        case.case_room,
        shown,
        "m.room.message",
        {"msgtype": "m.text", "body": text},
        client.room_id,
        await _next_seq(case),
        ctx.clock.now_ms(),
    )
    await _answered(ctx, case)
    return text


async def _operator_voice(
    ctx: Context, tenant: Tenant, case: Case, client: Client, settings: OperatorSettings
) -> tuple[IntentAPI, str]:
    """Who speaks to the client, and under what name: the desk (the official persona), or the
    operator's own persona where the tenant and the operator's setting allow it."""
    desk = ctx.desk(tenant.slug)
    if not tenant.personal_personas or case.operator_id is None or not client.room_id:
        return desk, tenant.name
    setting = settings.persona
    persona = await Persona.get(tenant.id, case.operator_id)
    if setting == "official" or persona is None or not (persona.active or setting == "personal"):
        return desk, tenant.name
    ghost = ctx.az.intent.user(UserID(ctx.config.ghost_mxid(persona.ghost)))
    await ghost.ensure_registered()
    await ghost.ensure_joined(client.room_id, bot=desk)
    return ghost, persona.name


async def set_persona(
    ctx: Context, tenant: Tenant, operator: UserID, name: str | None
) -> Persona | None:
    """A personal persona under ``name`` for the operator, or back to the official one."""
    setting = (await OperatorSettings.get(tenant.id, operator)).persona
    if setting == ("personal" if name is None else "official"):
        raise forbidden(f"persona.fixed_{setting}")
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


async def queue(
    tenant: Tenant, settings: OperatorSettings | None
) -> list[tuple[Case, Client | None]]:
    """The waiting cases the viewer may see (None: all of them)."""
    return [
        (case, await Client.get(case.client_id))
        for case in await Case.waiting(tenant.id)
        if await permissions.may_see(settings, case.client_id, case.nominee)
    ]


async def find_case(tenant: Tenant, number: object) -> Case:
    value = validate.number(number, "case number")
    case = await Case.by_number(tenant.id, value)
    if case is None:
        raise not_found("case.unknown", number=value)
    return case


async def take(ctx: Context, tenant: Tenant, number: object, operator: UserID) -> Case:
    """Give a waiting case to an operator: the case room opens with what the client wrote."""
    case = await find_case(tenant, number)
    if case.status != WAITING:
        raise conflict("case.not_waiting", number=case.number)
    if not await tenant.has_member(operator, OPERATOR):
        raise forbidden("case.not_operator", user_id=operator)
    settings = await OperatorSettings.get(tenant.id, operator)
    if not await permissions.may_see(settings, case.client_id, case.nominee):
        raise forbidden("case.out_of_scope", number=case.number)
    await assign(ctx, tenant, case, operator)
    return case


async def give(ctx: Context, tenant: Tenant, number: object, target: object) -> Case:
    """An admin gives a waiting case to an operator (the way into "assigned only" scopes)."""
    case = await find_case(tenant, number)
    if case.status != WAITING:
        raise conflict("case.not_waiting", number=case.number)
    operator = await _receiver(tenant, case, target)
    await assign(ctx, tenant, case, operator)
    return case


async def _receiver(tenant: Tenant, case: Case, target: object) -> UserID:
    """The operator a case is handed to, if they may have it."""
    operator = validate.user_id(target)
    if not await tenant.has_member(operator, OPERATOR):
        raise forbidden("case.not_operator", user_id=operator)
    settings = await OperatorSettings.get(tenant.id, operator)
    if not await permissions.may_be_given(settings, case.client_id):
        raise forbidden("case.target_out_of_scope", user_id=operator)
    return operator


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
        await Room.add(case.case_room, room_kinds.CASE, tenant.id, case_id=case.id)
        await ghost.join_room(case.case_room)
    else:
        await invite(ctx, case.case_room, operator)
    case.status = ASSIGNED
    case.operator_id = operator
    case.assigned_at = ctx.clock.now_ms()
    await case.save()
    await ctx.bot.notice(case.case_room, t(lang, "case.assigned_room", number=case.number))
    settings = await OperatorSettings.get(tenant.id, operator)
    await ctx.bot.notice(case.case_room, await records.client_card(tenant, client, case, settings))
    for pending in await EventMap.pending(case.id):
        await _replay(ctx, client, case, ghost, pending.source_event)
    if tenant.staff_room:
        await ctx.bot.notice(tenant.staff_room, t(lang, "case.taken", number=case.number))
    await notify.tell(
        ctx,
        tenant,
        operator,
        notify.ASSIGNED,
        f"{case.id}-{case.assigned_at}",
        number=case.number,
        alias=client.alias,
    )


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
        raw.get("origin_server_ts"),
    )


async def invite(ctx: Context, room_id: RoomID, user_id: UserID) -> None:
    """Invite by the bot; one already invited or joined is no error."""
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
            await ctx.bot.notice(tenant.staff_room, await _announcement(tenant, case, client))
    else:
        operator = await _receiver(tenant, case, target)
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
        case.rating_poll = await polls.send_poll(
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


async def _take_rating(ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]) -> bool:
    """A poll answer or a lone digit right after a close is the rating, not a new case."""
    if await Case.open_for(client.id):
        return False
    case = await Case.last_closed_for(client.id)
    if case is None or case.rating is not None or case.rating_poll is None:
        return False
    value = polls.chosen_answer(raw, case.rating_poll)
    if value not in RATINGS:
        return raw["type"] in polls.POLL_RESPONSES
    case.rating = int(value)
    await case.save()
    await send_notice(
        ctx.desk(tenant.slug),
        RoomID(raw["room_id"]),
        t(_lang(tenant), "case.rating_thanks"),
        txn_id=txn_for(raw["event_id"], "rating"),
    )
    return True
