"""The provisioning API for operator permissions, templates, client and case records, tickets
and the case history: the same service functions as the bot commands in
``appservice/commands/records.py``; handlers only translate HTTP to them.

Callers are the platform token or the tenant's own admin token, who see the whole tenant (an
admin's view). Search and export can be narrowed to what one operator may see with the query
parameter ``as_operator``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from appservice import caseroom
from appservice.db import Case, Category, Client, OperatorSettings, Template, Tenant, Ticket
from appservice.db.records import Note
from appservice.services import history, notify, permissions, records
from appservice.services.clients import find_client
from appservice.services.errors import Refusal

from .api import attachment, body, context, field, ok, tenant_of

# Query parameters of search and export that are not filters.
AS_OPERATOR = "as_operator"
FORMAT = "format"
TICKET_STATUSES = (records.OPEN, records.CLOSED, "all")


def _template_json(template: Template) -> dict[str, Any]:
    return {"name": template.name, "body": template.body, "updated_at": template.updated_at}


def _note_json(note: Note) -> dict[str, Any]:
    return {"author": note.author, "body": note.body, "created_at": note.created_at}


def _ticket_json(ticket: Ticket, case: Case) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "case": case.number,
        "title": ticket.title,
        "body": ticket.body,
        "status": ticket.status,
        "created_by": ticket.created_by,
        "created_at": ticket.created_at,
        "closed_at": ticket.closed_at,
    }


def _case_json(row: history.Row, settings: OperatorSettings | None) -> dict[str, Any]:
    """A case as the history shows it: the client by alias only, never by Matrix ID."""
    case = row.case
    data: dict[str, Any] = {
        "number": case.number,
        "status": case.status,
        "handled": case.handled,
        "opened_at": case.opened_at,
        "assigned_at": case.assigned_at,
        "first_response_at": case.first_response_at,
        "closed_at": case.closed_at,
        "operator": case.operator_id,
        "client": row.alias,
        "category": row.category or None,
        "team": case.team,
        "rating": case.rating,
        "notes": row.notes,
        "tickets": row.tickets,
    }
    if "intake" in history.columns_for(settings):
        data["intake_answer"] = case.intake_answer
    return data


async def _case_row(tenant: Tenant, case: Case) -> history.Row:
    return (await history.search(tenant, history.Filters(number=case.number), None))[0]


async def _viewer(tenant: Tenant, query: dict[str, str]) -> OperatorSettings | None:
    """None (the whole tenant), or the settings of the operator named by ``as_operator``."""
    if AS_OPERATOR not in query:
        return None
    return await permissions.operator_settings(tenant, query.pop(AS_OPERATOR))


# Operator permissions


async def get_operator_settings(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    settings = await permissions.operator_settings(tenant, request.match_info["user_id"])
    return ok(permissions.as_dict(settings))


async def change_operator_settings(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    changes = await body(request)
    settings = await permissions.operator_settings(tenant, request.match_info["user_id"])
    settings = await notify.change_settings(ctx, tenant, settings, changes)
    return ok(permissions.as_dict(settings))


# Templates


async def list_templates(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok({"templates": [_template_json(t) for t in await Template.all(tenant.id)]})


async def add_template(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    template = await records.save_template(
        ctx, tenant, field(data, "name"), field(data, "body"), new=True
    )
    return ok(_template_json(template), status=201)


async def get_template(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok(_template_json(await records.get_template(tenant, request.match_info["name"])))


async def edit_template(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    template = await records.save_template(
        ctx, tenant, request.match_info["name"], field(data, "body"), new=False
    )
    return ok(_template_json(template))


async def remove_template(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    await records.remove_template(tenant, request.match_info["name"])
    return ok()


# Clients: tags and notes


async def _record_json(client: Client) -> dict[str, Any]:
    """The client's tags and notes, as an admin sees them."""
    tags, notes = await records.client_record(client, None)
    return {
        "client": client.alias or "",
        "tags": tags,
        "notes": [_note_json(n) for n in notes or []],
    }


async def client_record(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    client = await find_client(tenant, request.match_info["client"])
    return ok(await _record_json(client))


async def add_client_tag(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    client = await find_client(tenant, request.match_info["client"])
    await records.set_tag(tenant, client, request.match_info["tag"], True, None)
    return ok(await _record_json(client))


async def remove_client_tag(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    client = await find_client(tenant, request.match_info["client"])
    await records.set_tag(tenant, client, request.match_info["tag"], False, None)
    return ok(await _record_json(client))


async def add_client_note(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    client = await find_client(tenant, request.match_info["client"])
    await records.add_client_note(ctx, client, ctx.az.bot_mxid, field(data, "body"), None)
    return ok(await _record_json(client), status=201)


# Categories


async def list_categories(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    return ok({"categories": [c.path for c in await Category.all(tenant.id)]})


async def add_category(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    category = await records.add_category(tenant, field(await body(request), "path"))
    return ok({"path": category.path}, status=201)


async def remove_category(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    await records.remove_category(ctx, tenant, request.match_info["path"])
    return ok()


# Cases: assignment, category, notes, tickets


async def assign_case(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    user_id = field(await body(request), "user_id")
    case = await caseroom.give(ctx, tenant, request.match_info["number"], user_id)
    return ok(_case_json(await _case_row(tenant, case), None))


async def set_case_category(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    path = field(await body(request), "path")
    case = await caseroom.find_case(tenant, request.match_info["number"])
    await records.set_case_category(tenant, case, path)
    return ok(_case_json(await _case_row(tenant, case), None))


async def add_case_note(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    note = field(await body(request), "body")
    case = await caseroom.find_case(tenant, request.match_info["number"])
    await records.add_case_note(ctx, case, ctx.az.bot_mxid, note)
    return ok(_case_json(await _case_row(tenant, case), None), status=201)


async def open_ticket(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    data = await body(request)
    case = await caseroom.find_case(tenant, request.match_info["number"])
    ticket = await records.open_ticket(
        ctx, case, ctx.az.bot_mxid, field(data, "title"), data.get("body")
    )
    return ok(_ticket_json(ticket, case), status=201)


# Tickets


async def list_tickets(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    status = request.query.get("status", records.OPEN)
    if status not in TICKET_STATUSES:
        raise Refusal("ticket.bad_status", value=status[:20])
    found = await records.visible_tickets(tenant, None, None if status == "all" else status)
    return ok({"tickets": [_ticket_json(ticket, case) for ticket, case in found]})


async def get_ticket(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    ticket, case = await records.find_ticket(tenant, request.match_info["number"], None)
    return ok(_ticket_json(ticket, case))


async def set_ticket_status(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    status = str(field(await body(request), "status"))
    ticket, case = await records.find_ticket(tenant, request.match_info["number"], None)
    await records.set_ticket_status(ctx, ticket, status)
    return ok(_ticket_json(ticket, case))


# The history


async def search_cases(request: web.Request) -> web.Response:
    tenant = await tenant_of(request)
    query = dict(request.query)
    settings = await _viewer(tenant, query)
    filters = await history.parse_filters(tenant, query)
    rows = await history.search(tenant, filters, settings)
    return ok({"cases": [_case_json(row, settings) for row in rows]})


async def export_cases(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    query = dict(request.query)
    kind = query.pop(FORMAT, "csv")
    settings = await _viewer(tenant, query)
    found = await history.export(tenant, kind, query, settings, ctx.clock.now_ms())
    charset = "utf-8" if found.mime == history.MIME["csv"] else None
    return attachment(found.data, found.name, found.mime, charset)


async def summary(request: web.Request) -> web.Response:
    ctx = context(request)
    tenant = await tenant_of(request)
    month = request.query.get("month") or history.previous_month(tenant, ctx.clock.now_ms())
    return ok(await history.summary(tenant, month))


def add_routes(app: web.Application) -> None:
    r = app.router
    t = "/tenants/{slug}"
    r.add_get(f"{t}/operators/{{user_id}}/settings", get_operator_settings)
    r.add_patch(f"{t}/operators/{{user_id}}/settings", change_operator_settings)
    r.add_get(f"{t}/templates", list_templates)
    r.add_post(f"{t}/templates", add_template)
    r.add_get(f"{t}/templates/{{name}}", get_template)
    r.add_put(f"{t}/templates/{{name}}", edit_template)
    r.add_delete(f"{t}/templates/{{name}}", remove_template)
    r.add_get(f"{t}/clients/{{client}}/record", client_record)
    r.add_put(f"{t}/clients/{{client}}/tags/{{tag}}", add_client_tag)
    r.add_delete(f"{t}/clients/{{client}}/tags/{{tag}}", remove_client_tag)
    r.add_post(f"{t}/clients/{{client}}/notes", add_client_note)
    r.add_get(f"{t}/categories", list_categories)
    r.add_post(f"{t}/categories", add_category)
    r.add_delete(f"{t}/categories/{{path}}", remove_category)
    r.add_get(f"{t}/cases", search_cases)
    r.add_get(f"{t}/cases/export", export_cases)
    r.add_post(f"{t}/cases/{{number}}/assign", assign_case)
    r.add_put(f"{t}/cases/{{number}}/category", set_case_category)
    r.add_post(f"{t}/cases/{{number}}/notes", add_case_note)
    r.add_post(f"{t}/cases/{{number}}/tickets", open_ticket)
    r.add_get(f"{t}/tickets", list_tickets)
    r.add_get(f"{t}/tickets/{{number}}", get_ticket)
    r.add_patch(f"{t}/tickets/{{number}}", set_ticket_status)
    r.add_get(f"{t}/summary", summary)
