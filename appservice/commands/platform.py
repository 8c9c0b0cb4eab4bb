"""Control room commands: the platform operator manages tenants."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from mautrix.types import UserID

from ..db import OPERATOR, ApiToken, Tenant
from ..services import staff, tenant_deletion, tenants
from .handler import CommandEvent, Place, UsageError, command
from .staff import ended_note


def _day(evt: CommandEvent, ms: int) -> str:
    zone = ZoneInfo(evt.ctx.config["platform.timezone"])
    return datetime.fromtimestamp(ms / 1000, zone).strftime("%Y-%m-%d")


async def describe(evt: CommandEvent, tenant: Tenant) -> str:
    state = evt.t(f"tenant.state.{'suspended' if tenant.suspended else 'active'}")
    if tenant.trial_ends_at:
        last_day = _day(evt, tenant.trial_ends_at - 1)
        state += evt.t("tenant.state.trial", day=last_day)
    if tenant.seat_limit is not None:
        used = len(await tenant.members(OPERATOR))
        state += evt.t("tenant.state.seats", used=used, limit=tenant.seat_limit)
    return evt.t(
        "tenant.line",
        slug=tenant.slug,
        name=tenant.name,
        preset=tenant.preset,
        language=tenant.language,
        state=state,
    )


@command("create-tenant", Place.CONTROL, "tenants")
async def create_tenant(evt: CommandEvent) -> None:
    if len(evt.args) < 4:
        raise UsageError
    tenant = await tenants.create_tenant(evt.ctx, evt.arg(0), evt.arg(1), evt.arg(2), evt.rest(3))
    await evt.reply(
        evt.t(
            "tenant.created",
            name=tenant.name,
            slug=tenant.slug,
            preset=tenant.preset,
            language=tenant.language,
        )
    )


@command("tenants", Place.CONTROL, "tenants")
async def list_tenants(evt: CommandEvent) -> None:
    found = await tenants.list_tenants()
    if not found:
        await evt.reply(evt.t("tenant.none"))
        return
    await evt.reply("\n".join([await describe(evt, tenant) for tenant in found]))


@command("add-admin", Place.CONTROL, "tenants")
async def add_admin(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    await staff.add_admin(evt.ctx, tenant, UserID(evt.arg(1)))
    await evt.reply(evt.t("admin.added", user_id=evt.arg(1), tenant=tenant.name))


@command("remove-admin", Place.CONTROL, "tenants")
async def remove_admin(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    user_id = await staff.who(tenant, evt.arg(1))
    finished = await staff.remove_admin(evt.ctx, tenant, user_id)
    later = "" if finished else "\n" + evt.t("staff.removal_later")
    ended = await ended_note(evt, user_id)
    await evt.reply(evt.t("admin.removed", user_id=evt.arg(1), tenant=tenant.name) + ended + later)


@command("suspend", Place.CONTROL, "tenants")
async def suspend(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    await tenants.suspend(evt.ctx, tenant)
    await evt.reply(evt.t("tenant.suspended_done", slug=tenant.slug))


@command("resume", Place.CONTROL, "tenants")
async def resume(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    await tenants.resume(evt.ctx, tenant)
    await evt.reply(evt.t("tenant.resumed_done", slug=tenant.slug))


@command("set-trial", Place.CONTROL, "tenants")
async def set_trial(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    value = evt.arg(1)
    if value.lower() == "none":
        await tenants.set_trial(evt.ctx, tenant, None)
        await evt.reply(evt.t("tenant.trial_cleared", slug=tenant.slug))
        return
    await tenants.set_trial(evt.ctx, tenant, value)
    await evt.reply(evt.t("tenant.trial_set", slug=tenant.slug, day=value))


@command("set-seats", Place.CONTROL, "tenants")
async def set_seats(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    value = evt.arg(1)
    if value.lower() == "none":
        await tenants.set_seats(tenant, None)
        await evt.reply(evt.t("tenant.seats_cleared", slug=tenant.slug))
        return
    await tenants.set_seats(tenant, value)
    await evt.reply(evt.t("tenant.seats_set", slug=tenant.slug, limit=tenant.seat_limit))


@command("delete-tenant", Place.CONTROL, "tenants")
async def delete_tenant(evt: CommandEvent) -> None:
    if len(evt.args) not in (1, 2):
        raise UsageError
    if len(evt.args) == 1:
        asked = await tenant_deletion.request(evt.ctx, evt.arg(0))
        await evt.reply(
            evt.t(
                "tenant.delete_asked",
                slug=asked.tenant.slug,
                name=asked.tenant.name,
                code=asked.code,
                minutes=tenant_deletion.CONFIRM_MS // 60_000,
            )
        )
        return
    done = await tenant_deletion.confirm(evt.ctx, evt.arg(0), evt.arg(1))
    text = evt.t(
        "tenant.deleted",
        slug=done.tenant.slug,
        files=len(done.files),
        accounts=done.accounts,
        rooms=done.rooms,
    )
    if not done.complete:
        text += "\n" + evt.t("tenant.deleted_later", count=done.failures)
    await evt.reply(text)


@command("issue-token", Place.CONTROL, "tokens")
async def issue_token(evt: CommandEvent) -> None:
    if len(evt.args) < 2:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    issued = await tenants.issue_token(evt.ctx, tenant, evt.rest(1))
    await evt.reply(evt.t("token.issued", slug=tenant.slug, id=issued.id, token=issued.token))


@command("tokens", Place.CONTROL, "tokens")
async def list_tokens(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    active = await ApiToken.active(tenant.id)
    if not active:
        await evt.reply(evt.t("token.none"))
        return
    lines = [
        evt.t("token.line", id=tok.id, label=tok.label, created=_day(evt, tok.created_at))
        for tok in active
    ]
    await evt.reply("\n".join(lines))


@command("revoke-token", Place.CONTROL, "tokens")
async def revoke_token(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    await tenants.revoke_token(evt.ctx, tenant, evt.arg(1).lstrip("#"))
    await evt.reply(evt.t("token.revoked", id=evt.arg(1).lstrip("#")))


@command("maintenance", Place.CONTROL, "platform")
async def maintenance(evt: CommandEvent) -> None:
    if len(evt.args) < 3:
        raise UsageError
    _, rooms = await tenants.announce_maintenance(evt.ctx, evt.arg(0), evt.arg(1), evt.rest(2))
    await evt.reply(evt.t("maintenance.announced", count=rooms))
