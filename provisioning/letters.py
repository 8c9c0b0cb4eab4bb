"""The provisioning API for letter counseling: the tenant's letter settings, package types,
packages (grant, confirm the payment, cancel) and an operator's letters and days off: the same
service functions as the commands in ``appservice/commands/letters.py``.

Callers are the platform token or the tenant's own admin token, who act as the tenant's admins.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from appservice import hours
from appservice.db import LetterOperator, Package, PackageType
from appservice.db.package import PACKAGE_STATUSES
from appservice.services import letters, validate
from appservice.services.errors import Refusal

from .api import body, context, field, ok, tenant_of

# The API's names of a type's terms, and the command's.
TERMS = {"replies": "replies", "deadline_days": "days", "char_limit": "chars", "price": "price"}
DAYS_OFF_KEYS = ("accepts", "weekly_off", "add_days_off", "remove_days_off")


def _type_json(kind: PackageType) -> dict[str, Any]:
    return {
        "name": kind.name,
        "replies": kind.replies,
        "deadline_days": kind.deadline_days,
        "char_limit": kind.char_limit,
        "price": kind.price,
    }


def _package_json(package: Package) -> dict[str, Any]:
    """A package; the client by alias only."""
    return {
        "number": package.number,
        "label": letters.label(package.number),
        "client": package.client_alias,
        "operator": package.operator_id,
        "type": package.type_name,
        "replies": package.replies,
        "sent": package.sent,
        "deadline_days": package.deadline_days,
        "char_limit": package.char_limit,
        "price": package.price,
        "status": package.status,
        "granted_at": package.granted_at,
        "started_at": package.started_at,
        "completed_at": package.completed_at,
        "due_at": package.due_at,
    }


def _days_off_json(state: LetterOperator) -> dict[str, Any]:
    return {
        "operator": state.user_id,
        "accepts": state.accepts,
        "weekly_off": [hours.WEEKDAYS[day] for day in state.weekly_off],
        "days_off": state.days_off,
    }


# Settings


async def get_settings(request: web.Request) -> web.Response:
    return ok(letters.settings_of(await tenant_of(request)))


async def change_settings(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    await letters.change_settings(tenant, await body(request))
    return ok(letters.settings_of(tenant))


# Package types


async def list_types(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok({"package_types": [_type_json(kind) for kind in await PackageType.all(tenant.id)]})


async def put_type(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    unknown = [key for key in data if key != "name" and key not in TERMS]
    if unknown:
        raise Refusal(
            "letters.unknown_option", option=unknown[0][:40], options=", ".join(["name", *TERMS])
        )
    options = {TERMS[key]: value for key, value in data.items() if key in TERMS}
    kind = await letters.put_type(ctx, tenant, field(data, "name"), options)
    return ok(_type_json(kind), status=201)


async def remove_type(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    await letters.remove_type(tenant, request.match_info["name"])
    return ok({})


# Packages


async def list_packages(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    status = request.query.get("status")
    if status is not None and status not in PACKAGE_STATUSES:
        raise Refusal("history.bad_status", value=status[:20], options=", ".join(PACKAGE_STATUSES))
    operator = request.query.get("operator")
    found = await Package.of_tenant(
        tenant.id, status, validate.user_id(operator) if operator else None
    )
    return ok({"packages": [_package_json(package) for package in found]})


async def grant(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    package = await letters.grant(
        ctx, tenant, field(data, "client"), field(data, "type"), data.get("operator")
    )
    return ok(_package_json(package), status=201)


async def confirm_payment(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    package = await letters.confirm_payment(ctx, tenant, request.match_info["number"])
    return ok(_package_json(package))


async def reassign(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    package = await letters.reassign(
        ctx, tenant, request.match_info["number"], field(data, "operator")
    )
    return ok(_package_json(package))


async def cancel(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    package = await letters.cancel(ctx, tenant, request.match_info["number"])
    return ok(_package_json(package))


# An operator's letters and days off


async def get_days_off(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok(_days_off_json(await letters.operator_days(tenant, request.match_info["user_id"])))


def _dates(data: dict[str, Any], key: str) -> list[str]:
    values = data.get(key, [])
    if not isinstance(values, list):
        raise Refusal("bad.field", errcode="M_BAD_JSON", field=key)
    return [day for value in values for day in letters.date_span(str(value))]


async def change_days_off(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    operator = request.match_info["user_id"]
    data = await body(request)
    unknown = [key for key in data if key not in DAYS_OFF_KEYS]
    if unknown:
        raise Refusal(
            "letters.unknown_setting", setting=unknown[0][:40], options=", ".join(DAYS_OFF_KEYS)
        )
    accepts = data.get("accepts")
    if accepts is not None and not isinstance(accepts, bool):
        raise Refusal("bad.field", errcode="M_BAD_JSON", field="accepts")
    weekly = data.get("weekly_off")
    if weekly is not None and not isinstance(weekly, list):
        raise Refusal("bad.field", errcode="M_BAD_JSON", field="weekly_off")
    weekly_off = None if weekly is None else letters.weekly(",".join(map(str, weekly)) or "none")
    state = await letters.change_days_off(
        tenant,
        operator,
        accepts=accepts,
        weekly_off=weekly_off,
        add=_dates(data, "add_days_off"),
        remove=_dates(data, "remove_days_off"),
    )
    return ok(_days_off_json(state))


def add_routes(app: web.Application) -> None:
    r = app.router
    t = "/tenants/{slug}"
    r.add_get(f"{t}/letter-settings", get_settings)
    r.add_patch(f"{t}/letter-settings", change_settings)
    r.add_get(f"{t}/package-types", list_types)
    r.add_post(f"{t}/package-types", put_type)
    r.add_delete(f"{t}/package-types/{{name}}", remove_type)
    r.add_get(f"{t}/packages", list_packages)
    r.add_post(f"{t}/packages", grant)
    r.add_post(f"{t}/packages/{{number}}/payment", confirm_payment)
    r.add_post(f"{t}/packages/{{number}}/counselor", reassign)
    r.add_post(f"{t}/packages/{{number}}/cancel", cancel)
    r.add_get(f"{t}/operators/{{user_id}}/letters", get_days_off)
    r.add_patch(f"{t}/operators/{{user_id}}/letters", change_days_off)
