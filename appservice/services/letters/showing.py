"""How packages, their types, reply numbers, due days and days off read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ... import hours, i18n
from ...db import LetterOperator, Package, PackageType, Tenant
from ...i18n import Lang, t


def tenant_zone(tenant: Tenant) -> Any:
    return hours.zone(tenant.timezone)


def label(number: int) -> str:
    return f"P{number}"


def numbering(lang: Lang, n: int, total: int) -> str:
    return t(lang, "letters.number_final" if n == total else "letters.number", n=n, total=total)


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


def due_day_text(tenant: Tenant, due_ms: int) -> str:
    """The last day of a deadline, as people read it: ``2026-11-27 (金) 23:59``."""
    zone = tenant_zone(tenant)
    last = datetime.fromtimestamp((due_ms - 1) / 1000, tz=zone)
    return hours.day_label(tenant.language, last.date()) + " 23:59"


def package_line(tenant: Tenant, package: Package) -> str:
    lang = tenant.language
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
