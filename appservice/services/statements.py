"""Monthly statements (seed 004): what each counselor delivered in a month, priced, as a
numbered statement that goes draft → sent → paid.

A statement's lines are worded and priced when it is made and kept as they were: a sent
statement does not change when prices or bookings change later. Sessions are the month's
bookings (in the tenant's time zone) that were not cancelled, at the tenant's session price;
a no-show is billed too, and says so. Letter packages count in the month they started or
the month they were completed, as the tenant chose, at the price they were granted at.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from mautrix.types import RoomID, UserID

from .. import hours, i18n
from ..bot import txn_for
from ..context import Context
from ..db import (
    OPERATOR,
    Booking,
    OperatorSettings,
    OperatorState,
    Package,
    Statement,
    Tenant,
    Timer,
)
from ..db.booking import BOOKED, DONE, NO_SHOW
from ..db.statements import DRAFT, PAID, SENT
from ..i18n import t
from ..scheduler import Scheduler
from . import history, notify, validate
from .errors import conflict, not_found
from .files import File

log = logging.getLogger("soudan.statements")

SESSION, NO_SHOW_LINE, PACKAGE = "session", "no_show", "package"
BILLED = (BOOKED, DONE, NO_SHOW)  # every booking but a cancelled one
MONTHLY = "monthly_statements"
FORMATS = ("pdf", "xlsx", "csv")  # as statement_file has them, without loading it


def label(number: int) -> str:
    return f"S{number}"


# Lines


def _day(tenant: Tenant, ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, hours.zone(tenant.timezone)).date().isoformat()


def session_line(tenant: Tenant, booking: Booking) -> dict[str, Any]:
    kind = NO_SHOW_LINE if booking.status == NO_SHOW else SESSION
    return {
        "day": _day(tenant, booking.starts_at),
        "kind": kind,
        "item": t(tenant.language, f"statements.item.{kind}", minutes=booking.minutes),
        "client": booking.client_alias,
        "price": tenant.session_price,
    }


def package_column(tenant: Tenant) -> str:
    """Which of a package's times puts it in a month."""
    return "completed_at" if tenant.package_month == "completed" else "started_at"


def package_line(tenant: Tenant, package: Package) -> dict[str, Any]:
    at = getattr(package, package_column(tenant))
    return {
        "day": _day(tenant, at),
        "kind": PACKAGE,
        "item": t(
            tenant.language,
            "statements.item.package",
            name=package.type_name,
            count=package.replies,
        ),
        "client": package.client_alias,
        "price": package.price,
    }


def lines_of(
    tenant: Tenant, bookings: Iterable[Booking], packages: Iterable[Package]
) -> dict[UserID, list[dict[str, Any]]]:
    """Each operator's lines, in time order; operators with nothing are left out."""
    column = package_column(tenant)
    timed: dict[UserID, list[tuple[int, dict[str, Any]]]] = {}
    for booking in bookings:
        if booking.status in BILLED:
            line = session_line(tenant, booking)
            timed.setdefault(booking.operator_id, []).append((booking.starts_at, line))
    for package in packages:
        at = getattr(package, column)
        if package.operator_id and at is not None:
            line = package_line(tenant, package)
            timed.setdefault(package.operator_id, []).append((at, line))
    return {
        operator: [line for _, line in sorted(found, key=lambda pair: pair[0])]
        for operator, found in timed.items()
    }


async def lines_by_operator(
    tenant: Tenant, month: str, operator: UserID | None = None
) -> dict[UserID, list[dict[str, Any]]]:
    start, end = history.month_range(tenant, month)
    bookings = await Booking.between(tenant.id, start, end, operator, BILLED)
    packages = await Package.in_month(tenant.id, package_column(tenant), start, end)
    if operator is not None:
        packages = [p for p in packages if p.operator_id == operator]
    return lines_of(tenant, bookings, packages)


async def lines_for(tenant: Tenant, operator: UserID, month: str) -> list[dict[str, Any]]:
    """The operator's sessions and packages of ``month`` (YYYY-MM), priced, by day."""
    return (await lines_by_operator(tenant, month, operator)).get(operator, [])


# Making, sending, paying


async def find(tenant: Tenant, ref: object, viewer: UserID | None = None) -> Statement:
    """A statement by its number, written ``S3`` or ``3``. A counselor (``viewer``) sees only
    their own: another's is not found; None is an admin, who sees every statement."""
    number = validate.number(str(ref).strip().upper().removeprefix("S"), "statement number")
    statement = await Statement.by_number(tenant.id, number)
    if statement is None or viewer not in (None, statement.operator_id):
        raise not_found("statements.unknown", statement=label(number))
    return statement


async def visible(tenant: Tenant, month: str | None, viewer: UserID | None) -> list[Statement]:
    """The statements of the month (every month for None), oldest first: a counselor
    (``viewer``) sees only their own, an admin (None) every one."""
    if month is not None:
        history.month_range(tenant, month)  # refuses what is not a month
    return await Statement.of_tenant(tenant.id, month, viewer)


def month_over(tenant: Tenant, month: object, now_ms: int) -> str:
    """A month (YYYY-MM) that has ended in the tenant's time zone: a statement covers a whole
    month, and once sent it no longer changes."""
    _, end = history.month_range(tenant, str(month))
    if end > now_ms:
        raise conflict("statements.month_not_over", month=str(month))
    return str(month)


async def make(ctx: Context, tenant: Tenant, operator: object, month: object) -> Statement:
    """The operator's draft statement of ``month``, made now or made again; a statement
    already sent is refused and stays as it was. An operator no longer in the tenant still
    gets the statement of a month they delivered something in."""
    who = validate.user_id(operator)
    month = month_over(tenant, month, ctx.clock.now_ms())
    lines = await lines_for(tenant, who, month)
    if not lines and not await tenant.has_member(who, OPERATOR):
        raise not_found("operator.unknown", user_id=who)
    statement = await Statement.make(
        tenant.id, who, month, lines, tenant.currency, ctx.clock.now_ms()
    )
    if statement.status != DRAFT:
        raise conflict(
            "statements.already_sent",
            statement=label(statement.number),
            state=t(tenant.language, f"statements.status.{statement.status}"),
        )
    return statement


async def render(tenant: Tenant, statement: Statement, kind: str) -> File:
    """The statement as a PDF, XLSX or CSV file, in the tenant's language."""
    # The PDF and spreadsheet libraries are loaded on first use, not at every start of soudan.
    from .. import statement_file

    state = await OperatorState.get(tenant.id, statement.operator_id)
    document = statement_file.Statement(
        tenant.name,
        state.profile_name or statement.operator_id,
        statement.month,
        tuple(
            statement_file.Line(
                date.fromisoformat(line["day"]), line["item"], line["client"], int(line["price"])
            )
            for line in statement.lines
        ),
        tenant.language,
        statement.currency,
    )
    localpart = statement.operator_id.removeprefix("@").split(":", 1)[0]
    name = statement_file.file_name(document, re.sub(r"[^A-Za-z0-9._-]", "-", localpart), kind)
    return File(name, statement_file.MIME[kind], statement_file.render(document, kind))


def notice(tenant: Tenant, statement: Statement, key: str) -> str:
    return t(
        tenant.language,
        key,
        statement=label(statement.number),
        operator=statement.operator_id,
        month=statement.month,
        count=len(statement.lines),
        total=i18n.money(tenant.language, statement.total, statement.currency),
    )


async def post_files(
    ctx: Context, tenant: Tenant, statement: Statement, room: RoomID, why: str
) -> None:
    """The PDF, XLSX and CSV in ``room``. Each file's transaction ID comes from ``why``, the
    room and the format, so a retry for the same reason is one event each."""
    for kind in FORMATS:
        found = await render(tenant, statement, kind)
        txn_id = txn_for(f"{why}\0{room}", f"statement-{kind}")
        await ctx.bot.send_file(room, found.data, found.name, found.mime, txn_id=txn_id)


async def send(ctx: Context, tenant: Tenant, statement: Statement) -> None:
    """A draft, with a notice, to the operator's private room and the admin room; then it is
    sent. Sent again after a failure with the same lines, it is the same events: the
    transaction IDs come from the statement and its lines."""
    lines = json.dumps(statement.lines, sort_keys=True, ensure_ascii=False)
    why = f"statement-{statement.id}\0{lines}"
    settings = await OperatorSettings.get(tenant.id, statement.operator_id)
    rooms = [(await notify.private_room(ctx, tenant, settings), "statements.yours")]
    if tenant.admin_room:
        rooms.append((tenant.admin_room, "statements.made"))
    for room, key in rooms:
        text = notice(tenant, statement, key)
        await ctx.bot.notice(room, text, txn_id=txn_for(f"{why}\0{room}", "statement"))
        await post_files(ctx, tenant, statement, room, why)
    await statement.mark(DRAFT, SENT, ctx.clock.now_ms())
    log.info("Statement %s of tenant %s sent", statement.number, tenant.slug)


async def mark_paid(ctx: Context, tenant: Tenant, ref: object) -> Statement:
    """Sent → paid, once; a draft is not sent yet and cannot be paid."""
    statement = await find(tenant, ref)
    if statement.status == SENT and await statement.mark(SENT, PAID, ctx.clock.now_ms()):
        return statement
    statement = await find(tenant, ref)  # paid by someone else a moment ago, perhaps
    key = "statements.already_paid" if statement.status == PAID else "statements.not_sent"
    raise conflict(key, statement=label(statement.number))


# The monthly run


async def schedule(scheduler: Scheduler, tenants: list[Tenant], now_ms: int) -> None:
    """Every tenant has its next monthly statement run on the timer list (once)."""
    await history.schedule_monthly(scheduler, MONTHLY, tenants, now_ms)


async def on_monthly(ctx: Context, timer: Timer) -> None:
    """At 09:00 on the 1st: the previous month's statement of every operator who delivered
    something, then the next month's timer. The next one follows this one's due time, not
    the clock, so a month missed while soudan was down is made when it comes back."""
    tenant = await Tenant.get(timer.payload["tenant"])
    if tenant is None:
        return
    month = history.previous_month(tenant, timer.due_at)
    for operator, lines in (await lines_by_operator(tenant, month)).items():
        try:
            statement = await Statement.make(
                tenant.id, operator, month, lines, tenant.currency, ctx.clock.now_ms()
            )
            if statement.status == DRAFT:
                await send(ctx, tenant, statement)
        except Exception:
            log.exception(
                "Statement of %s for %s in tenant %s failed", operator, month, tenant.slug
            )
    next_due = history.next_summary_at(tenant, timer.due_at)
    await ctx.scheduler.add(MONTHLY, next_due, {"tenant": tenant.id})


TIMER_HANDLERS: dict[str, Any] = {MONTHLY: on_monthly}
