"""Monthly statement commands: list, make and send, send the files again, and record the
payment (admin room); a counselor lists their own and gets their files again in their private
room. The monthly run makes and sends them by itself (services/statements)."""

from __future__ import annotations

from mautrix.types import UserID

from .. import i18n
from ..services import statements
from .handler import CommandEvent, Place, UsageError, command

ADMIN, PRIVATE = Place.ADMIN, Place.PRIVATE
SHOWN = 100


def _own(evt: CommandEvent) -> UserID | None:
    """Outside the admin room a counselor sees only their own statements."""
    return None if evt.place == ADMIN else evt.sender


@command("statements", (ADMIN, PRIVATE), "statements")
async def list_statements(evt: CommandEvent) -> None:
    if len(evt.args) > 1:
        raise UsageError
    month = evt.args[0] if evt.args else None
    found = await statements.visible(evt.the_tenant, month, _own(evt))
    if not found:
        await evt.reply(evt.t("statements.none"))
        return
    lines = [evt.t("statements.header", count=len(found))]
    for statement in found[-SHOWN:]:
        lines.append(
            evt.t(
                "statements.line",
                statement=statements.label(statement.number),
                operator=statement.operator_id,
                month=statement.month,
                status=evt.t(f"statements.status.{statement.status}"),
                total=i18n.money(evt.lang, statement.total, statement.currency),
                count=len(statement.lines),
            )
        )
    await evt.reply("\n".join(lines))


@command("statement-make", ADMIN, "statements")
async def statement_make(evt: CommandEvent) -> None:
    if len(evt.args) != 2:
        raise UsageError
    tenant = evt.the_tenant
    statement = await statements.make(evt.ctx, tenant, evt.args[0], evt.args[1])
    await statements.send(evt.ctx, tenant, statement)
    await evt.reply(evt.t("statements.sent", statement=statements.label(statement.number)))


@command("statement", (ADMIN, PRIVATE), "statements")
async def statement_files(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    tenant = evt.the_tenant
    statement = await statements.find(tenant, evt.args[0], _own(evt))
    await evt.reply(statements.notice(tenant, statement, "statements.made"))
    await statements.post_files(evt.ctx, tenant, statement, evt.room_id, evt.event_id)


@command("statement-paid", ADMIN, "statements")
async def statement_paid(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    statement = await statements.mark_paid(evt.ctx, evt.the_tenant, evt.args[0])
    await evt.reply(evt.t("statements.paid", statement=statements.label(statement.number)))
