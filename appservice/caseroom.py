"""The case room: what every feature does with a case, under the features that use it.

A case's client speaks in case rooms through a ghost of their own; an operator takes a case or
is given it, which opens the case room with what the client wrote so far; a case moves to
another operator or back to the queue, and is closed with a rating asked. The client's and
the operators' events that reach a case pass through the pipeline (``pipeline/``), which
uses this module; this module imports no feature."""

from __future__ import annotations

import logging
import secrets

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError
from mautrix.types import EventID, RoomID, UserID

from . import hooks, relay
from .bot import send_notice, txn_for
from .context import Context
from .db import (
    OPERATOR,
    Case,
    Client,
    EventMap,
    OperatorSettings,
    OperatorState,
    Package,
    Persona,
    Room,
)
from .db import room as room_kinds
from .db.case import ASSIGNED, CLOSED, WAITING
from .db.tenant import Tenant
from .i18n import t
from .leak import Receiver, Refusal
from .rooms import create_room
from .services import notify, permissions, polls, records, validate
from .services.errors import conflict, forbidden, not_found

log = logging.getLogger("soudan.cases")

RATINGS = ("1", "2", "3", "4", "5")


async def client_ghost(ctx: Context, tenant: Tenant, client: Client) -> IntentAPI:
    """The ghost that stands for the client in case rooms, made on first use."""
    if client.ghost:
        return ctx.az.intent.user(UserID(ctx.config.ghost_mxid(client.ghost)))
    if tenant.preset == "workplace" or not client.nickname:
        # An alias that says nothing about the person; unique within the tenant, removed
        # clients included (their records still go by theirs).
        taken = await Client.aliases(tenant.id)
        alias = ""
        while not alias or alias in taken:
            alias = t(tenant.language, "case.alias", number=secrets.randbelow(9000) + 1000)
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


def operator_side(ctx: Context, tenant: Tenant, client: Client) -> Receiver:
    """Copies for operators: they know the client by the client's alias, the desk by the
    tenant's name, and nobody else."""
    names = {client.user_id: client.alias, ctx.desk_mxid(tenant.slug): tenant.name}
    if client.ghost:
        names[UserID(ctx.config.ghost_mxid(client.ghost))] = client.alias
    return relay.receiver(tenant.language, {k: v for k, v in names.items() if v})


def client_side(
    ctx: Context, tenant: Tenant, case: Case, client: Client, speaker_name: str
) -> Receiver:
    """Copies for the client: the operator is the desk or persona that speaks for them, the
    client is their own nickname, and nobody else has a name."""
    names = {ctx.desk_mxid(tenant.slug): tenant.name}
    if case.operator_id:
        names[case.operator_id] = speaker_name
    if client.ghost and client.nickname:
        names[UserID(ctx.config.ghost_mxid(client.ghost))] = client.nickname
    return relay.receiver(tenant.language, {k: v for k, v in names.items() if v})


async def announcement(
    tenant: Tenant, case: Case, client: Client, first_line: str | None = None
) -> str:
    """What the staff room hears of a new case. Every operator reads the staff room, so where
    some may not see every client, it names no client and quotes nothing."""
    lang = tenant.language
    if await OperatorSettings.any_restricted(tenant.id):
        return t(lang, "case.waiting_anonymous", number=case.number)
    preview = ""
    if tenant.queue_preview and first_line is not None:
        preview = t(lang, "case.preview", text=first_line[:120])
    return t(lang, "case.waiting", number=case.number, alias=client.alias) + preview


async def takers(tenant: Tenant, case: Case) -> list[UserID]:
    """Who a waiting case must wake: in a manual queue, the online operators who may take it.
    In auto mode routing gives the case away at once, and only the one who gets it is told."""
    if tenant.assign_mode != "manual":
        return []
    return [
        state.user_id
        for state in await OperatorState.all(tenant.id)
        if state.status == "online"
        and await permissions.may_see(
            await OperatorSettings.get(tenant.id, state.user_id), case.client_id, case.nominee
        )
    ]


async def announce(
    ctx: Context,
    tenant: Tenant,
    case: Case,
    client: Client,
    first_line: str | None = None,
    *,
    txn_id: str | None = None,
) -> None:
    """The staff room hears of a waiting case: an alert to the operators who may take it now,
    a plain notice when there is nobody to wake."""
    if not tenant.staff_room:
        return
    text = await announcement(tenant, case, client, first_line)
    wake = await takers(tenant, case)
    if wake:
        await ctx.bot.alert(tenant.staff_room, text, mention=wake, txn_id=txn_id)
    else:
        await ctx.bot.notice(tenant.staff_room, text, txn_id=txn_id)


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
    await assign(ctx, tenant, case, operator, ring=False)  # they asked for it just now
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


async def assign(
    ctx: Context, tenant: Tenant, case: Case, operator: UserID, *, ring: bool = True
) -> None:
    """Give the case to ``operator``: the case room opens (or they are invited back) with what
    the client wrote so far. Unless they took it themselves (``ring`` false), the first line
    there is an alert to them."""
    client = await Client.get(case.client_id)
    assert client is not None
    ghost = await client_ghost(ctx, tenant, client)
    lang = tenant.language
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
    case.sent_back_by = None
    await case.save()
    assigned = t(lang, "case.assigned_room", number=case.number)
    if ring:
        await ctx.bot.alert(case.case_room, assigned, mention=operator)
    else:
        await ctx.bot.notice(case.case_room, assigned)
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
    await EventMap.drop_pending(case.id, event_id)
    content = raw.get("content", {})
    if not content:
        return  # redacted meanwhile
    desk = ctx.desk(tenant.slug)
    sent = await relay.relay(
        ghost,
        case.id,
        client.room_id,
        event_id,
        raw["type"],
        content,
        case.case_room,
        operator_side(ctx, tenant, client),
        own_edit=await relay.own_edit(desk, client.room_id, content, client.user_id),
        sent_at=raw.get("origin_server_ts"),
    )
    if isinstance(sent, Refusal):
        await send_notice(
            desk,
            client.room_id,
            relay.refusal_text(tenant.language, sent),
            txn_id=txn_for(event_id, "refused"),
            reply_to=event_id,
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

    Sent back, the case remembers who sent it (routing passes over them until someone is
    given it) and a nomination of that operator is given up. The confirmation goes into the
    case room (as a reply to ``reply_to``) before the previous operator leaves it, so they
    see it."""
    if case.status != ASSIGNED or case.case_room is None:
        raise conflict("case.not_assigned", number=case.number)
    previous = case.operator_id
    lang = tenant.language
    if target == "queue":
        case.sent_back_by = previous
        if case.nominee == previous:
            case.nominee = None
        await requeue(ctx, tenant, case)
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


async def requeue(ctx: Context, tenant: Tenant, case: Case) -> None:
    """The case waits in the queue again, with its case room and history; the staff room hears
    of it as of a new case. The client is told nothing: the desk answers them as before."""
    case.status = WAITING
    case.operator_id = None
    await case.save()
    client = await Client.get(case.client_id)
    if client:
        await announce(ctx, tenant, case, client)


async def close(ctx: Context, tenant: Tenant, case: Case) -> None:
    """Close the case and ask the client for a rating (a poll, with a plain-text fallback);
    a removed client is asked nothing, and the case room is told why the case closed."""
    if case.status not in (ASSIGNED, WAITING):
        raise conflict("case.closed_already", number=case.number)
    client = await Client.get(case.client_id)
    case.status = CLOSED
    case.closed_at = ctx.clock.now_ms()
    lang = tenant.language
    gone = client is None or client.removed
    if client and client.room_id and not gone:
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
        key = "case.closed_client_removed" if gone else "case.closed_room"
        await ctx.bot.notice(case.case_room, t(lang, key, number=case.number))
    await ctx.hooks.run(hooks.CASE_CLOSED, ctx, tenant, case)


# Operators speaking to the client


async def answered(ctx: Context, case: Case) -> None:
    """An operator's reply reached the client: the case counts as handled."""
    now = ctx.clock.now_ms()
    if case.first_response_at is None:
        case.first_response_at = now
    case.last_reply_at = now
    await case.save()


async def operator_voice(
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
    speaker, speaker_name = await operator_voice(ctx, tenant, case, client, settings)
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
        t(tenant.language, "template.sent", name=template.name, text=text),
        txn_id=txn_for(source, "template"),
        reply_to=source,
    )
    sent = await relay.relay(
        speaker,
        case.id,
        case.case_room,
        shown,
        "m.room.message",
        {"msgtype": "m.text", "body": text},
        client.room_id,
        client_side(ctx, tenant, case, client, speaker_name),
        sent_at=ctx.clock.now_ms(),
    )
    if isinstance(sent, Refusal):
        raise forbidden(sent.key, **sent.params)
    await answered(ctx, case)
    return text


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
