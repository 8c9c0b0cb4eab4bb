"""Letter counseling commands: package types and packages (admins), payment, the tenant's
letter settings, and counselors' letters and days off (their own; admins name the operator)."""

from __future__ import annotations

from mautrix.types import UserID

from ..db import Case, Client, Package, PackageType
from ..db.package import PACKAGE_STATUSES
from ..services import letters, validate
from .handler import CommandEvent, Place, UsageError, command

ADMIN, STAFF, CASE, PRIVATE = Place.ADMIN, Place.STAFF, Place.CASE, Place.PRIVATE
SHOWN = 100


def _operator_arg(evt: CommandEvent) -> tuple[UserID, list[str]]:
    """In the admin room the operator comes first; elsewhere it is the sender."""
    if evt.place == ADMIN:
        if not evt.args or not evt.args[0].startswith("@"):
            raise UsageError
        return validate.user_id(evt.args[0]), evt.args[1:]
    return evt.sender, list(evt.args)


@command("package-type", ADMIN, "letters")
async def package_type(evt: CommandEvent) -> None:
    action = evt.arg(0).lower()
    tenant = evt.the_tenant
    if action == "add" and len(evt.args) >= 2:
        kind = await letters.put_type(evt.ctx, tenant, evt.args[1], evt.pairs(2))
        await evt.reply(evt.t("letters.type_saved", line=letters.type_line(evt.lang, kind)))
    elif action == "remove" and len(evt.args) == 2:
        await letters.remove_type(tenant, evt.args[1])
        await evt.reply(evt.t("letters.type_removed", name=evt.args[1]))
    else:
        raise UsageError


@command("package-types", (ADMIN, STAFF), "letters")
async def package_types(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    kinds = await PackageType.all(evt.the_tenant.id)
    if not kinds:
        await evt.reply(evt.t("letters.no_types"))
        return
    await evt.reply("\n".join(letters.type_line(evt.lang, kind) for kind in kinds))


@command("package-grant", ADMIN, "letters")
async def package_grant(evt: CommandEvent) -> None:
    if len(evt.args) not in (2, 3):
        raise UsageError
    operator = evt.args[2] if len(evt.args) == 3 else None
    package = await letters.grant(evt.ctx, evt.the_tenant, evt.args[0], evt.args[1], operator)
    await evt.reply(
        evt.t(
            "letters.granted",
            package=letters.label(package.number),
            line=letters.package_line(evt.the_tenant, package),
        )
    )


@command("packages", (ADMIN, STAFF, PRIVATE), "letters")
async def packages(evt: CommandEvent) -> None:
    if len(evt.args) > 1:
        raise UsageError
    status = evt.args[0].lower() if evt.args else None
    if status is not None and status not in PACKAGE_STATUSES:
        raise UsageError
    tenant = evt.the_tenant
    operator = None if evt.place == ADMIN else evt.sender
    found = await Package.of_tenant(tenant.id, status, operator)
    if not found:
        await evt.reply(evt.t("letters.no_packages"))
        return
    lines = [letters.package_line(tenant, package) for package in found[-SHOWN:]]
    await evt.reply_naming_clients("\n".join(lines), "sessions.list_private")


@command("package-paid", ADMIN, "letters")
async def package_paid(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    package = await letters.confirm_payment(evt.ctx, evt.the_tenant, evt.args[0])
    await evt.reply(evt.t("letters.paid_done", package=letters.label(package.number)))


@command("package-counselor", ADMIN, "letters")
async def package_counselor(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    package = await letters.reassign(evt.ctx, evt.the_tenant, evt.args[0], evt.args[1])
    await evt.reply(
        evt.t(
            "letters.reassigned",
            package=letters.label(package.number),
            operator=package.operator_id,
        )
    )


@command("package-cancel", ADMIN, "letters")
async def package_cancel(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    package = await letters.cancel(evt.ctx, evt.the_tenant, evt.args[0])
    await evt.reply(evt.t("letters.cancelled", package=letters.label(package.number)))


@command("letter", CASE, "letters")
async def letter(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    case = await Case.by_room(evt.room_id)
    client = await Client.get(case.client_id) if case else None
    package = await Package.current_for(client.id) if client else None
    if package is None:
        await evt.reply(evt.t("letters.no_package_here"))
        return
    await evt.reply(letters.package_line(evt.the_tenant, package))


@command("letter-settings", ADMIN, "letters")
async def letter_settings(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    if evt.args:
        await letters.change_settings(tenant, evt.pairs())
    values = letters.settings_of(tenant)
    values["country"] = values["country"] or "none"
    await evt.reply(evt.t("letters.settings", **values))


@command("letters", (ADMIN, STAFF, PRIVATE), "letters")
async def letters_on_off(evt: CommandEvent) -> None:
    operator, args = _operator_arg(evt)
    if len(args) != 1 or args[0].lower() not in ("on", "off"):
        raise UsageError
    state = await letters.change_days_off(
        evt.the_tenant, operator, accepts=args[0].lower() == "on"
    )
    await evt.reply(letters.days_off_text(evt.lang, state))


@command("days-off", (ADMIN, STAFF, PRIVATE), "letters")
async def days_off(evt: CommandEvent) -> None:
    operator, args = _operator_arg(evt)
    tenant = evt.the_tenant
    if not args:
        state = await letters.operator_days(tenant, operator)
    elif len(args) == 2 and args[0].lower() == "weekly":
        state = await letters.change_days_off(tenant, operator, weekly_off=letters.weekly(args[1]))
    elif len(args) == 2 and args[0].lower() in ("add", "remove"):
        span = letters.date_span(args[1])
        if args[0].lower() == "add":
            state = await letters.change_days_off(tenant, operator, add=span)
        else:
            state = await letters.change_days_off(tenant, operator, remove=span)
    else:
        raise UsageError
    await evt.reply(letters.days_off_text(evt.lang, state))
