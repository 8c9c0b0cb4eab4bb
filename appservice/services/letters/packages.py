"""Packages: granted by an admin, a counselor chosen by the client or given by an admin, the
payment of a new one confirmed, or one called off; and what happens to a counselor's
packages when they leave."""

from __future__ import annotations

import logging
from typing import Any

from mautrix.types import UserID

from ... import caseroom
from ...context import Context
from ...db import Client, LetterOperator, Package, Tenant
from ...db.package import ACTIVE, CANCELLED, LETTER_MODE, PENDING
from ...i18n import t
from .. import clients, routing, validate
from ..errors import conflict, forbidden, not_found
from .days_off import letter_operator
from .due import due_text, start_due
from .package_types import find_type
from .showing import label, numbering
from .telling import tell_admins, tell_client, tell_counselor_of_grant, tell_operator

log = logging.getLogger("soudan.letters")


def _number(value: object) -> int:
    text = str(value).strip()
    return validate.number(text[1:] if text[:1] in ("P", "p") else text, "package")


async def grant(
    ctx: Context, tenant: Tenant, client_ref: object, type_name: object, operator: object = None
) -> Package:
    """An admin grants a package to a client (paid outside soudan), with a counselor or for
    the client to choose one (``!operators``, ``!nominate``)."""
    client = await clients.find_client(tenant, client_ref)
    kind = await find_type(tenant, type_name)
    counselor = await letter_operator(tenant, operator) if operator else None
    if counselor and not await routing.may_have(tenant, counselor, client):
        raise forbidden("case.target_out_of_scope", user_id=counselor)
    current = await Package.current_for(client.id)
    if current is not None:
        raise conflict("letters.has_package", package=label(current.number))
    await caseroom.client_ghost(ctx, tenant, client)  # gives the client the alias shown to staff
    package = await Package.grant(
        tenant.id, client.id, client.alias or "-", counselor, kind, ctx.clock.now_ms()
    )
    log.info("Package %s of tenant %s granted", package.number, tenant.slug)
    await tell_client(ctx, tenant, client, package, "granted")
    if counselor:
        await tell_counselor_of_grant(ctx, tenant, package)
    return package


async def needs_counselor(client: Client) -> Package | None:
    package = await Package.current_for(client.id)
    return package if package and package.operator_id is None else None


async def nominable(tenant: Tenant, client: Client) -> list[Any]:
    """The operators a client with a package may choose: those who take letters."""
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
    await tell_counselor_of_grant(ctx, tenant, package)
    return str(chosen.profile_name)


async def reassign(ctx: Context, tenant: Tenant, ref: object, operator: object) -> Package:
    """An admin gives a package to another counselor (or one who left is replaced). A letter
    waiting for its reply is due from now, counted on the new counselor's days."""
    package = await find(tenant, ref)
    if package.status not in LETTER_MODE:
        raise conflict("letters.not_running", package=label(package.number), state=package.status)
    counselor = await letter_operator(tenant, operator)
    client = await Client.get(package.client_id) if package.client_id else None
    if client is None:
        raise not_found("letters.client_gone", package=label(package.number))
    if not await routing.may_have(tenant, counselor, client):
        raise forbidden("case.target_out_of_scope", user_id=counselor)
    package.operator_id = counselor
    package.due_at = None
    await package.save()
    await tell_counselor_of_grant(ctx, tenant, package)
    if package.letter_at is not None and package.status == ACTIVE:
        await start_due(ctx, tenant, package, ctx.clock.now_ms())
    return package


async def operator_left(ctx: Context, tenant: Tenant, operator: UserID) -> None:
    """The packages of an operator removed from the tenant wait for another counselor; the
    admins are told which, and their clients that a new counselor will answer."""
    lang = tenant.language
    for package in await Package.of_tenant(tenant.id, operator=operator):
        if package.status not in LETTER_MODE:
            continue
        package.operator_id = None
        package.due_at = None
        await package.save()
        await tell_admins(
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
        await start_due(ctx, tenant, package, now)
    client = await Client.get(package.client_id) if package.client_id else None
    if client:
        await tell_client(ctx, tenant, client, package, "paid")
    if package.operator_id:
        await tell_operator(
            ctx,
            tenant,
            package,
            t(
                tenant.language,
                "letters.operator_paid",
                package=label(package.number),
                first=numbering(tenant.language, 1, package.replies),
            )
            + due_text(tenant, package),
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
