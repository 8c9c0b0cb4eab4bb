"""Commands for routing and hours: operator status and nominations, tenant hours and halt."""

from __future__ import annotations

from ..db import Case, OperatorState
from ..hours import describe
from ..services import board, routing, tenants
from .handler import CommandEvent, Place, UsageError, command


@command("status", Place.STAFF, "routing")
async def status(evt: CommandEvent) -> None:
    if len(evt.args) > 1:
        raise UsageError
    tenant = evt.the_tenant
    if evt.args:
        await routing.set_status(evt.ctx, tenant, evt.sender, evt.arg(0).lower())
    lines = [routing.state_line(tenant, evt.ctx.clock.now_ms())]
    for state in await OperatorState.all(tenant.id):
        load = await Case.open_count(tenant.id, state.user_id)
        lines.append(
            evt.t(
                "routing.status_line",
                user_id=state.user_id,
                status=evt.t(f"routing.s.{state.status}"),
                load=load,
            )
        )
    await evt.reply("\n".join(lines))


@command("nominations", Place.STAFF, "routing")
async def nominations(evt: CommandEvent) -> None:
    on = evt.on_off()
    await routing.set_nominations(evt.ctx, evt.the_tenant, evt.sender, on)
    await evt.reply(evt.t("routing.nominations_on" if on else "routing.nominations_off"))


@command("profile", Place.STAFF, "routing")
async def profile(evt: CommandEvent) -> None:
    if not evt.args:
        raise UsageError
    name, _, about = evt.rest(0).partition("|")
    await routing.set_profile(evt.the_tenant, evt.sender, name.strip(), about.strip())
    await board.rename_member(evt.ctx, evt.the_tenant, evt.sender)
    await evt.reply(evt.t("routing.profile_set"))


@command("hours", Place.ADMIN, "hours")
async def show_hours(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    lines = [
        routing.state_line(tenant, evt.ctx.clock.now_ms()),
        evt.t("routing.timezone", zone=tenant.timezone),
        *(describe(tenant.hours) or [evt.t("routing.always_open")]),
    ]
    if tenant.closed_dates:
        lines.append(evt.t("routing.closed_dates", dates=", ".join(tenant.closed_dates)))
    await evt.reply("\n".join(lines))


@command("set-hours", Place.ADMIN, "hours")
async def set_hours(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    await routing.change_hours(evt.the_tenant, days={evt.arg(0): evt.arg(1)})
    await show_hours(evt)


@command("set-timezone", Place.ADMIN, "hours")
async def set_timezone(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    await routing.change_hours(evt.the_tenant, timezone=evt.arg(0))
    await show_hours(evt)


@command("closed-date", Place.ADMIN, "hours")
async def closed_date(evt: CommandEvent) -> None:
    if len(evt.args) != 2 or evt.arg(0) not in ("add", "remove"):
        raise UsageError
    change = "close" if evt.arg(0) == "add" else "reopen"
    await routing.change_hours(evt.the_tenant, **{change: [evt.arg(1)]})
    await show_hours(evt)


@command("set-text", Place.ADMIN, "hours")
async def set_text(evt: CommandEvent) -> None:
    if len(evt.args) < 2:
        raise UsageError
    await routing.set_text(evt.the_tenant, evt.arg(0), evt.rest(1))
    await evt.reply(evt.t("routing.text_set", kind=evt.arg(0)))


@command("set-mode", Place.ADMIN, "routing")
async def set_mode(evt: CommandEvent) -> None:
    if len(evt.args) not in (1, 2):
        raise UsageError
    limit = evt.args[1] if len(evt.args) == 2 else None
    await routing.set_mode(evt.the_tenant, evt.arg(0), limit)
    tenant = evt.the_tenant
    await evt.reply(evt.t("routing.mode_set", mode=tenant.assign_mode, limit=tenant.max_open))


@command("halt", Place.ADMIN, "hours")
async def halt(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    await routing.halt(evt.ctx, evt.the_tenant, tell_admins=False)
    await evt.reply(evt.t("routing.halted_notice"))


@command("unhalt", Place.ADMIN, "hours")
async def unhalt(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    await routing.unhalt(evt.ctx, evt.the_tenant, tell_admins=False)
    await evt.reply(evt.t("routing.unhalted_notice"))


@command("halt-tenant", Place.CONTROL, "tenants")
async def halt_tenant(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    await routing.halt(evt.ctx, tenant)
    await evt.reply(evt.t("routing.halted_done", slug=tenant.slug))


@command("unhalt-tenant", Place.CONTROL, "tenants")
async def unhalt_tenant(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    await routing.unhalt(evt.ctx, tenant)
    await evt.reply(evt.t("routing.unhalted_done", slug=tenant.slug))


@command("set-intake", Place.ADMIN, "routing")
async def set_intake(evt: CommandEvent) -> None:
    if not evt.args:
        raise UsageError
    spec = evt.rest(0)
    intake = None if spec == "none" else routing.intake_of_line(spec)
    await routing.set_intake(evt.the_tenant, intake)
    await evt.reply(evt.t("intake.set" if intake else "intake.cleared"))


@command("set-team", Place.ADMIN, "routing")
async def set_team(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    team = None if evt.arg(1) == "none" else evt.arg(1)
    await routing.set_team(evt.the_tenant, evt.arg(0), team)
    await evt.reply(evt.t("intake.team_set", user_id=evt.arg(0), team=team or "-"))
