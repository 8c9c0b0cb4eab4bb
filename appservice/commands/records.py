"""Commands for operator permissions, templates, client and case records, and the history."""

from __future__ import annotations

from datetime import datetime

from mautrix.types import RoomID

from .. import caseroom, i18n
from ..db import Case, CaseNote, Category, Client, EventMap, OperatorSettings, Template
from ..db.records import Note
from ..hours import zone
from ..services import history, notify, permissions, records, validate
from ..services.clients import find_client
from ..services.errors import not_found
from .handler import CommandEvent, Place, UsageError, command

ADMIN, STAFF, CASE, PRIVATE = Place.ADMIN, Place.STAFF, Place.CASE, Place.PRIVATE


async def _viewer(evt: CommandEvent) -> OperatorSettings | None:
    """None in the admin room (the whole tenant); the operator's settings elsewhere."""
    if evt.place == ADMIN:
        return None
    return await OperatorSettings.get(evt.the_tenant.id, evt.sender)


async def _case_here(evt: CommandEvent) -> Case:
    case = await Case.by_room(evt.room_id)
    assert case is not None, "a case command ran outside a case room"
    return case


def _when(evt: CommandEvent, ms: int | None) -> str:
    if ms is None:
        return "-"
    return i18n.moment(evt.lang, datetime.fromtimestamp(ms / 1000, zone(evt.the_tenant.timezone)))


# Operator permissions


def _settings_text(evt: CommandEvent, settings: OperatorSettings) -> str:
    values = permissions.as_dict(settings)
    values["scope"] = (
        f"tags:{','.join(settings.scope_tags)}" if settings.scope == "tags" else settings.scope
    )
    del values["tags"]
    lines = [evt.t("perm.header", user_id=settings.user_id)]
    for key, value in values.items():
        if key != "user_id":
            shown = ("on" if value else "off") if isinstance(value, bool) else value
            lines.append(f"  {key.replace('_', '-')}={shown}")
    return "\n".join(lines)


@command("operator-settings", ADMIN, "permissions")
async def operator_settings(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    settings = await permissions.operator_settings(tenant, evt.arg(0))
    if len(evt.args) > 1:
        settings = await notify.change_settings(evt.ctx, tenant, settings, evt.pairs(1))
    await evt.reply(_settings_text(evt, settings))


@command("my-settings", (STAFF, PRIVATE), "permissions")
async def my_settings(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    await evt.reply(_settings_text(evt, await OperatorSettings.get(evt.the_tenant.id, evt.sender)))


@command("private", STAFF, "permissions")
async def private(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    tenant = evt.the_tenant
    settings = await OperatorSettings.get(tenant.id, evt.sender)
    await notify.private_room(evt.ctx, tenant, settings)
    await evt.reply(evt.t("private.opened"))


@command("assign", ADMIN, "cases")
async def assign(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    case = await caseroom.give(evt.ctx, evt.the_tenant, evt.arg(0), evt.arg(1))
    await evt.reply(evt.t("case.given", number=case.number, user_id=case.operator_id))


# Templates


@command("templates", (ADMIN, STAFF, CASE, PRIVATE), "templates")
async def templates(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    found = await Template.all(evt.the_tenant.id)
    if not found:
        await evt.reply(evt.t("template.none"))
        return
    lines = [evt.t("template.list", count=len(found))]
    lines += [f"  {tpl.name}: {tpl.body[:80]}" for tpl in found]
    await evt.reply("\n".join(lines))


@command("template-add", ADMIN, "templates")
async def template_add(evt: CommandEvent) -> None:
    template = await records.save_template(
        evt.ctx, evt.the_tenant, evt.arg(0), evt.rest(1), new=True
    )
    await evt.reply(evt.t("template.added", name=template.name))


@command("template-edit", ADMIN, "templates")
async def template_edit(evt: CommandEvent) -> None:
    template = await records.save_template(
        evt.ctx, evt.the_tenant, evt.arg(0), evt.rest(1), new=False
    )
    await evt.reply(evt.t("template.edited", name=template.name))


@command("template-remove", ADMIN, "templates")
async def template_remove(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    template = await records.remove_template(evt.the_tenant, evt.arg(0))
    await evt.reply(evt.t("template.removed", name=template.name))


@command("t", CASE, "templates")
async def send_template(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    case = await _case_here(evt)
    await caseroom.send_template(
        evt.ctx, evt.the_tenant, case, evt.sender, evt.arg(0), evt.event_id
    )


# Clients: the card, tags and notes


async def _client_of(evt: CommandEvent, args: int) -> tuple[Client, Case | None, int]:
    """The client named in the admin room (first argument), or the client of this case room;
    with the index of the first argument after it."""
    if evt.place == ADMIN:
        if len(evt.args) < args + 1:
            raise UsageError
        return await find_client(evt.the_tenant, evt.arg(0)), None, 1
    if len(evt.args) < args:
        raise UsageError
    case = await _case_here(evt)
    client = await Client.get(case.client_id)
    assert client is not None
    return client, case, 0


@command("client", (ADMIN, CASE), "records")
async def client_card(evt: CommandEvent) -> None:
    client, case, first = await _client_of(evt, 0)
    if len(evt.args) != first:
        raise UsageError
    settings = await _viewer(evt)
    await evt.reply(await records.client_card(evt.the_tenant, client, case, settings))


@command("client-tag", (ADMIN, CASE), "records")
async def client_tag(evt: CommandEvent) -> None:
    client, _, first = await _client_of(evt, 2)
    if len(evt.args) != first + 2 or evt.arg(first) not in ("add", "remove"):
        raise UsageError
    on = evt.arg(first) == "add"
    tag = await records.set_tag(evt.the_tenant, client, evt.arg(first + 1), on, await _viewer(evt))
    await evt.reply(
        evt.t("tag.added" if on else "tag.removed", tag=tag, alias=client.alias or client.label)
    )


@command("client-note", (ADMIN, CASE), "records")
async def client_note(evt: CommandEvent) -> None:
    client, _, first = await _client_of(evt, 1)
    viewer = await _viewer(evt)
    await records.add_client_note(evt.ctx, client, evt.sender, evt.rest(first), viewer)
    await evt.reply(evt.t("note.client_added", alias=client.alias or client.label))


# Categories


@command("categories", (ADMIN, STAFF, CASE, PRIVATE), "records")
async def categories(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    found = await Category.all(evt.the_tenant.id)
    if not found:
        await evt.reply(evt.t("category.none"))
        return
    lines = [evt.t("category.list")]
    for category in found:
        depth = category.path.count(records.SEPARATOR)
        lines.append("  " + "  " * depth + category.path.split(records.SEPARATOR)[-1])
    await evt.reply("\n".join(lines))


@command("category-add", ADMIN, "records")
async def category_add(evt: CommandEvent) -> None:
    category = await records.add_category(evt.the_tenant, evt.rest(0))
    await evt.reply(evt.t("category.added", path=category.path))


@command("category-remove", ADMIN, "records")
async def category_remove(evt: CommandEvent) -> None:
    category = await records.remove_category(evt.ctx, evt.the_tenant, evt.rest(0))
    await evt.reply(evt.t("category.removed", path=category.path))


@command("category", CASE, "records")
async def category(evt: CommandEvent) -> None:
    case = await _case_here(evt)
    chosen = await records.set_case_category(evt.the_tenant, case, evt.rest(0))
    await evt.reply(evt.t("category.set", number=case.number, path=chosen.path))


# Case notes and tickets


@command("note", CASE, "records")
async def note(evt: CommandEvent) -> None:
    case = await _case_here(evt)
    await records.add_case_note(evt.ctx, case, evt.sender, evt.rest(0))
    await evt.reply(evt.t("note.case_added", number=case.number))


@command("ticket", CASE, "records")
async def ticket(evt: CommandEvent) -> None:
    case = await _case_here(evt)
    title, _, text = evt.rest(0).partition("|")
    opened = await records.open_ticket(evt.ctx, case, evt.sender, title, text.strip() or None)
    await evt.reply(evt.t("ticket.opened", number=opened.number, case=case.number))


@command("tickets", (ADMIN, PRIVATE), "records")
async def tickets(evt: CommandEvent) -> None:
    if len(evt.args) > 1:
        raise UsageError
    status = evt.args[0] if evt.args else "open"
    if status not in ("open", "closed", "all"):
        raise UsageError
    found = await records.visible_tickets(
        evt.the_tenant, await _viewer(evt), None if status == "all" else status
    )
    if not found:
        await evt.reply(evt.t("ticket.none"))
        return
    lines = [
        evt.t(
            "ticket.line",
            number=t.number,
            title=t.title,
            status=evt.t(f"ticket.s.{t.status}"),
            case=case.number,
        )
        for t, case in found
    ]
    await evt.reply("\n".join(lines))


def _notes_lines(evt: CommandEvent, notes: list[Note]) -> list[str]:
    return [f"  - {_when(evt, n.created_at)} {n.body}" for n in notes]


@command("ticket-show", (ADMIN, PRIVATE), "records")
async def ticket_show(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    tenant = evt.the_tenant
    found, case = await records.find_ticket(tenant, evt.arg(0), await _viewer(evt))
    lines = [
        evt.t(
            "ticket.header",
            number=found.number,
            title=found.title,
            status=evt.t(f"ticket.s.{found.status}"),
            case=case.number,
            when=_when(evt, found.created_at),
        )
    ]
    if found.body:
        lines.append(found.body)
    lines.append(evt.t("ticket.history", case=case.number))
    client = await Client.get(case.client_id)
    room = client.room_id if client and client.room_id else RoomID("")
    for from_client, at, text in (await EventMap.transcript(case.id, room))[-30:]:
        side = evt.t("ticket.from_client" if from_client else "ticket.from_operator")
        lines.append(f"  {_when(evt, at)} {side}: {text[:300]}")
    await evt.reply("\n".join(lines))


async def _ticket_status(evt: CommandEvent, status: str) -> None:
    if len(evt.args) != 1:
        raise UsageError
    found, _ = await records.find_ticket(evt.the_tenant, evt.arg(0), await _viewer(evt))
    await records.set_ticket_status(evt.ctx, found, status)
    await evt.reply(evt.t(f"ticket.now_{status}", number=found.number))


@command("ticket-close", (ADMIN, PRIVATE), "records")
async def ticket_close(evt: CommandEvent) -> None:
    await _ticket_status(evt, records.CLOSED)


@command("ticket-reopen", (ADMIN, PRIVATE), "records")
async def ticket_reopen(evt: CommandEvent) -> None:
    await _ticket_status(evt, records.OPEN)


# The history


@command("case", (ADMIN, PRIVATE), "history")
async def show_case(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    tenant = evt.the_tenant
    settings = await _viewer(evt)
    number = validate.number(evt.arg(0), "case number")
    rows = await history.search(tenant, history.Filters(number=number), settings)
    if not rows:
        raise not_found("case.unknown", number=number)
    row = rows[0]
    case = row.case
    lines = [
        evt.t(
            "history.case",
            number=case.number,
            alias=row.alias,
            status=evt.t(f"history.status.{case.status}"),
            handled=evt.t("history.yes" if case.handled else "history.no"),
            operator=case.operator_id or "-",
            category=row.category or "-",
            rating=case.rating or "-",
            opened=_when(evt, case.opened_at),
            first=_when(evt, case.first_response_at),
            closed=_when(evt, case.closed_at),
        )
    ]
    notes = await CaseNote.of(case.id)
    if notes:
        lines.append(evt.t("history.notes"))
        lines += _notes_lines(evt, notes)
    await evt.reply("\n".join(lines))


@command("search", (ADMIN, PRIVATE), "history")
async def search(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    filters = await history.parse_filters(tenant, evt.pairs(0))
    rows = await history.search(tenant, filters, await _viewer(evt))
    if not rows:
        await evt.reply(evt.t("history.nothing"))
        return
    lines = [evt.t("history.found", count=len(rows), shown=min(len(rows), history.SHOWN))]
    for row in rows[-history.SHOWN :][::-1]:
        case = row.case
        lines.append(
            evt.t(
                "history.line",
                number=case.number,
                opened=_when(evt, case.opened_at),
                alias=row.alias,
                status=evt.t(f"history.status.{case.status}"),
                handled=evt.t("history.yes" if case.handled else "history.no"),
                category=row.category or "-",
                operator=case.operator_id or "-",
            )
        )
    await evt.reply("\n".join(lines))


@command("export", (ADMIN, PRIVATE), "history")
async def export(evt: CommandEvent) -> None:
    kind = evt.arg(0)
    settings = await _viewer(evt)
    now = evt.ctx.clock.now_ms()
    found = await history.export(evt.the_tenant, kind, evt.pairs(1), settings, now)
    await evt.ctx.bot.send_file(evt.room_id, found.data, found.name, found.mime)
    await evt.reply(evt.t("history.exported", count=found.rows, name=found.name))


@command("summary", ADMIN, "history")
async def summary(evt: CommandEvent) -> None:
    if len(evt.args) > 1:
        raise UsageError
    tenant = evt.the_tenant
    month = evt.args[0] if evt.args else history.previous_month(tenant, evt.ctx.clock.now_ms())
    await evt.reply(history.summary_text(tenant, await history.summary(tenant, month)))
