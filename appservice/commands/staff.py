"""Commands that create staff accounts: the platform an admin's, a tenant admin an operator's.
Their answers show a password, so they are redacted once read (``shown_once``)."""

from __future__ import annotations

from mautrix.types import UserID

from ..db import StaffAccount, Tenant
from ..services import shown_once, staff_accounts, tenants
from .handler import CommandEvent, Place, UsageError, command


async def show_secret(evt: CommandEvent, text: str) -> None:
    """Answer with a password: the answer is redacted once the asker has read it."""
    event_id = await evt.reply(f"{text}\n{shown_once.vanishing_note(evt.lang)}")
    await shown_once.redact_when_read(evt.ctx, evt.room_id, event_id, evt.sender, evt.lang)


def _details(
    evt: CommandEvent, key: str, tenant: Tenant, made: staff_accounts.NewStaffAccount
) -> str:
    return evt.t(
        key,
        nickname=made.nickname,
        tenant=tenant.name,
        homeserver=evt.ctx.config.public_address,
        user_id=made.user_id,
        password=made.password,
    )


@command("create-admin", Place.CONTROL, "tenants")
async def create_admin(evt: CommandEvent) -> None:
    if len(evt.args) < 2:
        raise UsageError
    tenant = await tenants.get_tenant(evt.arg(0))
    made = await staff_accounts.create_admin(evt.ctx, tenant, evt.rest(1))
    await show_secret(evt, _details(evt, "staff.admin_created", tenant, made))


@command("create-operator", Place.ADMIN, "operators")
async def create_operator(evt: CommandEvent) -> None:
    if not evt.args:
        raise UsageError
    tenant = evt.the_tenant
    made = await staff_accounts.create_operator(evt.ctx, tenant, evt.rest(0))
    await show_secret(evt, _details(evt, "staff.operator_created", tenant, made))


async def ended_note(evt: CommandEvent, user_id: UserID) -> str:
    """A line saying that the account soudan created for someone removed is deactivated."""
    account = await StaffAccount.get(user_id)
    if account is None or account.deactivated_at is None:
        return ""
    return "\n" + evt.t("staff.account_ended", nickname=account.nickname)
