"""The provisioning API for staff accounts soudan creates: the same service functions as the
``create-admin`` and ``create-operator`` commands. The password is in the answer only: no room
ever shows it, so nothing is left to redact."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from appservice.db import StaffAccount
from appservice.services import staff_accounts

from .api import body, context, field, ok, require_platform, tenant_of


def _account_json(account: StaffAccount) -> dict[str, Any]:
    return {
        "user_id": account.user_id,
        "nickname": account.nickname,
        "role": account.role,
        "created_at": account.created_at,
        "deactivated_at": account.deactivated_at,
    }


def _new_json(request: web.Request, made: staff_accounts.NewStaffAccount) -> dict[str, Any]:
    return {
        "user_id": made.user_id,
        "nickname": made.nickname,
        "password": made.password,
        "homeserver": context(request).config.public_address,
    }


async def create_admin(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    nickname = field(await body(request), "nickname")
    made = await staff_accounts.create_admin(context(request), tenant, nickname)
    return ok(_new_json(request, made), status=201)


async def create_operator(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    nickname = field(await body(request), "nickname")
    made = await staff_accounts.create_operator(context(request), tenant, nickname)
    return ok(_new_json(request, made), status=201)


async def list_accounts(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    found = await staff_accounts.created_accounts(tenant)
    return ok({"accounts": [_account_json(account) for account in found]})


def add_routes(app: web.Application) -> None:
    t = "/tenants/{slug}"
    app.router.add_post(f"{t}/admin-accounts", create_admin)
    app.router.add_post(f"{t}/operator-accounts", create_operator)
    app.router.add_get(f"{t}/staff-accounts", list_accounts)
