"""Due times: a reply is due within the package's business days of the counselor, from the
letter it answers; a reminder before, and the admins told when it is overdue."""

from __future__ import annotations

import logging

from mautrix.types import UserID

from ... import business_days
from ...context import Context
from ...db import LetterOperator, Package, Tenant
from ...i18n import t
from .days_off import working_days
from .showing import due_day_text, numbering, tenant_zone

log = logging.getLogger("soudan.letters")

REMINDER, OVERDUE = "letter_reminder", "letter_overdue"


def reminder_for(tenant: Tenant, due_ms: int) -> int:
    if tenant.letter_reminder == "start":
        return business_days.reminder_at(due_ms, tenant_zone(tenant))
    return due_ms - int(tenant.letter_reminder.removesuffix("h")) * 3_600_000


async def due_for(tenant: Tenant, operator: UserID, received_ms: int, days: int) -> int:
    state = await LetterOperator.get(tenant.id, operator)
    return business_days.due_at(
        received_ms, days, working_days(tenant, state), tenant_zone(tenant)
    )


async def start_due(ctx: Context, tenant: Tenant, package: Package, received: int) -> None:
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


def due_text(tenant: Tenant, package: Package) -> str:
    if package.due_at is None:
        return ""
    return "\n" + t(
        tenant.language,
        "letters.due_line",
        number=numbering(tenant.language, package.sent + 1, package.replies),
        due=due_day_text(tenant, package.due_at),
    )
