"""The provisioning API for what the desk tells and asks clients, and who answers them: the
wording of its notices, the intake question and operators' teams. The same service functions
as the ``set-text``, ``set-intake`` and ``set-team`` commands; handlers only translate HTTP
to them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from appservice.services import routing
from appservice.services.errors import Refusal

from .api import body, context, field, ok, tenant_of


async def get_texts(request: web.Request) -> web.Response:
    return ok(routing.texts_of(await tenant_of(request)))


async def set_text(request: web.Request) -> web.Response:
    context(request)
    tenant = await tenant_of(request)
    kind = request.match_info["kind"]
    await routing.set_text(tenant, kind, field(await body(request), "text"))
    return ok({"kind": kind, **routing.texts_of(tenant)[kind]})


def _intake_json(intake: dict[str, Any] | None) -> dict[str, Any]:
    return {"intake": intake}


async def get_intake(request: web.Request) -> web.Response:
    return ok(_intake_json((await tenant_of(request)).intake))


async def set_intake(request: web.Request) -> web.Response:
    context(request)
    tenant = await tenant_of(request)
    return ok(_intake_json(await routing.set_intake(tenant, await body(request))))


async def remove_intake(request: web.Request) -> web.Response:
    context(request)
    return ok(_intake_json(await routing.set_intake(await tenant_of(request), None)))


async def list_teams(request: web.Request) -> web.Response:
    found = await routing.teams(await tenant_of(request))
    return ok({"operators": [{"user_id": user, "team": team} for user, team in found.items()]})


async def set_team(request: web.Request) -> web.Response:
    context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    if "team" not in data:  # null takes the operator out of their team
        raise Refusal("bad.field", errcode="M_BAD_JSON", field="team")
    operator = request.match_info["user_id"]
    team = await routing.set_team(tenant, operator, data["team"])
    return ok({"user_id": operator, "team": team})


def add_routes(app: web.Application) -> None:
    r = app.router
    t = "/tenants/{slug}"
    r.add_get(f"{t}/texts", get_texts)
    r.add_put(f"{t}/texts/{{kind}}", set_text)
    r.add_get(f"{t}/intake", get_intake)
    r.add_put(f"{t}/intake", set_intake)
    r.add_delete(f"{t}/intake", remove_intake)
    r.add_get(f"{t}/teams", list_teams)
    r.add_put(f"{t}/operators/{{user_id}}/team", set_team)
