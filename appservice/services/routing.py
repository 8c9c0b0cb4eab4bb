"""Who gets a waiting case, and when: status, hours, nomination, sticky, load, halt, expiry."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from mautrix.types import EventID, UserID

from .. import caseroom, hooks, hours, i18n
from ..bot import send_notice
from ..context import Context
from ..db import (
    Case,
    Client,
    NoticeSent,
    OperatorSettings,
    OperatorState,
    Package,
    Tenant,
    Timer,
)
from ..db.case import ASSIGNED, EXPIRED, WAITING
from ..i18n import t
from . import notify, permissions, polls, validate
from .errors import Refusal, conflict, forbidden, not_found

log = logging.getLogger("soudan.routing")

ONLINE, BREAK, OFFLINE = "online", "break", "offline"
STATUSES = (ONLINE, BREAK, OFFLINE)
EXPIRY_MS = 3 * 24 * 3600 * 1000
NOMINATION_IDLE_MS = 3 * 24 * 3600 * 1000
CASE_EXPIRY = "case_expiry"
OPENING = "opening"
NOMINATION_EXPIRY = "nomination_expiry"
TEXT_KINDS = ("out_of_hours", "absent", "halt", "apology")
MAX_ANSWERS = 20  # a poll offers no more (MSC3381)
MAX_TEXT = 2000


def text(tenant: Tenant, kind: str) -> str:
    """The tenant's own wording of a notice, or the default in its language."""
    return tenant.texts.get(kind) or t(tenant.language, f"routing.{kind}")


async def _tell_client_once(
    ctx: Context, tenant: Tenant, client: Client, kind: str, period: str
) -> None:
    if client.room_id and await NoticeSent.claim(client.room_id, kind, period):
        await send_notice(ctx.desk(tenant.slug), client.room_id, text(tenant, kind))


async def pick(ctx: Context, tenant: Tenant, case: Case, client: Client) -> UserID | None:
    """The operator for the case now, or None (manual queue, or nobody can take it)."""
    states = [s for s in await OperatorState.all(tenant.id) if s.status == ONLINE]
    # Whoever sent the case back to the queue is passed over, even if nobody else is free.
    states = [s for s in states if s.user_id != case.sent_back_by]
    if case.team:
        states = [s for s in states if s.team == case.team]
    states = [s for s in states if await may_have(tenant, s.user_id, client)]
    loads = {s.user_id: await Case.open_count(tenant.id, s.user_id) for s in states}
    available = [s.user_id for s in states if loads[s.user_id] < tenant.max_open]
    if case.nominee:
        return case.nominee if case.nominee in available else None
    sticky = await Case.last_operator_of(client.id)
    if sticky in available:
        return sticky
    if tenant.assign_mode == "auto" and available:
        return min(available, key=lambda user: (loads[user], available.index(user)))
    return None


async def may_have(tenant: Tenant, operator: UserID, client: Client) -> bool:
    settings = await OperatorSettings.get(tenant.id, operator)
    return await permissions.may_be_given(settings, client.id)


async def route(ctx: Context, tenant: Tenant, case: Case, *, quiet: bool = False) -> None:
    """Give the case to someone if the rules say so; otherwise tell the client why it waits
    (unless ``quiet``: a case sent back to the queue waits without a word to the client)."""
    if case.status != WAITING or tenant.suspended or tenant.halted:
        return
    client = await Client.get(case.client_id)
    if client is None:
        return
    tz = hours.zone(tenant.timezone)
    now = ctx.clock.now_ms()
    if not hours.is_open(tenant.hours, tenant.closed_dates, tz, now):
        opening = hours.next_opening(tenant.hours, tenant.closed_dates, tz, now)
        if not quiet:
            await _tell_client_once(ctx, tenant, client, "out_of_hours", str(opening))
        if opening is not None:
            await _schedule_opening(ctx, tenant, opening)
        return
    if case.intake_poll and case.team is None:
        return  # waits for the client's answer to the intake question
    operator = await pick(ctx, tenant, case, client)
    if operator is not None:
        await caseroom.assign(ctx, tenant, case, operator)
        return
    online = [s for s in await OperatorState.all(tenant.id) if s.status == ONLINE]
    if case.assigned_at is not None:
        return  # it had an operator: a handover is invisible to the client, so not a word
    if not quiet and (case.nominee or not online or tenant.assign_mode == "auto"):
        # Nobody who may take it is free: one notice per case, and it waits as an inquiry.
        await _tell_client_once(ctx, tenant, client, "absent", f"case-{case.id}")


async def transfer(
    ctx: Context, tenant: Tenant, case: Case, target: str, reply_to: EventID | None = None
) -> None:
    """Hand the case to another operator, or send it back to the queue (``"queue"``). A case
    sent back is routed again at once by the usual rules, passing over the operator who sent
    it back (they may still take it); with nobody else free, it waits in the queue. The client
    is told nothing either way."""
    await caseroom.transfer(ctx, tenant, case, target, reply_to=reply_to)
    if target == "queue":
        await route(ctx, tenant, case, quiet=True)
        await _announce_waiting(ctx, tenant, case)


async def route_waiting(ctx: Context, tenant: Tenant) -> None:
    for case in await Case.waiting(tenant.id):
        await route(ctx, tenant, case)


async def case_closed(ctx: Context, tenant: Tenant, case: Case) -> None:
    await route_waiting(ctx, tenant)  # the operator has room for another case


async def operator_left(ctx: Context, tenant: Tenant, operator: UserID) -> None:
    """An operator left the tenant: their open chat cases go back to routing (their clients
    are told nothing), and the cases that waited for them as a nominee wait for anyone. Done
    again, it finds nothing left to do."""
    state = await OperatorState.get(tenant.id, operator)
    if state.status != OFFLINE or state.nominations:
        state.status, state.nominations = OFFLINE, False
        await state.save()
    for case in await Case.of_operator(tenant.id, operator):
        if await Package.current_for(case.client_id):
            continue  # a letter case waits for the package's next counselor (letters)
        if case.status == ASSIGNED and case.operator_id == operator:
            await caseroom.requeue(ctx, tenant, case)
            if case.case_room:
                await ctx.bot.notice(
                    case.case_room, t(tenant.language, "case.requeued_left", number=case.number)
                )
        elif case.status == WAITING and case.nominee == operator:
            case.nominee = None
            await case.save()
        else:
            continue
        await route(ctx, tenant, case, quiet=True)
        await _announce_waiting(ctx, tenant, case)


async def _schedule_opening(ctx: Context, tenant: Tenant, at: int) -> None:
    for timer in await Timer.pending(OPENING):
        if timer.payload == {"tenant": tenant.id, "at": at}:
            return
    await ctx.scheduler.add(OPENING, at, {"tenant": tenant.id, "at": at})


async def on_opening(ctx: Context, timer: Timer) -> None:
    tenant = await Tenant.get(timer.payload["tenant"])
    if tenant:
        await route_waiting(ctx, tenant)


async def case_opened(ctx: Context, tenant: Tenant, case: Case) -> None:
    await ctx.scheduler.add(CASE_EXPIRY, case.opened_at + EXPIRY_MS, {"case": case.id})
    if tenant.intake and case.nominee is None:
        client = await Client.get(case.client_id)
        if client:
            await ask_intake(ctx, tenant, case, client)
    await route(ctx, tenant, case)
    await _announce_waiting(ctx, tenant, case)


async def _announce_waiting(ctx: Context, tenant: Tenant, case: Case) -> None:
    """Operators who asked for it hear of a case left in the queue."""
    fresh = await Case.get(case.id)
    client = await Client.get(case.client_id)
    if fresh is not None and client is not None and fresh.status == WAITING:
        await notify.new_case(ctx, tenant, fresh, client)


async def on_case_expiry(ctx: Context, timer: Timer) -> None:
    case = await Case.get(timer.payload["case"])
    if case is None or case.status != WAITING:
        return
    tenant = await Tenant.get(case.tenant_id)
    client = await Client.get(case.client_id)
    if tenant is None or client is None:
        return
    case.status = EXPIRED
    case.closed_at = ctx.clock.now_ms()
    await case.save()
    if client.room_id:
        await send_notice(
            ctx.desk(tenant.slug),
            client.room_id,
            text(tenant, "apology"),
            txn_id=f"soudan-expiry-{case.id}",
        )
    if tenant.staff_room:
        await ctx.bot.notice(
            tenant.staff_room, t(tenant.language, "routing.expired", number=case.number)
        )


# Operators


async def set_status(ctx: Context, tenant: Tenant, operator: UserID, status: str) -> None:
    if status not in STATUSES:
        raise Refusal("routing.bad_status", value=status[:20])
    state = await OperatorState.get(tenant.id, operator)
    state.status = status
    state.last_active = ctx.clock.now_ms()
    await state.save()
    if status == ONLINE:
        await route_waiting(ctx, tenant)


async def touch(ctx: Context, tenant: Tenant, operator: UserID) -> None:
    """Note that the operator did something (for the 3-day nomination rule)."""
    state = await OperatorState.get(tenant.id, operator)
    state.last_active = ctx.clock.now_ms()
    await state.save()


async def set_nominations(ctx: Context, tenant: Tenant, operator: UserID, on: bool) -> None:
    state = await OperatorState.get(tenant.id, operator)
    if on and not state.profile_name:
        raise Refusal("routing.profile_first")
    state.nominations = on
    state.last_active = ctx.clock.now_ms()
    await state.save()
    if on:
        await _schedule_nomination_check(ctx, state)


async def _schedule_nomination_check(ctx: Context, state: OperatorState) -> None:
    await ctx.scheduler.add(
        NOMINATION_EXPIRY,
        state.last_active + NOMINATION_IDLE_MS,
        {"tenant": state.tenant_id, "user": state.user_id},
    )


async def on_nomination_expiry(ctx: Context, timer: Timer) -> None:
    tenant = await Tenant.get(timer.payload["tenant"])
    if tenant is None:
        return
    state = await OperatorState.get(tenant.id, UserID(timer.payload["user"]))
    if not state.nominations:
        return
    if state.last_active + NOMINATION_IDLE_MS > ctx.clock.now_ms():
        await _schedule_nomination_check(ctx, state)  # active since: look again later
        return
    state.nominations = False
    await state.save()
    if tenant.staff_room:
        await ctx.bot.notice(
            tenant.staff_room,
            t(tenant.language, "routing.nominations_expired", user_id=state.user_id),
        )


async def set_profile(tenant: Tenant, operator: UserID, name: str, about: str) -> None:
    state = await OperatorState.get(tenant.id, operator)
    state.profile_name = validate.name(name, "profile name")
    state.profile_text = validate.text(about, "profile text", 500) if about.strip() else ""
    await state.save()


async def nominable(tenant: Tenant, client: Client) -> list[OperatorState]:
    """The operators this client may nominate: they accept nominations and may have them."""
    return [
        s
        for s in await OperatorState.all(tenant.id)
        if s.nominations and s.profile_name and await may_have(tenant, s.user_id, client)
    ]


async def listed_operator(tenant: Tenant, client: Client, choice: object) -> OperatorState:
    """The operator numbered ``choice`` in the client's nomination list (``!operators``)."""
    listed = await nominable(tenant, client)
    number = validate.count(choice, low=1, high=max(len(listed), 1), what="number")
    if not listed:
        raise not_found("routing.nobody_nominable")
    return listed[number - 1]


async def nominate(ctx: Context, tenant: Tenant, client: Client, choice: object) -> OperatorState:
    """The client picks an operator from the nomination list; their case goes to them."""
    chosen = await listed_operator(tenant, client, choice)
    await nominate_operator(ctx, tenant, client, chosen)
    return chosen


async def nominate_operator(
    ctx: Context, tenant: Tenant, client: Client, chosen: OperatorState
) -> None:
    """The client's case (a new one if none is open) goes to the chosen operator."""
    if not (
        chosen.nominations
        and chosen.profile_name
        and await may_have(tenant, chosen.user_id, client)
    ):
        raise forbidden("routing.not_nominable", name=chosen.profile_name or "-")
    case = await Case.open_for(client.id)
    if case is None:
        case = await Case.open_new(tenant.id, client.id, ctx.clock.now_ms())
        case.nominee = chosen.user_id
        await case.save()
        await ctx.scheduler.add(CASE_EXPIRY, case.opened_at + EXPIRY_MS, {"case": case.id})
    elif case.status != WAITING:
        raise conflict("routing.already_assigned")
    else:
        case.nominee = chosen.user_id
        await case.save()
    await route(ctx, tenant, case)


# Intake: a question when a case opens, whose answer picks the team


def intake_of_line(spec: str) -> dict[str, Any]:
    """The intake as typed in a command: ``question | label=team | label=team …``."""
    parts = [part.strip() for part in spec.split("|")]
    answers = []
    for choice in parts[1:]:
        label, sep, team = choice.rpartition("=")
        if not sep or not label.strip() or not team.strip():
            raise Refusal("intake.format")
        answers.append({"label": label, "team": team})
    if not parts[0] or len(answers) < 2:
        raise Refusal("intake.format")
    return {"question": parts[0], "answers": answers}


async def set_intake(tenant: Tenant, intake: object | None) -> dict[str, Any] | None:
    """The question asked when a case opens, ``{"question": …, "answers": [{"label": …,
    "team": …}, …]}`` (two answers or more); None removes it. All is checked first."""
    if intake is None:
        tenant.intake = None
        await tenant.save()
        return None
    if not isinstance(intake, dict) or not isinstance(intake.get("answers"), list):
        raise Refusal("intake.bad_answers", errcode="M_BAD_JSON")
    question = validate.text(intake.get("question"), "question", 500)
    answers = []
    for answer in intake["answers"]:
        if not isinstance(answer, dict):
            raise Refusal("intake.bad_answers", errcode="M_BAD_JSON")
        label = validate.name(answer.get("label"), "answer")
        answers.append({"label": label, "team": validate.name(answer.get("team"), "team")})
    if not 2 <= len(answers) <= MAX_ANSWERS:
        raise Refusal("intake.answers", low=2, high=MAX_ANSWERS, count=len(answers))
    tenant.intake = {"question": question, "answers": answers}
    await tenant.save()
    return tenant.intake


async def set_team(tenant: Tenant, operator: object, team: object | None) -> str | None:
    """Put an operator in a team (the answers to the intake question name teams), or in none."""
    user_id = validate.user_id(operator)
    if not await tenant.has_member(user_id, "operator"):
        raise not_found("operator.unknown", user_id=user_id)
    state = await OperatorState.get(tenant.id, user_id)
    state.team = validate.name(team, "team") if team is not None else None
    await state.save()
    return state.team


async def teams(tenant: Tenant) -> dict[UserID, str | None]:
    """Each operator of the tenant and their team."""
    states = {s.user_id: s.team for s in await OperatorState.all(tenant.id)}
    return {user_id: states.get(user_id) for user_id in await tenant.members("operator")}


async def ask_intake(ctx: Context, tenant: Tenant, case: Case, client: Client) -> None:
    if not tenant.intake or not client.room_id:
        return
    answers = tenant.intake["answers"]
    case.intake_poll = await polls.send_poll(
        ctx,
        tenant,
        client.room_id,
        tenant.intake["question"],
        [(str(n), a["label"]) for n, a in enumerate(answers, start=1)],
        t(tenant.language, "intake.fallback"),
        key=f"intake-{case.id}",
    )
    await case.save()


async def take_intake_answer(
    ctx: Context, tenant: Tenant, client: Client, raw: dict[str, Any]
) -> bool:
    """The client's answer to the intake question: sets the team and routes the case."""
    case = await Case.open_for(client.id)
    if case is None or case.intake_poll is None or case.team is not None or not tenant.intake:
        return False
    value = polls.chosen_answer(raw, case.intake_poll)
    answers = tenant.intake["answers"]
    if value is None or not value.isdigit() or not 1 <= int(value) <= len(answers):
        return False
    case.team = answers[int(value) - 1]["team"]
    case.intake_answer = answers[int(value) - 1]["label"]
    await case.save()
    if client.room_id:
        await send_notice(
            ctx.desk(tenant.slug), client.room_id, t(tenant.language, "intake.thanks")
        )
    await route(ctx, tenant, case)
    return True


# Tenant settings


MAX_CLOSED_RANGE = 366


async def change_hours(
    tenant: Tenant,
    *,
    timezone: object | None = None,
    days: object | None = None,
    closed_dates: object | None = None,
    close: Iterable[object] = (),
    reopen: Iterable[object] = (),
) -> None:
    """One change of the tenant's hours: its time zone, the ranges of some weekdays
    (``{"mon": "09:00-17:00", "sun": "closed"}``), its closed dates as a whole list
    (``closed_dates``), or dates closed and reopened (``close``, ``reopen``). Every date may
    be a span ``first..last`` (a year at most). Everything is checked before anything
    changes: a bad part changes nothing."""
    zone_name = None
    if timezone is not None:
        zone_name = str(timezone)
        hours.zone(zone_name)
    if days is not None and not isinstance(days, dict):
        raise Refusal("bad.field", errcode="M_BAD_JSON", field="hours")
    table = dict(tenant.hours or {})
    for day, ranges in (days or {}).items():
        name = str(day).lower()[:3]
        if name not in hours.WEEKDAYS:
            raise Refusal("hours.bad_day", value=name)
        table[name] = hours.parse_ranges(str(ranges))
    if closed_dates is not None and not isinstance(closed_dates, list):
        raise Refusal("bad.field", errcode="M_BAD_JSON", field="closed_dates")

    def dates(values: Iterable[object]) -> set[str]:
        return {
            day for value in values for day in validate.date_span(str(value), MAX_CLOSED_RANGE)
        }

    closed = set(tenant.closed_dates) if closed_dates is None else dates(closed_dates)
    closed = (closed | dates(close)) - dates(reopen)
    if zone_name is not None:
        tenant.timezone = zone_name
    if days is not None:
        tenant.hours = table
    tenant.closed_dates = sorted(closed)
    await tenant.save()


async def set_text(tenant: Tenant, kind: str, value: object) -> None:
    """The tenant's own wording of one of the notices clients get (``TEXT_KINDS``)."""
    if kind not in TEXT_KINDS:
        raise Refusal("routing.bad_text_kind", value=kind[:20], options=", ".join(TEXT_KINDS))
    tenant.texts = {**tenant.texts, kind: validate.text(value, "text", MAX_TEXT)}
    await tenant.save()


def texts_of(tenant: Tenant) -> dict[str, dict[str, Any]]:
    """Each notice's wording now, and whether it is the tenant's own."""
    return {
        kind: {"text": text(tenant, kind), "custom": kind in tenant.texts} for kind in TEXT_KINDS
    }


async def set_mode(tenant: Tenant, mode: str, limit: object | None = None) -> None:
    if mode not in ("manual", "auto"):
        raise Refusal("routing.bad_mode", value=mode[:20])
    tenant.assign_mode = mode
    if limit is not None:
        tenant.max_open = validate.count(limit, low=1, high=100, what="limit")
    await tenant.save()


async def _tell_staff(ctx: Context, tenant: Tenant, key: str, admins_too: bool) -> None:
    rooms = (tenant.admin_room, tenant.staff_room) if admins_too else (tenant.staff_room,)
    for room in rooms:
        if room:
            await ctx.bot.notice(room, t(tenant.language, key))


async def halt(ctx: Context, tenant: Tenant, *, tell_admins: bool = True) -> None:
    """Stop relaying at once, both ways (an incident, a hijacked account)."""
    if tenant.halted:
        raise conflict("routing.already_halted")
    tenant.halted_at = ctx.clock.now_ms()
    await tenant.save()
    await _tell_staff(ctx, tenant, "routing.halted_notice", tell_admins)


async def unhalt(ctx: Context, tenant: Tenant, *, tell_admins: bool = True) -> None:
    if not tenant.halted:
        raise conflict("routing.not_halted")
    tenant.halted_at = None
    await tenant.save()
    await _tell_staff(ctx, tenant, "routing.unhalted_notice", tell_admins)
    await route_waiting(ctx, tenant)


def state_line(tenant: Tenant, now_ms: int) -> str:
    """ "open now" or "closed until …" in the tenant's language and time zone."""
    lang = tenant.language
    if tenant.halted:
        return t(lang, "routing.state_halted")
    tz = hours.zone(tenant.timezone)
    if hours.is_open(tenant.hours, tenant.closed_dates, tz, now_ms):
        return t(lang, "routing.state_open")
    opening = hours.next_opening(tenant.hours, tenant.closed_dates, tz, now_ms)
    if opening is None:
        return t(lang, "routing.state_closed_indefinitely")
    when = i18n.moment(lang, datetime.fromtimestamp(opening / 1000, tz))
    return t(lang, "routing.state_closed", when=when)


TIMER_HANDLERS: dict[str, Any] = {
    CASE_EXPIRY: on_case_expiry,
    OPENING: on_opening,
    NOMINATION_EXPIRY: on_nomination_expiry,
}
HOOKS: dict[str, hooks.Hook] = {
    hooks.CASE_CLOSED: case_closed,
    hooks.OPERATOR_LEFT: operator_left,
}
