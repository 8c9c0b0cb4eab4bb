"""The timers of a reply due: the counselor's reminder and the overdue notice."""

from __future__ import annotations

from typing import Any

from ...context import Context
from ...db import Package, Tenant, Timer
from ...db.package import ACTIVE
from ...i18n import t
from .due import OVERDUE, REMINDER
from .showing import due_day_text, label, numbering
from .telling import tell_admins, tell_operator


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
    await tell_operator(
        ctx,
        tenant,
        package,
        t(
            tenant.language,
            "letters.reminder",
            number=numbering(tenant.language, package.sent + 1, package.replies),
            alias=package.client_alias,
            due=due_day_text(tenant, package.due_at),
        ),
        f"reminder-{package.id}-{package.due_at}",
        alert=True,
    )


async def on_overdue(ctx: Context, timer: Timer) -> None:
    live = await _live(timer)
    if live is None:
        return
    tenant, package = live
    assert package.due_at and package.operator_id
    lang = tenant.language
    params = {
        "number": numbering(lang, package.sent + 1, package.replies),
        "package": label(package.number),
        "alias": package.client_alias,
        "operator": package.operator_id,
        "due": due_day_text(tenant, package.due_at),
    }
    await tell_admins(
        ctx,
        tenant,
        t(lang, "letters.overdue_admin", **params),
        f"overdue-{package.id}-{package.due_at}",
        alert=True,
    )
    await tell_operator(
        ctx,
        tenant,
        package,
        t(lang, "letters.overdue_operator", **params),
        f"overdue-{package.id}-{package.due_at}",
        alert=True,
    )


TIMER_HANDLERS: dict[str, Any] = {REMINDER: on_reminder, OVERDUE: on_overdue}
