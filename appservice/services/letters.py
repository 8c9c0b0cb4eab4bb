"""Letter counseling (seed 004): a client holds a package of N replies; each counselor reply is
numbered n/N on both sides, is due within the package's business days, and is limited in
length like the client's letters; after the last one the client is asked whether to continue,
and a new package runs only once an admin has confirmed the payment.

The relay in ``cases`` asks here before it copies anything in a case whose client holds a
package (``Package.current_for``): a letter over the limit, or a reply the package does not
allow, is refused there, and nothing is copied.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mautrix.types import EventID, RoomID, UserID

from .. import business_days, hours, i18n
from ..bot import send_notice, txn_for
from ..context import Context
from ..db import (
    OPERATOR,
    Case,
    Client,
    LetterOperator,
    OperatorSettings,
    Package,
    PackageType,
    Tenant,
    Timer,
)
from ..db.case import ASSIGNED, WAITING
from ..db.letters import ACTIVE, CANCELLED, DONE, LETTER_MODE, PENDING
from ..i18n import Lang, t
from . import notify, polls, validate
from .errors import Refusal, conflict, forbidden, not_found

log = logging.getLogger("soudan.letters")

REMINDER, OVERDUE = "letter_reminder", "letter_overdue"
DEFAULTS = {"replies": 4, "days": 2, "chars": 3000, "price": 0}
LIMITS = {"replies": (1, 100), "days": (1, 30), "chars": (1, 100_000), "price": (0, 100_000_000)}
TYPE_OPTIONS = tuple(DEFAULTS)
CONTINUE, FINISH = "1", "2"
PACKAGE_MONTHS = ("started", "completed")
MAX_DAYS_OFF = 400
MAX_REMIND_H = 72
TEXT_TYPES = ("m.text", "m.notice", "m.emote")


def _lang(tenant: Tenant) -> Lang:
    return tenant.language


def _zone(tenant: Tenant) -> Any:
    return hours.zone(tenant.timezone)


def label(number: int) -> str:
    return f"P{number}"


def _number(value: object) -> int:
    text = str(value).strip()
    return validate.number(text[1:] if text[:1] in ("P", "p") else text, "package")


# Package types


def type_terms(options: Mapping[str, object], base: Mapping[str, int] | None = None) -> dict:
    """The terms of a package type from ``replies= days= chars= price=``, each checked."""
    unknown = [key for key in options if key not in TYPE_OPTIONS]
    if unknown:
        raise Refusal("letters.unknown_option", option=unknown[0], options=", ".join(TYPE_OPTIONS))
    terms = dict(base or DEFAULTS)
    for key, value in options.items():
        low, high = LIMITS[key]
        terms[key] = validate.count(value, low=low, high=high, what=t("en", f"letters.term.{key}"))
    return terms


async def put_type(
    ctx: Context, tenant: Tenant, name: object, options: Mapping[str, object]
) -> PackageType:
    """Add a package type, or change the terms of one (packages granted keep theirs)."""
    type_name = validate.name(name, "package type")
    known = await PackageType.by_name(tenant.id, type_name)
    base = None
    if known is not None:
        base = {
            "replies": known.replies,
            "days": known.deadline_days,
            "chars": known.char_limit,
            "price": known.price,
        }
    terms = type_terms(options, base)
    return await PackageType.put(
        tenant.id,
        type_name,
        terms["replies"],
        terms["days"],
        terms["chars"],
        terms["price"],
        ctx.clock.now_ms(),
    )


async def find_type(tenant: Tenant, name: object) -> PackageType:
    kind = await PackageType.by_name(tenant.id, str(name).strip())
    if kind is None:
        known = ", ".join(k.name for k in await PackageType.all(tenant.id)) or "-"
        raise not_found("letters.unknown_type", name=str(name)[:64], known=known)
    return kind


async def remove_type(tenant: Tenant, name: object) -> None:
    await (await find_type(tenant, name)).delete()


def type_line(lang: Lang, kind: PackageType | Package) -> str:
    name = kind.name if isinstance(kind, PackageType) else kind.type_name
    return t(
        lang,
        "letters.type_line",
        name=name,
        replies=t(lang, "letters.replies", count=kind.replies),
        days=t(lang, "letters.business_days", count=kind.deadline_days),
        chars=kind.char_limit,
        price=i18n.number(lang, kind.price),
    )


# Granting, choosing a counselor, payment


async def _letter_operator(tenant: Tenant, value: object) -> UserID:
    operator = validate.user_id(value)
    if not await tenant.has_member(operator, OPERATOR):
        raise not_found("operator.unknown", user_id=operator)
    return operator


async def grant(
    ctx: Context, tenant: Tenant, client_ref: object, type_name: object, operator: object = None
) -> Package:
    """An admin grants a package to a client (paid outside soudan), with a counselor or for
    the client to choose one (``!operators``, ``!nominate``)."""
    from . import cases, clients, routing

    client = await clients.find_client(tenant, client_ref)
    kind = await find_type(tenant, type_name)
    counselor = await _letter_operator(tenant, operator) if operator else None
    if counselor and not await routing.may_have(tenant, counselor, client):
        raise forbidden("case.target_out_of_scope", user_id=counselor)
    current = await Package.current_for(client.id)
    if current is not None:
        raise conflict("letters.has_package", package=label(current.number))
    await cases.client_ghost(ctx, tenant, client)  # gives the client the alias shown to staff
    package = await Package.grant(
        tenant.id, client.id, client.alias or "-", counselor, kind, ctx.clock.now_ms()
    )
    log.info("Package %s of tenant %s granted", package.number, tenant.slug)
    await _tell_client(ctx, tenant, client, package, "granted")
    if counselor:
        await _tell_counselor_of_grant(ctx, tenant, package)
    return package


async def _tell_client(
    ctx: Context, tenant: Tenant, client: Client, package: Package, why: str
) -> None:
    if not client.room_id:
        return
    lang = _lang(tenant)
    text = t(
        lang,
        f"letters.client_{why}",
        package=label(package.number),
        replies=t(lang, "letters.replies", count=package.replies),
        chars=package.char_limit,
        days=t(lang, "letters.business_days", count=package.deadline_days),
    )
    if why == "granted" and package.operator_id is None:
        text += "\n" + t(lang, "letters.choose_counselor")
    await send_notice(
        ctx.desk(tenant.slug),
        client.room_id,
        text,
        txn_id=txn_for(f"{package.id}-{package.status}-{package.sent}", f"letters-{why}"),
    )


async def _tell_counselor_of_grant(ctx: Context, tenant: Tenant, package: Package) -> None:
    assert package.operator_id
    await _tell_operator(
        ctx,
        tenant,
        package,
        t(
            _lang(tenant),
            "letters.operator_granted",
            package=label(package.number),
            alias=package.client_alias,
            terms=type_line(_lang(tenant), package),
        ),
        f"granted-{package.id}-{package.operator_id}",
    )


async def _operator_room(ctx: Context, tenant: Tenant, package: Package) -> RoomID:
    """The counselor's case room with this client, or their private room."""
    assert package.operator_id
    case = await Case.open_for(package.client_id) if package.client_id else None
    if case and case.status == ASSIGNED and case.operator_id == package.operator_id:
        if case.case_room:
            return case.case_room
    settings = await OperatorSettings.get(tenant.id, package.operator_id)
    return await notify.private_room(ctx, tenant, settings)


async def _tell_operator(
    ctx: Context, tenant: Tenant, package: Package, text: str, why: str
) -> None:
    room = await _operator_room(ctx, tenant, package)
    await ctx.bot.notice(room, text, txn_id=txn_for(f"{room}\0{why}", "letters-operator"))


async def _tell_admins(ctx: Context, tenant: Tenant, text: str, why: str) -> None:
    if tenant.admin_room:
        await ctx.bot.notice(tenant.admin_room, text, txn_id=txn_for(why, "letters-admin"))


async def needs_counselor(client: Client) -> Package | None:
    package = await Package.current_for(client.id)
    return package if package and package.operator_id is None else None


async def nominable(tenant: Tenant, client: Client) -> list[Any]:
    """The operators a client with a package may choose: those who take letters."""
    from . import routing

    return [
        state
        for state in await routing.nominable(tenant, client)
        if (await LetterOperator.get(tenant.id, state.user_id)).accepts
    ]


async def choose_counselor(
    ctx: Context, tenant: Tenant, client: Client, package: Package, choice: object
) -> str:
    """The client picks the counselor of their package from ``!operators``."""
    listed = await nominable(tenant, client)
    if not listed:
        raise not_found("letters.nobody_takes_letters")
    number = validate.count(choice, low=1, high=len(listed), what="number")
    chosen = listed[number - 1]
    package.operator_id = chosen.user_id
    await package.save()
    await _tell_counselor_of_grant(ctx, tenant, package)
    return str(chosen.profile_name)


async def reassign(ctx: Context, tenant: Tenant, ref: object, operator: object) -> Package:
    """An admin gives a package to another counselor (or one who left is replaced). A letter
    waiting for its reply is due from now, counted on the new counselor's days."""
    from . import routing

    package = await find(tenant, ref)
    if package.status not in LETTER_MODE:
        raise conflict("letters.not_running", package=label(package.number), state=package.status)
    counselor = await _letter_operator(tenant, operator)
    client = await Client.get(package.client_id) if package.client_id else None
    if client is None:
        raise not_found("letters.client_gone", package=label(package.number))
    if not await routing.may_have(tenant, counselor, client):
        raise forbidden("case.target_out_of_scope", user_id=counselor)
    package.operator_id = counselor
    package.due_at = None
    await package.save()
    await _tell_counselor_of_grant(ctx, tenant, package)
    if package.letter_at is not None and package.status == ACTIVE:
        await _start_due(ctx, tenant, package, ctx.clock.now_ms())
    return package


async def operator_left(ctx: Context, tenant: Tenant, operator: UserID) -> None:
    """The packages of an operator removed from the tenant wait for another counselor; the
    admins are told which, and their clients that a new counselor will answer."""
    lang = _lang(tenant)
    for package in await Package.of_tenant(tenant.id, operator=operator):
        if package.status not in LETTER_MODE:
            continue
        package.operator_id = None
        package.due_at = None
        await package.save()
        await _tell_admins(
            ctx,
            tenant,
            t(
                lang,
                "letters.counselor_left",
                package=label(package.number),
                alias=package.client_alias,
            ),
            f"left-{package.id}-{operator}",
        )


async def find(tenant: Tenant, ref: object) -> Package:
    package = await Package.by_number(tenant.id, _number(ref))
    if package is None:
        raise not_found("letters.unknown_package", package=str(ref)[:20])
    return package


async def confirm_payment(ctx: Context, tenant: Tenant, ref: object) -> Package:
    """An admin confirms the payment of a package the client asked for: it runs from now."""
    package = await find(tenant, ref)
    now = ctx.clock.now_ms()
    if not await package.change_status(PENDING, ACTIVE, now):
        raise conflict(
            "letters.not_pending",
            package=label(package.number),
            state=package.status,
        )
    log.info("Payment of package %s of tenant %s confirmed", package.number, tenant.slug)
    if package.letter_at is not None:
        # The client wrote while the payment was open: the counselor's time starts now.
        await _start_due(ctx, tenant, package, now)
    client = await Client.get(package.client_id) if package.client_id else None
    if client:
        await _tell_client(ctx, tenant, client, package, "paid")
    if package.operator_id:
        await _tell_operator(
            ctx,
            tenant,
            package,
            t(
                _lang(tenant),
                "letters.operator_paid",
                package=label(package.number),
                first=_numbering(_lang(tenant), 1, package.replies),
            )
            + _due_text(tenant, package),
            f"paid-{package.id}",
        )
    return package


async def cancel(ctx: Context, tenant: Tenant, ref: object) -> Package:
    """Call off a package waiting for payment, or one that has not been answered at all."""
    package = await find(tenant, ref)
    allowed = package.status == PENDING or (package.status == ACTIVE and package.sent == 0)
    if not allowed or not await package.change_status(package.status, CANCELLED, 0):
        raise conflict(
            "letters.not_cancellable",
            package=label(package.number),
            state=package.status,
        )
    return package


# Days off and settings


def working_days(tenant: Tenant, state: LetterOperator) -> business_days.WorkingDays:
    return business_days.WorkingDays.of(
        state.weekly_off, state.days_off, tenant.closed_dates, tenant.country or None
    )


def weekly(value: str) -> list[int]:
    """``sat,sun`` (or ``none``) as weekday numbers, Monday 0."""
    if value.lower() == "none":
        return []
    days = []
    for part in value.lower().split(","):
        if part.strip() not in hours.WEEKDAYS:
            raise Refusal("letters.bad_weekday", value=part[:10], options=",".join(hours.WEEKDAYS))
        days.append(hours.WEEKDAYS.index(part.strip()))
    if len(set(days)) == 7:
        raise Refusal("letters.every_day_off")
    return sorted(set(days))


def date_span(value: str) -> list[str]:
    """Own days off as typed: a date or a period."""
    return validate.date_span(value, MAX_DAYS_OFF)


async def operator_days(tenant: Tenant, operator: object) -> LetterOperator:
    """An operator's letter settings and days off; refused for anyone not an operator."""
    return await LetterOperator.get(tenant.id, await _letter_operator(tenant, operator))


async def change_days_off(
    tenant: Tenant,
    operator: object,
    *,
    accepts: bool | None = None,
    weekly_off: list[int] | None = None,
    add: list[str] = (),  # type: ignore[assignment]
    remove: list[str] = (),  # type: ignore[assignment]
) -> LetterOperator:
    state = await operator_days(tenant, operator)
    if accepts is not None:
        state.accepts = accepts
    if weekly_off is not None:
        state.weekly_off = weekly_off
    days = (set(state.days_off) | set(add)) - set(remove)
    if len(days) > MAX_DAYS_OFF:
        raise Refusal("letters.too_many_days_off", max=MAX_DAYS_OFF)
    state.days_off = sorted(days)
    await state.save()
    return state


def settings_of(tenant: Tenant) -> dict[str, object]:
    return {
        "country": tenant.country,
        "currency": tenant.currency,
        "session_price": tenant.session_price,
        "package_month": tenant.package_month,
        "letter_reminder": tenant.letter_reminder,
    }


def reminder_setting(value: object) -> str:
    """``start`` (09:00 on a reply's last business day) or ``<hours>h`` before it is due."""
    text = str(value).strip().lower()
    hours_before = text.removesuffix("h")
    if text == "start" or (
        text.endswith("h") and hours_before.isdigit() and 1 <= int(hours_before) <= MAX_REMIND_H
    ):
        return text
    raise Refusal("letters.bad_reminder", value=text[:20], max=MAX_REMIND_H)


def reminder_for(tenant: Tenant, due_ms: int) -> int:
    if tenant.letter_reminder == "start":
        return business_days.reminder_at(due_ms, _zone(tenant))
    return due_ms - int(tenant.letter_reminder.removesuffix("h")) * 3_600_000


async def change_settings(tenant: Tenant, changes: Mapping[str, object]) -> None:
    """``country``, ``currency``, ``session_price``, ``package_month``: all checked first."""
    new = settings_of(tenant)
    for key, value in changes.items():
        key = key.replace("-", "_")
        if key not in new:
            raise Refusal("letters.unknown_setting", setting=key[:40], options=", ".join(new))
        if key == "country":
            code = str(value).upper()
            if code not in ("", "NONE") and not business_days.country_known(code):
                raise Refusal("letters.bad_country", value=str(value)[:10])
            new[key] = "" if code in ("", "NONE") else code
        elif key == "currency":
            code = str(value).upper()
            if len(code) != 3 or not code.isalpha():
                raise Refusal("letters.bad_currency", value=str(value)[:10])
            new[key] = code
        elif key == "letter_reminder":
            new[key] = reminder_setting(value)
        elif key == "session_price":
            new[key] = validate.count(value, low=0, high=LIMITS["price"][1], what="session price")
        else:
            if value not in PACKAGE_MONTHS:
                raise Refusal(
                    "letters.bad_package_month",
                    value=str(value)[:20],
                    options=", ".join(PACKAGE_MONTHS),
                )
            new[key] = value
    tenant.country = str(new["country"])
    tenant.currency = str(new["currency"])
    tenant.session_price = int(str(new["session_price"]))
    tenant.package_month = str(new["package_month"])
    tenant.letter_reminder = str(new["letter_reminder"])
    await tenant.save()


# Due times


def due_day_text(tenant: Tenant, due_ms: int) -> str:
    """The last day of a deadline, as people read it: ``2026-11-27 (金) 23:59``."""
    zone = _zone(tenant)
    last = datetime.fromtimestamp((due_ms - 1) / 1000, tz=zone)
    return hours.day_label(_lang(tenant), last.date()) + " 23:59"


def _due_text(tenant: Tenant, package: Package) -> str:
    if package.due_at is None:
        return ""
    return "\n" + t(
        _lang(tenant),
        "letters.due_line",
        number=_numbering(_lang(tenant), package.sent + 1, package.replies),
        due=due_day_text(tenant, package.due_at),
    )


async def due_for(tenant: Tenant, operator: UserID, received_ms: int, days: int) -> int:
    state = await LetterOperator.get(tenant.id, operator)
    return business_days.due_at(received_ms, days, working_days(tenant, state), _zone(tenant))


async def _start_due(ctx: Context, tenant: Tenant, package: Package, received: int) -> None:
    assert package.operator_id
    try:
        due = await due_for(tenant, package.operator_id, received, package.deadline_days)
    except business_days.NoWorkingDay:
        log.warning("Package %s: the counselor has no working day ahead", package.number)
        return
    package.letter_at = package.letter_at or received
    package.due_at = due
    await package.save()
    payload = {"package": package.id, "due": due}
    remind = reminder_for(tenant, due)
    if remind > ctx.clock.now_ms():
        await ctx.scheduler.add(REMINDER, remind, payload)
    await ctx.scheduler.add(OVERDUE, due, payload)


# The relay's questions


def _numbering(lang: Lang, n: int, total: int) -> str:
    return t(lang, "letters.number_final" if n == total else "letters.number", n=n, total=total)


def letter_text(content: dict[str, Any]) -> str | None:
    new_content = content.get("m.new_content")
    source = new_content if isinstance(new_content, dict) else content
    body = source.get("body")
    return body if isinstance(body, str) and source.get("msgtype") in TEXT_TYPES else None


def too_long(package: Package, content: dict[str, Any]) -> int | None:
    """The length of a letter over the package's limit (in characters), or None."""
    text = letter_text(content)
    return len(text) if text is not None and len(text) > package.char_limit else None


async def before_client_letter(
    ctx: Context,
    tenant: Tenant,
    client: Client,
    package: Package,
    case: Case | None,
    raw: dict[str, Any],
) -> Case | None:
    """The case a client's letter goes to (opened and given to the counselor if need be), or
    None when the letter is refused (the client has been told why) or is an edit of a letter
    whose case is over."""
    from . import cases

    room = RoomID(raw["room_id"])
    length = too_long(package, raw.get("content", {}))
    if length is not None:
        await send_notice(
            ctx.desk(tenant.slug),
            room,
            t(_lang(tenant), "letters.too_long_client", length=length, limit=package.char_limit),
            txn_id=txn_for(raw["event_id"], "letters-too-long"),
            reply_to=EventID(raw["event_id"]),
        )
        return None
    if package.operator_id is None:
        await send_notice(
            ctx.desk(tenant.slug),
            room,
            t(_lang(tenant), "letters.choose_counselor"),
            txn_id=txn_for(raw["event_id"], "letters-choose"),
            reply_to=EventID(raw["event_id"]),
        )
        return None
    if case is None:
        if "m.new_content" in raw.get("content", {}):
            return None
        case = await Case.open_new(tenant.id, client.id, ctx.clock.now_ms())
        log.info("Case %s of tenant %s opened for a letter", case.number, tenant.slug)
    if case.status == WAITING:
        # Letters are not chat: they go to the counselor of the package whatever the hours.
        await cases.assign(ctx, tenant, case, package.operator_id)
    elif case.status == ASSIGNED and case.operator_id != package.operator_id:
        # A chat case still open with someone else: the package's counselor takes it over.
        try:
            await cases.transfer(ctx, tenant, case, package.operator_id)
        except Refusal as refusal:
            log.warning("Case %s stays with its operator: %s", case.number, refusal.key)
    return case


async def client_letter_relayed(
    ctx: Context, tenant: Tenant, package: Package, case: Case, raw: dict[str, Any]
) -> None:
    """A client's new letter reached the case: the counselor's time starts, unless an earlier
    letter is still unanswered."""
    content = raw.get("content", {})
    if "m.new_content" in content or package.letter_at is not None:
        return
    if case.operator_id != package.operator_id:
        return
    now = ctx.clock.now_ms()
    if package.status != ACTIVE:
        package.letter_at = now
        await package.save()
        return
    await _start_due(ctx, tenant, package, now)
    if case.case_room:
        await ctx.bot.notice(
            case.case_room,
            t(
                _lang(tenant),
                "letters.received",
                package=label(package.number),
                number=_numbering(_lang(tenant), package.sent + 1, package.replies),
                due=due_day_text(tenant, package.due_at or now),
            ),
            txn_id=txn_for(raw["event_id"], "letters-received"),
        )


async def operator_reply(
    ctx: Context, tenant: Tenant, package: Package, case: Case, raw: dict[str, Any]
) -> tuple[dict[str, Any], int] | None:
    """The content to relay for a counselor's message in a letter case, with its reply number
    (0: not a numbered reply); None when it is refused (the case room says why)."""
    assert case.case_room
    content = raw.get("content", {})
    lang = _lang(tenant)
    event_id = EventID(raw["event_id"])
    length = too_long(package, content)  # an edit too: it must fit like the reply it changes
    if length is not None:
        text = t(lang, "letters.too_long_operator", length=length, limit=package.char_limit)
        await _refuse(ctx, case, event_id, text)
        return None
    relates = content.get("m.relates_to")
    if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
        numbered = await Package.reply_number(EventID(str(relates.get("event_id"))))
        if numbered is None:
            return content, 0
        return _numbered(lang, content, *numbered), 0
    known = await Package.reply_number(event_id)  # a retry of a reply already numbered
    if known is not None:
        return _numbered(lang, content, *known), known[0]
    status_refusal = {PENDING: "letters.wait_payment", DONE: "letters.package_done"}
    if package.status in status_refusal:
        await _refuse(
            ctx,
            case,
            event_id,
            t(lang, status_refusal[package.status], package=label(package.number)),
        )
        return None
    if letter_text(content) is None:
        return content, 0  # a file or picture goes along with a reply, unnumbered
    n = await package.number_reply(event_id, ctx.clock.now_ms())
    if n is None:
        await _refuse(
            ctx, case, event_id, t(lang, "letters.package_done", package=label(package.number))
        )
        return None
    return _numbered(lang, content, n, package.replies), n


async def _refuse(ctx: Context, case: Case, event_id: EventID, text: str) -> None:
    assert case.case_room
    await ctx.bot.reply(case.case_room, event_id, text)


def _numbered(lang: Lang, content: dict[str, Any], n: int, total: int) -> dict[str, Any]:
    mark = _numbering(lang, n, total)
    out = dict(content)
    target = dict(out["m.new_content"]) if isinstance(out.get("m.new_content"), dict) else out
    target["body"] = f"{mark}\n{target.get('body', '')}"
    if isinstance(target.get("formatted_body"), str):
        target["formatted_body"] = f"{html.escape(mark)}<br>{target['formatted_body']}"
    if target is not out:
        out["m.new_content"] = target
        out["body"] = f"* {target['body']}"
    return out


async def reply_sent(
    ctx: Context, tenant: Tenant, package: Package, case: Case, event_id: EventID, n: int
) -> None:
    """Reply ``n`` reached the client: its due time is over, and after the last one the
    client is asked whether to continue."""
    lang = _lang(tenant)
    now = ctx.clock.now_ms()
    package.letter_at = None
    package.due_at = None
    final = n == package.replies
    if final and package.status == ACTIVE:
        package.status = DONE
        package.completed_at = now
    await package.save()
    assert case.case_room
    key = "letters.reply_sent_final" if final else "letters.reply_sent"
    await send_notice(
        ctx.az.intent,
        case.case_room,
        t(lang, key, number=_numbering(lang, n, package.replies), package=label(package.number)),
        txn_id=txn_for(event_id, "letters-sent"),
        reply_to=event_id,
    )
    if final:
        await _ask_to_continue(ctx, tenant, package)


async def _ask_to_continue(ctx: Context, tenant: Tenant, package: Package) -> None:
    client = await Client.get(package.client_id) if package.client_id else None
    if client is None or not client.room_id:
        return
    lang = _lang(tenant)
    package.continue_poll = await polls.send_poll(
        ctx,
        tenant,
        client.room_id,
        t(lang, "letters.continue_question", count=package.replies),
        [(CONTINUE, t(lang, "letters.continue_yes")), (FINISH, t(lang, "letters.continue_no"))],
        t(lang, "letters.continue_fallback"),
        key=f"continue-{package.id}",
    )
    await package.save()


async def take_continue_answer(
    ctx: Context, tenant: Tenant, client: Client, package: Package | None, raw: dict[str, Any]
) -> bool:
    """The client's answer to "continue?" (a poll answer or a lone 1 or 2) about ``package``,
    their current one. Continuing makes a package that waits for the payment; True when the
    event was the answer."""
    event_id = EventID(raw["event_id"])
    if raw["type"] in polls.POLL_RESPONSES or polls.chosen_answer(raw, event_id) in (
        CONTINUE,
        FINISH,
    ):
        answered = await Package.answered_by(event_id)
        if answered is not None:  # handled before, perhaps not to the end: say it again
            await _answered(ctx, tenant, raw, *answered)
            return True
    if package is None or package.status != DONE or package.continue_poll is None:
        return False
    value = polls.chosen_answer(raw, package.continue_poll)
    if value not in (CONTINUE, FINISH):
        return raw["type"] in polls.POLL_RESPONSES
    alias = client.alias or package.client_alias
    made = await package.answer(event_id, value == CONTINUE, alias, ctx.clock.now_ms())
    if made is not None:
        await _answered(ctx, tenant, raw, package, made if made is not package else None)
    return True


async def _answered(
    ctx: Context, tenant: Tenant, raw: dict[str, Any], package: Package, new: Package | None
) -> None:
    """Tell everyone what the answer to "continue?" did. Every notice has a transaction ID
    from the answer, so saying it again after a crash sends nothing twice."""
    lang = _lang(tenant)
    room = RoomID(raw["room_id"])
    if new is None:
        await send_notice(
            ctx.desk(tenant.slug),
            room,
            t(lang, "letters.finished_client"),
            txn_id=txn_for(raw["event_id"], "letters-finish"),
        )
        if package.operator_id:
            await _tell_operator(
                ctx,
                tenant,
                package,
                t(lang, "letters.finished_operator", package=label(package.number)),
                f"finish-{package.id}",
            )
        return
    log.info("Package %s of tenant %s asked for; payment pending", new.number, tenant.slug)
    await send_notice(
        ctx.desk(tenant.slug),
        room,
        t(lang, "letters.continue_client", package=label(new.number)),
        txn_id=txn_for(raw["event_id"], "letters-continue"),
    )
    await _tell_admins(
        ctx,
        tenant,
        t(
            lang,
            "letters.continue_admin",
            alias=new.client_alias,
            package=label(new.number),
            previous=label(package.number),
            terms=type_line(lang, new),
        ),
        f"continue-{new.id}",
    )
    if new.operator_id:
        await _tell_operator(
            ctx,
            tenant,
            new,
            t(lang, "letters.continue_operator", package=label(new.number)),
            f"continue-{new.id}",
        )


# Timers


async def _live(timer: Timer) -> tuple[Tenant, Package] | None:
    package = await Package.get(timer.payload["package"])
    if package is None or package.status != ACTIVE or package.due_at != timer.payload["due"]:
        return None  # answered, or the deadline moved: this timer has nothing to say
    tenant = await Tenant.get(package.tenant_id)
    if tenant is None or tenant.suspended or package.operator_id is None:
        return None
    return tenant, package


async def on_reminder(ctx: Context, timer: Timer) -> None:
    live = await _live(timer)
    if live is None:
        return
    tenant, package = live
    assert package.due_at
    await _tell_operator(
        ctx,
        tenant,
        package,
        t(
            _lang(tenant),
            "letters.reminder",
            number=_numbering(_lang(tenant), package.sent + 1, package.replies),
            alias=package.client_alias,
            due=due_day_text(tenant, package.due_at),
        ),
        f"reminder-{package.id}-{package.due_at}",
    )


async def on_overdue(ctx: Context, timer: Timer) -> None:
    live = await _live(timer)
    if live is None:
        return
    tenant, package = live
    assert package.due_at and package.operator_id
    lang = _lang(tenant)
    params = {
        "number": _numbering(lang, package.sent + 1, package.replies),
        "package": label(package.number),
        "alias": package.client_alias,
        "operator": package.operator_id,
        "due": due_day_text(tenant, package.due_at),
    }
    await _tell_admins(
        ctx,
        tenant,
        t(lang, "letters.overdue_admin", **params),
        f"overdue-{package.id}-{package.due_at}",
    )
    await _tell_operator(
        ctx,
        tenant,
        package,
        t(lang, "letters.overdue_operator", **params),
        f"overdue-{package.id}-{package.due_at}",
    )


TIMER_HANDLERS: dict[str, Any] = {REMINDER: on_reminder, OVERDUE: on_overdue}


# Showing


def package_line(tenant: Tenant, package: Package) -> str:
    lang = _lang(tenant)
    line = t(
        lang,
        "letters.package_line",
        package=label(package.number),
        alias=package.client_alias,
        name=package.type_name,
        sent=package.sent,
        replies=package.replies,
        status=t(lang, f"letters.status.{package.status}"),
        operator=package.operator_id or "-",
    )
    if package.due_at:
        line += " · " + t(lang, "letters.due_short", due=due_day_text(tenant, package.due_at))
    return line


def days_off_text(lang: Lang, state: LetterOperator) -> str:
    names = ",".join(hours.WEEKDAYS[d] for d in state.weekly_off) or "none"
    return t(
        lang,
        "letters.days_off",
        accepts=t(lang, "letters.accepts_on" if state.accepts else "letters.accepts_off"),
        weekly=names,
        days=", ".join(state.days_off) or "-",
    )
