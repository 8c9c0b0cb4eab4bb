"""Provisioning API: auth and error handling in middlewares, handlers stay thin."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from importlib import resources

from aiohttp import web

from appservice import __version__
from appservice.bot import CONTROL
from appservice.config import Config
from appservice.db import BotRoom

PREFIX = "/_soudan/provision/v1"
log = logging.getLogger("soudan.provisioning")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CONFIG_KEY = web.AppKey("config", Config)
PUBLIC = {"/openapi.yaml"}


def error(status: int, errcode: str, message: str) -> web.HTTPException:
    cls: type[web.HTTPException] = web.HTTPException
    for candidate in (
        web.HTTPBadRequest,
        web.HTTPUnauthorized,
        web.HTTPForbidden,
        web.HTTPNotFound,
        web.HTTPMethodNotAllowed,
    ):
        if candidate.status_code == status:
            cls = candidate
    return cls(
        content_type="application/json",
        text=json.dumps({"errcode": errcode, "error": message}, ensure_ascii=False),
    )


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as e:
        if e.content_type == "application/json":
            raise
        errcode = "M_UNRECOGNIZED" if e.status in (404, 405) else "M_UNKNOWN"
        raise error(e.status, errcode, e.reason) from None
    except Exception:
        log.exception("Provisioning request %s %s failed", request.method, request.path)
        return web.json_response(
            {"errcode": "M_UNKNOWN", "error": "Internal error; nothing was changed"}, status=500
        )


@web.middleware
async def auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.removeprefix(PREFIX) in PUBLIC:
        return await handler(request)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise error(401, "M_MISSING_TOKEN", "Missing Authorization: Bearer <token> header")
    secret = request.app[CONFIG_KEY]["provisioning.shared_secret"]
    if not hmac.compare_digest(header.removeprefix("Bearer ").encode(), secret.encode()):
        raise error(401, "M_UNKNOWN_TOKEN", "Invalid provisioning token")
    return await handler(request)


async def status(_: web.Request) -> web.Response:
    control = await BotRoom.get_by_kind(CONTROL)
    return web.json_response(
        {"version": __version__, "control_room": control.room_id if control else None}
    )


async def openapi(_: web.Request) -> web.Response:
    text = resources.files("provisioning").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return web.Response(text=text, content_type="application/yaml")


def create_app(config: Config) -> web.Application:
    app = web.Application(middlewares=[errors, auth])
    app[CONFIG_KEY] = config
    app.router.add_get("/status", status)
    app.router.add_get("/openapi.yaml", openapi)
    return app
