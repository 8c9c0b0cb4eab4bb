"""Staff room and case room commands: the queue, taking, handing over and closing cases."""

from __future__ import annotations

from .. import caseroom
from ..db import Case, OperatorSettings
from ..services import routing
from .handler import CommandEvent, Place, UsageError, command


@command("queue", Place.STAFF, "cases")
async def queue(evt: CommandEvent) -> None:
    tenant = evt.the_tenant
    settings = await OperatorSettings.get(tenant.id, evt.sender)
    waiting = await caseroom.queue(tenant, settings)
    now = evt.ctx.clock.now_ms()
    lines = [
        evt.t(
            "case.queue_line",
            number=case.number,
            alias=client.alias if client else "?",
            minutes=(now - case.opened_at) // 60000,
        )
        for case, client in waiting
    ]
    text = "\n".join(lines) or evt.t("case.queue_empty")
    await evt.reply_naming_clients(text, "case.queue_private")


async def _take(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    case = await caseroom.take(evt.ctx, evt.the_tenant, evt.arg(0), evt.sender)
    await evt.reply(evt.t("case.taken", number=case.number))


command("take", Place.STAFF, "cases")(_take)
command("担当する", Place.STAFF, "cases")(_take)


async def _own_case(evt: CommandEvent) -> Case:
    case = await Case.by_room(evt.room_id)
    assert case is not None, "a case command ran outside a case room"
    return case


@command("close", Place.CASE, "cases")
async def close(evt: CommandEvent) -> None:
    if evt.args:
        raise UsageError
    await caseroom.close(evt.ctx, evt.the_tenant, await _own_case(evt))


@command("transfer", Place.CASE, "cases")
async def transfer(evt: CommandEvent) -> None:
    if len(evt.args) != 1:
        raise UsageError
    case = await _own_case(evt)
    await routing.transfer(evt.ctx, evt.the_tenant, case, evt.arg(0), reply_to=evt.event_id)


@command("persona", Place.STAFF, "cases")
async def persona(evt: CommandEvent) -> None:
    if not evt.args:
        raise UsageError
    if evt.args == ["official"]:
        await caseroom.set_persona(evt.ctx, evt.the_tenant, evt.sender, None)
        await evt.reply(evt.t("persona.official"))
        return
    if evt.arg(0) != "personal" or len(evt.args) < 2:
        raise UsageError
    chosen = await caseroom.set_persona(evt.ctx, evt.the_tenant, evt.sender, evt.rest(1))
    await evt.reply(evt.t("persona.personal", name=chosen.name if chosen else ""))
