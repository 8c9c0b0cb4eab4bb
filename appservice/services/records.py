"""Templates, client tags and notes, categories, case notes and tickets (seeds 002, 003)."""

from __future__ import annotations

import re
import string
from typing import Any

from mautrix.types import UserID

from ..context import Context
from ..db import Case, CaseNote, Category, Client, ClientRecord, OperatorSettings, Template, Ticket
from ..db.records import Note
from ..db.tenant import Tenant
from ..i18n import Lang, t
from . import permissions, validate
from .errors import Refusal, conflict, forbidden, not_found

MAX_TEMPLATE = 3000
MAX_NOTE = 2000
MAX_DEPTH = 3
PLACEHOLDERS = ("nickname", "operator", "tenant", "case")
_TEMPLATE_NAME = re.compile(r"[^\s!{}]{1,32}")
SEPARATOR = " > "
OPEN, CLOSED = "open", "closed"

# Templates


def template_name(value: object) -> str:
    if not isinstance(value, str) or not _TEMPLATE_NAME.fullmatch(value):
        raise Refusal("template.bad_name", value=str(value)[:40])
    return value


def check_placeholders(body: str) -> None:
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(body)]
    except ValueError:
        raise Refusal("template.bad_braces", known=_known()) from None
    for name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise Refusal("template.bad_placeholder", name=name[:40], known=_known())


def _known() -> str:
    return ", ".join("{" + p + "}" for p in PLACEHOLDERS)


async def save_template(
    ctx: Context, tenant: Tenant, name: object, body: object, *, new: bool
) -> Template:
    """Add a template (``new``) or change an existing one."""
    name = template_name(name)
    text = validate.text(body, "template", MAX_TEMPLATE)
    check_placeholders(text)
    existing = await Template.get(tenant.id, name)
    if new and existing:
        raise conflict("template.exists", name=name)
    if not new and existing is None:
        raise not_found("template.unknown", name=name)
    template = Template(tenant.id, name, text, ctx.clock.now_ms())
    await template.save()
    return template


async def get_template(tenant: Tenant, name: object) -> Template:
    found = await Template.get(tenant.id, name) if isinstance(name, str) else None
    if found is None:
        raise not_found("template.unknown", name=str(name)[:40])
    return found


async def remove_template(tenant: Tenant, name: object) -> Template:
    template = await get_template(tenant, name)
    await template.delete()
    return template


def fill(template: Template, values: dict[str, Any]) -> str:
    return template.body.format_map(values)


# Clients: tags and notes


async def set_tag(
    tenant: Tenant, client: Client, value: object, on: bool, viewer: OperatorSettings | None
) -> str:
    """Tag or untag a client; ``viewer`` is the operator's settings (None: an admin)."""
    require_notes(viewer)
    name = permissions.tag(value)
    if not await ClientRecord.set_tag(client.id, name, on):
        raise conflict("tag.has" if on else "tag.hasnt", tag=name)
    return name


async def add_client_note(
    ctx: Context,
    client: Client,
    author: UserID,
    body: object,
    viewer: OperatorSettings | None,
) -> None:
    """A note on the client's card; ``viewer`` is the author's settings (None: an admin)."""
    require_notes(viewer)
    text = validate.text(body, "note", MAX_NOTE)
    await ClientRecord.add_note(client.id, author, text, ctx.clock.now_ms())


def require_notes(settings: OperatorSettings | None) -> None:
    """Tags and notes on clients are for admins and operators with see-notes=on."""
    if settings is not None and not settings.see_notes:
        raise forbidden("perm.no_notes")


# Categories


def category_path(value: object) -> str:
    """``A > B > C`` (also written with ``/`` or ``>``), one to three names."""
    if not isinstance(value, str) or not value.strip():
        raise Refusal("bad.name_empty", what="category")
    parts = [p.strip() for p in re.split(r"\s*(?:>|/)\s*", value.strip())]
    if len(parts) > MAX_DEPTH:
        raise Refusal("category.too_deep", depth=len(parts), max=MAX_DEPTH)
    return SEPARATOR.join(validate.name(part, "category") for part in parts)


async def add_category(tenant: Tenant, value: object) -> Category:
    path = category_path(value)
    existing = await Category.by_path(tenant.id, path)
    if existing and existing.removed_at is None:
        raise conflict("category.exists", path=path)
    parts = path.split(SEPARATOR)
    for depth in range(1, len(parts)):
        await Category.put(tenant.id, SEPARATOR.join(parts[:depth]))
    return await Category.put(tenant.id, path)


async def find_category(tenant: Tenant, value: object) -> Category:
    path = category_path(value)
    found = await Category.by_path(tenant.id, path)
    if found is None or found.removed_at is not None:
        raise not_found("category.unknown", path=path)
    return found


async def remove_category(ctx: Context, tenant: Tenant, value: object) -> Category:
    category = await find_category(tenant, value)
    below = [c for c in await Category.all(tenant.id) if c.path.startswith(category.path + " >")]
    if below:
        raise conflict("category.has_children", path=category.path, count=len(below))
    await category.remove(ctx.clock.now_ms())
    return category


async def category_label(case: Case) -> str:
    found = await Category.get(case.category_id) if case.category_id else None
    return found.path if found else ""


# Cases: category, notes, tickets


async def set_case_category(tenant: Tenant, case: Case, value: object) -> Category:
    category = await find_category(tenant, value)
    case.category_id = category.id
    await case.save()
    return category


async def add_case_note(ctx: Context, case: Case, author: UserID, body: object) -> None:
    await CaseNote.add(case.id, author, validate.text(body, "note", MAX_NOTE), ctx.clock.now_ms())


async def open_ticket(
    ctx: Context, case: Case, author: UserID, title: object, text: object = None
) -> Ticket:
    """A ticket with a title and, if given, a text."""
    heading = validate.text(title, "title", 200)
    body = validate.text(text, "text", MAX_NOTE) if text not in (None, "") else ""
    return await Ticket.open_new(
        case.tenant_id, case.id, heading, body, author, ctx.clock.now_ms()
    )


async def find_ticket(
    tenant: Tenant, number: object, settings: OperatorSettings | None
) -> tuple[Ticket, Case]:
    """A ticket the viewer may see, with its case; others are "unknown" to them."""
    value = validate.number(number, "ticket number")
    ticket = await Ticket.by_number(tenant.id, value)
    case = await Case.get(ticket.case_id) if ticket else None
    if (
        ticket is None
        or case is None
        or not await permissions.may_see(settings, case.client_id, case.nominee)
    ):
        raise not_found("ticket.unknown", number=value)
    return ticket, case


async def set_ticket_status(ctx: Context, ticket: Ticket, status: str) -> None:
    if status not in (OPEN, CLOSED):
        raise Refusal("ticket.bad_status", value=status[:20])
    if ticket.status == status:
        raise conflict(f"ticket.already_{status}", number=ticket.number)
    ticket.status = status
    ticket.closed_at = ctx.clock.now_ms() if status == CLOSED else None
    await ticket.save()


async def visible_tickets(
    tenant: Tenant, settings: OperatorSettings | None, status: str | None
) -> list[tuple[Ticket, Case]]:
    found = []
    for ticket in await Ticket.of_tenant(tenant.id, status):
        case = await Case.get(ticket.case_id)
        if case and await permissions.may_see(settings, case.client_id, case.nominee):
            found.append((ticket, case))
    return found


async def client_record(
    client: Client, settings: OperatorSettings | None
) -> tuple[list[str], list[Note] | None]:
    """A client's tags, and their notes where the viewer may read them (else None)."""
    tags = await ClientRecord.tags(client.id)
    if settings is not None and not settings.see_notes:
        return tags, None
    return tags, await ClientRecord.notes(client.id)


async def client_card(
    tenant: Tenant, client: Client, case: Case | None, settings: OperatorSettings | None
) -> str:
    """What the viewer may know of the client: alias, tags, notes and intake answer, each
    only where their settings allow it. Never the client's Matrix ID."""
    lang: Lang = tenant.language
    tags, notes = await client_record(client, settings)
    lines = [t(lang, "client.card", alias=client.alias or client.nickname or "?")]
    lines.append(t(lang, "client.card_tags", tags=", ".join(tags) or "-"))
    if notes is None:
        lines.append(t(lang, "client.card_notes_hidden"))
    else:
        lines.append(t(lang, "client.card_notes", count=len(notes)))
        lines += [f"  - {note.body}" for note in notes[-10:]]
    if case is not None and case.intake_answer:
        if settings is not None and not settings.see_intake:
            lines.append(t(lang, "client.card_intake_hidden"))
        else:
            lines.append(t(lang, "client.card_intake", answer=case.intake_answer))
    return "\n".join(lines)
