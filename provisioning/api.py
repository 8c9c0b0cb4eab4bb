"""Provisioning API: auth and errors in middlewares; handlers only translate HTTP to the core.

Two kinds of bearer token: the platform token (``provisioning.shared_secret``) may do
everything; a tenant admin token (issued by the platform operator) acts on its own tenant's
clients, operators, groups and notices, and nothing else.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from aiohttp import web

from appservice import __version__
from appservice.bot import CONTROL
from appservice.config import Config
from appservice.context import Context
from appservice.db import ApiToken, BotRoom, Tenant
from appservice.i18n import LANGUAGES, Lang, t
from appservice.services.errors import Refusal, forbidden
from appservice.services.tenants import get_tenant, hash_token

PREFIX = "/_soudan/provision/v1"
log = logging.getLogger("soudan.provisioning")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CONFIG = web.AppKey("config", Config)
CONTEXT = web.AppKey("context", list)
# Routes that need no bearer token. The calendar feed's own token, in its path, is its
# credential (provisioning/sessions.py).
PUBLIC = {"/openapi.yaml", "/calendar/{token}"}
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Caller:
    platform: bool
    tenant_id: int | None = None


def _lang(request: web.Request) -> Lang:
    """The first language of ``Accept-Language`` that soudan speaks; English otherwise."""
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower().split("-")[0]
        for lang in LANGUAGES:
            if tag == lang:
                return lang
    return "en"


def ok(data: dict[str, Any] | None = None, status: int = 200) -> web.Response:
    return web.json_response(data or {}, status=status)


def attachment(data: bytes, name: str, mime: str, charset: str | None = None) -> web.Response:
    """A file to save under ``name``."""
    return web.Response(
        body=data,
        content_type=mime,
        charset=charset,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def json_error(status: int, errcode: str, message: str) -> web.Response:
    return web.json_response({"errcode": errcode, "error": message}, status=status)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Refusal as refusal:
        return json_error(refusal.status, refusal.errcode, refusal.text(_lang(request)))
    except web.HTTPException as e:
        if e.status == 404:
            return json_error(404, "M_UNRECOGNIZED", t(_lang(request), "api.not_found"))
        if e.status == 405:
            return json_error(405, "M_UNRECOGNIZED", f"Method {request.method} not allowed")
        if e.status == 413:
            return json_error(
                413, "M_TOO_LARGE", f"Request bodies are limited to {MAX_BODY} bytes"
            )
        return json_error(e.status, "M_UNKNOWN", e.reason)
    except Exception:
        log.exception("Provisioning request %s %s failed", request.method, request.path)
        return json_error(500, "M_UNKNOWN", "Internal error; nothing was changed")


@web.middleware
async def auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Decided by the route the request was matched to, not by its path's text, so that no
    # path can reach another handler through a public route's prefix.
    resource = request.match_info.route.resource
    if resource is not None and resource.canonical.removeprefix(PREFIX) in PUBLIC:
        return await handler(request)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return json_error(401, "M_MISSING_TOKEN", "Missing Authorization: Bearer <token> header")
    token = header.removeprefix("Bearer ").strip()
    secret = request.app[CONFIG]["provisioning.shared_secret"]
    if hmac.compare_digest(token.encode(), secret.encode()):
        request["caller"] = Caller(platform=True)
        return await handler(request)
    # Tenant tokens are looked up by their hash, which is compared by the database index;
    # the token itself is never stored.
    tenant_id = await ApiToken.tenant_of(hash_token(token)) if token.startswith("sdn_") else None
    if tenant_id is None:
        return json_error(401, "M_UNKNOWN_TOKEN", "Invalid or revoked token")
    request["caller"] = Caller(platform=False, tenant_id=tenant_id)
    return await handler(request)


def context(request: web.Request) -> Context:
    found = request.app[CONTEXT]
    if not found:
        raise web.HTTPServiceUnavailable(reason="soudan is starting")
    return found[0]


def require_platform(request: web.Request) -> None:
    if not request["caller"].platform:
        raise forbidden("api.platform_only")


async def tenant_of(request: web.Request) -> Tenant:
    """The tenant named in the path, if the caller may act on it."""
    caller: Caller = request["caller"]
    slug = request.match_info["slug"]
    if not caller.platform:
        own = await Tenant.get(caller.tenant_id) if caller.tenant_id else None
        if own is None or own.slug != slug:
            raise forbidden("api.other_tenant")
        return own
    return await get_tenant(slug)


async def body(request: web.Request) -> dict[str, Any]:
    # Read at most one byte past the limit: a chunked body has no Content-Length to check.
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(raw))
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise Refusal("bad.json", errcode="M_NOT_JSON") from None
    if not isinstance(data, dict):
        raise Refusal("bad.json", errcode="M_BAD_JSON")
    return data


def field(data: dict[str, Any], name: str) -> Any:
    if name not in data or data[name] is None:
        raise Refusal("bad.field", errcode="M_BAD_JSON", field=name)
    return data[name]


async def status(request: web.Request) -> web.Response:
    require_platform(request)
    control = await BotRoom.get_by_kind(CONTROL)
    return web.json_response(
        {"version": __version__, "control_room": control.room_id if control else None}
    )


async def openapi(_: web.Request) -> web.Response:
    text = resources.files("provisioning").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return web.Response(text=text, content_type="application/yaml")


def create_app(config: Config, ctx: list[Context]) -> web.Application:
    from . import routes

    app = web.Application(middlewares=[errors, auth])
    app[CONFIG] = config
    app[CONTEXT] = ctx
    app.router.add_get("/status", status)
    app.router.add_get("/openapi.yaml", openapi)
    routes.add_routes(app)
    return app
