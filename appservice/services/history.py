"""The case history: search, export (CSV and XLSX) and the monthly summary (seed 003).

Every listing is for a viewer: None for an admin, who sees the whole tenant, or an operator's
settings, whose scope limits it. No row ever carries a client's Matrix ID, only their alias.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from .. import hours
from ..context import Context
from ..csv_file import spreadsheet_csv
from ..db import Case, OperatorSettings, Tenant, Timer
from ..db.case import ASSIGNED, CLOSED, EXPIRED, WAITING
from ..db.case_search import Filters, Row, search_cases
from ..i18n import Lang, t
from ..scheduler import Scheduler
from . import validate
from .errors import Refusal
from .files import File
from .records import find_category
from .validate import parse_date

STATUSES = (WAITING, ASSIGNED, CLOSED, EXPIRED, "handled", "unhandled")
FILTERS = ("from", "to", "status", "category", "operator", "rating", "text")
FORMATS = ("csv", "xlsx")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHOWN = 20


def _day_start(tenant: Tenant, day: date) -> int:
    return hours.day_start(hours.zone(tenant.timezone), day)


async def parse_filters(tenant: Tenant, given: dict[str, Any]) -> Filters:
    """Filters from ``key=value`` pairs (commands) or query parameters (the API); every value
    is checked before anything is searched."""
    found = Filters()
    start = end = None
    for key, value in given.items():
        if key not in FILTERS:
            raise Refusal("history.bad_filter", name=str(key)[:40], options=", ".join(FILTERS))
        if key == "from":
            start = parse_date(value)
            found.start = _day_start(tenant, start)
        elif key == "to":
            end = parse_date(value)
            found.end = _day_start(tenant, end + timedelta(days=1))
        elif key == "status":
            if value not in STATUSES:
                raise Refusal(
                    "history.bad_status", value=str(value)[:20], options=", ".join(STATUSES)
                )
            found.status = str(value)
        elif key == "category":
            found.category = (await find_category(tenant, value)).path
        elif key == "operator":
            found.operator = validate.user_id(value)
        elif key == "rating":
            low, _, high = str(value).partition("-")
            first = validate.count(low, low=1, high=5, what="rating")
            last = validate.count(high, low=1, high=5, what="rating") if high else first
            if first > last:
                raise Refusal("history.bad_rating", value=str(value)[:20])
            found.rating = (first, last)
        else:
            found.text = validate.text(value, "text", 200)
    if start and end and start > end:
        raise Refusal("history.reversed", start=start.isoformat(), end=end.isoformat())
    return found


async def search(tenant: Tenant, filters: Filters, settings: OperatorSettings | None) -> list[Row]:
    """The cases matching ``filters`` that the viewer may see, oldest first."""
    return await search_cases(tenant.id, filters, settings)


# Export

COLUMNS = (
    "number",
    "opened",
    "status",
    "handled",
    "category",
    "operator",
    "client",
    "team",
    "intake",
    "assigned",
    "first_response",
    "first_response_s",
    "closed",
    "rating",
    "notes",
    "tickets",
)


def columns_for(settings: OperatorSettings | None) -> tuple[str, ...]:
    """The intake answer is left out for operators who may not see it."""
    hidden = settings is not None and not settings.see_intake
    return tuple(c for c in COLUMNS if not (hidden and c == "intake"))


def _time(tenant: Tenant, ms: int | None) -> datetime | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, hours.zone(tenant.timezone)).replace(tzinfo=None)


def _values(tenant: Tenant, row: Row, lang: Lang) -> dict[str, Any]:
    case = row.case
    first = case.first_response_at
    return {
        "number": case.number,
        "opened": _time(tenant, case.opened_at),
        "status": t(lang, f"history.status.{case.status}"),
        "handled": t(lang, "history.yes" if case.handled else "history.no"),
        "category": row.category,
        "operator": case.operator_id or "",
        "client": row.alias,
        "team": case.team or "",
        "intake": case.intake_answer or "",
        "assigned": _time(tenant, case.assigned_at),
        "first_response": _time(tenant, first),
        "first_response_s": (first - case.opened_at) // 1000 if first is not None else None,
        "closed": _time(tenant, case.closed_at),
        "rating": case.rating,
        "notes": " / ".join(row.notes),
        "tickets": row.tickets,
    }


def render(tenant: Tenant, rows: list[Row], settings: OperatorSettings | None, kind: str) -> bytes:
    """The rows as a CSV (UTF-8 with a BOM, which spreadsheet programs need for Japanese) or
    an XLSX workbook, with headers in the tenant's language."""
    if kind not in FORMATS:
        raise Refusal("history.bad_format", value=str(kind)[:20], options=", ".join(FORMATS))
    lang: Lang = tenant.language
    columns = columns_for(settings)
    header = [t(lang, f"history.col.{c}") for c in columns]
    table = [[_values(tenant, row, lang)[c] for c in columns] for row in rows]
    if kind == "csv":
        return spreadsheet_csv([header, *([_csv_value(v) for v in line] for line in table)])
    # The spreadsheet library is loaded on first use, not at every start of soudan.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(t(lang, "history.sheet"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for line in table:
        sheet.append([None if value == "" else value for value in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else value


def file_name(tenant: Tenant, now_ms: int, kind: str) -> str:
    stamp = datetime.fromtimestamp(now_ms / 1000, hours.zone(tenant.timezone))
    return f"cases-{tenant.slug}-{stamp:%Y%m%d-%H%M}.{kind}"


async def export(
    tenant: Tenant,
    kind: object,
    given: dict[str, Any],
    settings: OperatorSettings | None,
    now_ms: int,
) -> File:
    """The cases the viewer may see that match the filters ``given`` (``key=value`` pairs or
    query parameters), as a CSV or XLSX file."""
    kind = str(kind).lower()
    if kind not in FORMATS:
        raise Refusal("history.bad_format", value=kind[:20], options=", ".join(FORMATS))
    rows = await search(tenant, await parse_filters(tenant, given), settings)
    data = render(tenant, rows, settings, kind)
    return File(file_name(tenant, now_ms, kind), MIME[kind], data, len(rows))


# The monthly summary


def month_range(tenant: Tenant, month: str) -> tuple[int, int]:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}", str(month)):
            raise ValueError(month)
        first = datetime.strptime(month, "%Y-%m").date()
    except (TypeError, ValueError):
        raise Refusal("history.bad_month", value=str(month)[:20]) from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return _day_start(tenant, first), _day_start(tenant, following)


def previous_month(tenant: Tenant, now_ms: int) -> str:
    today = datetime.fromtimestamp(now_ms / 1000, hours.zone(tenant.timezone)).date()
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _figures(cases: list[Case]) -> dict[str, Any]:
    waits = [(c.first_response_at - c.opened_at) / 1000 for c in cases if c.first_response_at]
    ratings = [c.rating for c in cases if c.rating is not None]
    return {
        "opened": len(cases),
        "handled": sum(1 for c in cases if c.handled),
        "unhandled": sum(1 for c in cases if not c.handled),
        "expired": sum(1 for c in cases if c.status == EXPIRED),
        "median_first_response_s": round(statistics.median(waits)) if waits else None,
        "average_rating": round(statistics.mean(ratings), 2) if ratings else None,
        "ratings": len(ratings),
    }


def _grouped(rows: list[Row], key: Callable[[Row], str], name: str) -> list[dict[str, Any]]:
    groups: dict[str, list[Case]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row.case)
    return [{name: k, **_figures(v)} for k, v in sorted(groups.items())]


async def summary(tenant: Tenant, month: str) -> dict[str, Any]:
    """Cases opened in ``month`` (YYYY-MM, the tenant's time zone): opened, handled,
    expired, median first response and average rating; overall, by operator, by category."""
    start, end = month_range(tenant, month)
    rows = await search(tenant, Filters(start=start, end=end), None)
    return {
        "month": month,
        "timezone": tenant.timezone,
        **_figures([r.case for r in rows]),
        "by_operator": _grouped(rows, lambda r: r.case.operator_id or "", "operator"),
        "by_category": _grouped(rows, lambda r: r.category, "category"),
    }


def _duration(lang: Lang, seconds: int | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(seconds, 60)
    return t(lang, "summary.duration", minutes=minutes, seconds=secs)


def summary_text(tenant: Tenant, figures: dict[str, Any]) -> str:
    lang: Lang = tenant.language

    def line(values: dict[str, Any]) -> str:
        rating = values["average_rating"]
        return t(
            lang,
            "summary.figures",
            opened=values["opened"],
            handled=values["handled"],
            unhandled=values["unhandled"],
            expired=values["expired"],
            median=_duration(lang, values["median_first_response_s"]),
            rating="-" if rating is None else f"{rating:.2f}",
            ratings=t(lang, "summary.ratings", count=values["ratings"]),
        )

    lines = [t(lang, "summary.header", month=figures["month"], zone=figures["timezone"])]
    lines.append(line(figures))
    if figures["by_operator"]:
        lines.append(t(lang, "summary.by_operator"))
        for group in figures["by_operator"]:
            who = group["operator"] or t(lang, "summary.nobody")
            lines.append(f"  {who}: {line(group)}")
    if figures["by_category"]:
        lines.append(t(lang, "summary.by_category"))
        for group in figures["by_category"]:
            lines.append(f"  {group['category'] or t(lang, 'summary.none')}: {line(group)}")
    return "\n".join(lines)


MONTHLY = "monthly_summary"
SUMMARY_HOUR = 9


def next_summary_at(tenant: Tenant, now_ms: int) -> int:
    """09:00 on the first day of the next month, in the tenant's time zone."""
    zone = hours.zone(tenant.timezone)
    today = datetime.fromtimestamp(now_ms / 1000, zone).date()
    first = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return int(datetime(first.year, first.month, 1, SUMMARY_HOUR, tzinfo=zone).timestamp() * 1000)


async def schedule_monthly(
    scheduler: Scheduler, kind: str, tenants: list[Tenant], now_ms: int
) -> None:
    """Every tenant has its next run of ``kind`` (09:00 on the 1st) on the timer list, once."""
    pending = {timer.payload.get("tenant") for timer in await Timer.pending(kind)}
    for tenant in tenants:
        if tenant.id not in pending:
            await scheduler.add(kind, next_summary_at(tenant, now_ms), {"tenant": tenant.id})


async def schedule_summaries(scheduler: Scheduler, tenants: list[Tenant], now_ms: int) -> None:
    """Every tenant has its next monthly summary on the timer list (once)."""
    await schedule_monthly(scheduler, MONTHLY, tenants, now_ms)


async def on_monthly(ctx: Context, timer: Timer) -> None:
    """The previous month's summary in the admin room, then the next month's timer."""
    tenant = await Tenant.get(timer.payload["tenant"])
    if tenant is None:
        return
    month = previous_month(tenant, timer.due_at)
    if tenant.admin_room:
        await ctx.bot.notice(
            tenant.admin_room,
            summary_text(tenant, await summary(tenant, month)),
            txn_id=f"soudan-summary-{tenant.id}-{month}",
        )
    await ctx.scheduler.add(
        MONTHLY, next_summary_at(tenant, ctx.clock.now_ms()), {"tenant": tenant.id}
    )


TIMER_HANDLERS: dict[str, Any] = {MONTHLY: on_monthly}
