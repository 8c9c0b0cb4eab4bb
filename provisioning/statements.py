"""The provisioning API for monthly statements: list them, make and send one, read one (as JSON
or as its PDF, XLSX or CSV file) and record its payment: the same service functions as the
statement commands in ``appservice/commands/statements.py``.

Callers are the platform token or the tenant's own admin token, who act as the tenant's
admins do.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from appservice.db import Statement
from appservice.services import statements
from appservice.services.errors import Refusal

from .api import attachment, body, context, field, ok, tenant_of

FORMATS = ("json", *statements.FORMATS)


def _statement_json(statement: Statement, lines: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {
        "statement": statements.label(statement.number),
        "number": statement.number,
        "operator": statement.operator_id,
        "month": statement.month,
        "status": statement.status,
        "line_count": len(statement.lines),
        "total": statement.total,
        "currency": statement.currency,
        "created_at": statement.created_at,
        "sent_at": statement.sent_at,
        "paid_at": statement.paid_at,
    }
    if lines:
        found["lines"] = statement.lines
    return found


async def list_statements(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    found = await statements.visible(tenant, request.query.get("month"), None)
    return ok({"statements": [_statement_json(s, lines=False) for s in found]})


async def make_statement(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    statement = await statements.make(ctx, tenant, field(data, "operator"), field(data, "month"))
    await statements.send(ctx, tenant, statement)
    return ok(_statement_json(statement), status=201)


async def get_statement(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    statement = await statements.find(tenant, request.match_info["number"])
    kind = request.query.get("format", "json").lower()
    if kind not in FORMATS:
        raise Refusal("history.bad_format", value=kind[:20], options=", ".join(FORMATS))
    if kind == "json":
        return ok(_statement_json(statement))
    found = await statements.render(tenant, statement, kind)
    return attachment(found.data, found.name, found.mime, "utf-8" if kind == "csv" else None)


async def mark_paid(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    statement = await statements.mark_paid(ctx, tenant, request.match_info["number"])
    return ok(_statement_json(statement))


def add_routes(app: web.Application) -> None:
    r = app.router
    t = "/tenants/{slug}"
    r.add_get(f"{t}/statements", list_statements)
    r.add_post(f"{t}/statements", make_statement)
    r.add_get(f"{t}/statements/{{number}}", get_statement)
    r.add_post(f"{t}/statements/{{number}}/paid", mark_paid)
