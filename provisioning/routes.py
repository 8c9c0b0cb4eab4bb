"""The provisioning API's operations: the same service functions as the bot commands."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web
from mautrix.types import UserID

from appservice.context import Context
from appservice.db import ADMIN, OPERATOR, ApiToken, Client, Tenant
from appservice.services import clients, routing, shown_once, staff, tenant_deletion, tenants
from appservice.services.errors import Refusal

from . import board, desk, letters, records, sessions, staff_accounts, statements
from .api import PREFIX, attachment, body, context, field, ok, require_platform, tenant_of


async def _tenant_json(tenant: Tenant) -> dict[str, Any]:
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "preset": tenant.preset,
        "language": tenant.language,
        "suspended": tenant.suspended,
        "trial_ends_at": tenant.trial_ends_at,
        "seat_limit": tenant.seat_limit,
        "admins": await tenant.members(ADMIN),
        "operators": await tenant.members(OPERATOR),
        "rooms": {
            "space": tenant.space_room,
            "admin": tenant.admin_room,
            "staff": tenant.staff_room,
            "board": tenant.board_room,
        },
    }


def _client_json(client: Client) -> dict[str, Any]:
    return {"nickname": client.nickname, "user_id": client.user_id}


# Platform operations


async def create_tenant(request: web.Request) -> web.Response:
    require_platform(request)
    data = await body(request)
    tenant = await tenants.create_tenant(
        context(request),
        field(data, "slug"),
        field(data, "preset"),
        field(data, "language"),
        field(data, "name"),
    )
    return ok(await _tenant_json(tenant), status=201)


async def list_tenants(request: web.Request) -> web.Response:
    require_platform(request)
    return ok({"tenants": [await _tenant_json(t) for t in await tenants.list_tenants()]})


async def get_tenant(request: web.Request) -> web.Response:
    return ok(await _tenant_json(await tenant_of(request)))


async def delete_tenant(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    given = (await body(request)).get("confirm")
    done = await tenant_deletion.delete_confirmed(context(request), tenant, given)
    return ok(
        {
            "slug": tenant.slug,
            "deleted": True,
            "exported_files": done.files,
            "accounts_deactivated": done.accounts,
            "rooms_left": done.rooms,
            "complete": done.complete,
        }
    )


async def add_admin(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    user_id = field(await body(request), "user_id")
    await staff.add_admin(context(request), tenant, user_id)
    return ok({"user_id": user_id}, status=201)


async def remove_admin(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    await staff.remove_admin(context(request), tenant, UserID(request.match_info["user_id"]))
    return ok()


async def suspend(request: web.Request) -> web.Response:
    require_platform(request)
    await tenants.suspend(context(request), await tenant_of(request))
    return ok({"suspended": True})


async def resume(request: web.Request) -> web.Response:
    require_platform(request)
    await tenants.resume(context(request), await tenant_of(request))
    return ok({"suspended": False})


async def set_trial(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    data = await body(request)
    if "last_day" not in data:
        raise Refusal("bad.field", errcode="M_BAD_JSON", field="last_day")
    ends_at = await tenants.set_trial(context(request), tenant, data["last_day"])
    return ok({"trial_ends_at": ends_at})


async def set_seats(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    data = await body(request)
    if "limit" not in data:
        raise Refusal("bad.field", errcode="M_BAD_JSON", field="limit")
    await tenants.set_seats(tenant, data["limit"])
    return ok({"seat_limit": tenant.seat_limit})


async def issue_token(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    issued = await tenants.issue_token(
        context(request), tenant, field(await body(request), "label")
    )
    return ok({"id": issued.id, "token": issued.token}, status=201)


async def list_tokens(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    active = await ApiToken.active(tenant.id)
    return ok(
        {"tokens": [{"id": t.id, "label": t.label, "created_at": t.created_at} for t in active]}
    )


async def revoke_token(request: web.Request) -> web.Response:
    require_platform(request)
    tenant = await tenant_of(request)
    await tenants.revoke_token(context(request), tenant, request.match_info["token_id"])
    return ok()


async def maintenance(request: web.Request) -> web.Response:
    require_platform(request)
    data = await body(request)
    window, rooms = await tenants.announce_maintenance(
        context(request), field(data, "starts_at"), field(data, "ends_at"), field(data, "message")
    )
    return ok(
        {"starts_at": window.starts_at, "ends_at": window.ends_at, "notified_rooms": rooms},
        status=201,
    )


async def advance_clock(request: web.Request) -> web.Response:
    require_platform(request)
    ctx = context(request)
    if not ctx.config["debug.clock_control"]:
        raise Refusal("debug.disabled", status=403, errcode="M_FORBIDDEN")
    data = await body(request)
    if "to_ms" in data:
        target = data["to_ms"]
        if not isinstance(target, int) or isinstance(target, bool) or target <= 0:
            raise Refusal("bad.number", what="to_ms", value=str(target)[:20])
        # Back as well as forward: a test may start in the past, and ends back at real time.
        ctx.clock.advance((target - ctx.clock.now_ms()) / 1000)
        await ctx.scheduler.run_due()
        return ok({"now": ctx.clock.now_ms()})
    seconds = field(data, "advance_seconds")
    if (
        not isinstance(seconds, int | float)
        or isinstance(seconds, bool)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise Refusal("bad.number", what="advance_seconds", value=str(seconds)[:20])
    ctx.clock.advance(seconds)
    await ctx.scheduler.run_due()
    return ok({"now": ctx.clock.now_ms()})


# Tenant admin operations (platform token or the tenant's own token)


async def list_clients(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok({"clients": [_client_json(c) for c in await clients.list_clients(tenant)]})


async def add_client(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    data = await body(request)
    account = await clients.add_client(
        context(request), tenant, field(data, "nickname"), data.get("group")
    )
    return ok(
        {
            **_client_json(account.client),
            "password": account.password,
            "homeserver": context(request).config.public_address,
        },
        status=201,
    )


async def reset_password(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    client, password = await clients.reset_password(
        context(request), tenant, request.match_info["client"]
    )
    return ok(
        {
            **_client_json(client),
            "password": password,
            "homeserver": context(request).config.public_address,
        }
    )


async def remove_client(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    await clients.remove_client(context(request), tenant, request.match_info["client"])
    return ok()


async def issue_vouchers(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    ctx = context(request)
    issued = await clients.issue_vouchers(ctx, tenant, field(await body(request), "count"))
    files = await clients.deliver_voucher_files(ctx, tenant, issued)
    downloads = {
        kind: f"{PREFIX}/tenants/{tenant.slug}/voucher-files/{shown_once.media_id(uri)}"
        for kind, uri in files.items()
    }
    return ok(
        {
            "homeserver": ctx.config.public_address,
            "vouchers": [{"user_id": a.client.user_id, "password": a.password} for a in issued],
            "files": files,
            "downloads": downloads,
        },
        status=201,
    )


async def take_voucher_file(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    file_id = request.match_info["file"]
    found = await shown_once.take_voucher_file(context(request), tenant, file_id)
    return attachment(found.data, found.name, found.mime)


async def list_operators(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok({"operators": await tenant.members(OPERATOR), "seat_limit": tenant.seat_limit})


async def add_operator(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    user_id = field(await body(request), "user_id")
    await staff.add_operator(context(request), tenant, user_id)
    return ok({"user_id": user_id}, status=201)


async def remove_operator(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    await staff.remove_operator(context(request), tenant, UserID(request.match_info["user_id"]))
    return ok()


async def list_groups(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    found = await clients.list_groups(tenant)
    return ok(
        {
            "groups": [
                {"name": g.name, "members": [m.nickname or m.user_id for m in members]}
                for g, members in found
            ]
        }
    )


async def create_group(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    group = await clients.create_group(
        context(request), tenant, field(await body(request), "name")
    )
    return ok({"name": group.name}, status=201)


async def rename_group(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    group = await clients.rename_group(
        context(request), tenant, request.match_info["group"], field(await body(request), "name")
    )
    return ok({"name": group.name})


async def delete_group(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    await clients.delete_group(context(request), tenant, request.match_info["group"])
    return ok()


async def add_group_member(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    client = field(await body(request), "client")
    await clients.add_member(context(request), tenant, request.match_info["group"], client)
    return ok(status=201)


async def remove_group_member(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    await clients.remove_member(
        context(request), tenant, request.match_info["group"], request.match_info["client"]
    )
    return ok()


async def broadcast(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    data = await body(request)
    count = await clients.broadcast(
        context(request), tenant, field(data, "text"), group=data.get("group")
    )
    return ok({"sent_to": count})


# The tenant's settings (platform token or the tenant's own token)


async def get_settings(request: web.Request) -> web.Response:
    return ok(tenants.settings_of(await tenant_of(request)))


async def change_settings(request: web.Request) -> web.Response:
    tenant = await tenants.change_settings(
        context(request), await tenant_of(request), await body(request)
    )
    return ok(tenants.settings_of(tenant))


# Routing and hours (platform token or the tenant's own token)


def _hours_json(ctx: Context, tenant: Tenant) -> dict[str, Any]:
    return {
        "timezone": tenant.timezone,
        "hours": tenant.hours,
        "closed_dates": tenant.closed_dates,
        "halted": tenant.halted,
        "state": routing.state_line(tenant, ctx.clock.now_ms()),
    }


async def get_hours(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok(_hours_json(context(request), tenant))


async def set_hours(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    data = await body(request)
    await routing.change_hours(
        tenant,
        timezone=data.get("timezone"),
        days=data.get("hours"),
        closed_dates=data.get("closed_dates"),
    )
    return ok(_hours_json(context(request), tenant))


async def set_routing(request: web.Request) -> web.Response:
    context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    await routing.set_mode(tenant, str(field(data, "mode")), data.get("limit"))
    return ok({"mode": tenant.assign_mode, "limit": tenant.max_open})


async def halt(request: web.Request) -> web.Response:
    await routing.halt(context(request), await tenant_of(request))
    return ok({"halted": True})


async def unhalt(request: web.Request) -> web.Response:
    await routing.unhalt(context(request), await tenant_of(request))
    return ok({"halted": False})


def add_routes(app: web.Application) -> None:
    r = app.router
    t = "/tenants/{slug}"
    r.add_post("/tenants", create_tenant)
    r.add_get("/tenants", list_tenants)
    r.add_get(t, get_tenant)
    r.add_delete(t, delete_tenant)
    r.add_post(f"{t}/admins", add_admin)
    r.add_delete(f"{t}/admins/{{user_id}}", remove_admin)
    r.add_post(f"{t}/suspend", suspend)
    r.add_post(f"{t}/resume", resume)
    r.add_put(f"{t}/trial", set_trial)
    r.add_put(f"{t}/seats", set_seats)
    r.add_post(f"{t}/tokens", issue_token)
    r.add_get(f"{t}/tokens", list_tokens)
    r.add_delete(f"{t}/tokens/{{token_id}}", revoke_token)
    r.add_post("/maintenance", maintenance)
    r.add_post("/debug/clock", advance_clock)
    r.add_get(f"{t}/clients", list_clients)
    r.add_post(f"{t}/clients", add_client)
    r.add_post(f"{t}/clients/{{client}}/reset-password", reset_password)
    r.add_delete(f"{t}/clients/{{client}}", remove_client)
    r.add_post(f"{t}/vouchers", issue_vouchers)
    r.add_get(f"{t}/voucher-files/{{file}}", take_voucher_file)
    r.add_get(f"{t}/operators", list_operators)
    r.add_post(f"{t}/operators", add_operator)
    r.add_delete(f"{t}/operators/{{user_id}}", remove_operator)
    r.add_get(f"{t}/groups", list_groups)
    r.add_post(f"{t}/groups", create_group)
    r.add_patch(f"{t}/groups/{{group}}", rename_group)
    r.add_delete(f"{t}/groups/{{group}}", delete_group)
    r.add_post(f"{t}/groups/{{group}}/members", add_group_member)
    r.add_delete(f"{t}/groups/{{group}}/members/{{client}}", remove_group_member)
    r.add_post(f"{t}/broadcast", broadcast)
    r.add_get(f"{t}/settings", get_settings)
    r.add_patch(f"{t}/settings", change_settings)
    r.add_get(f"{t}/hours", get_hours)
    r.add_put(f"{t}/hours", set_hours)
    r.add_put(f"{t}/routing", set_routing)
    r.add_post(f"{t}/halt", halt)
    r.add_post(f"{t}/unhalt", unhalt)
    desk.add_routes(app)
    records.add_routes(app)
    board.add_routes(app)
    sessions.add_routes(app)
    letters.add_routes(app)
    statements.add_routes(app)
    staff_accounts.add_routes(app)
