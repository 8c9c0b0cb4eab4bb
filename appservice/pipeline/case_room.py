"""An operator's event in the case room of their case, on its way to the client."""

from __future__ import annotations

from typing import Any

from mautrix.types import EventID, RoomID

from .. import caseroom, leak, relay
from ..context import Context
from ..db import Case, Client, EventMap, NoticeSent, OperatorSettings, Package
from ..db.tenant import Tenant
from ..i18n import t
from ..services import letters


async def on_operator_event(ctx: Context, tenant: Tenant, case: Case, raw: dict[str, Any]) -> None:
    client = await Client.get(case.client_id)
    if client is None or not client.room_id or case.case_room is None:
        return
    if tenant.suspended:
        if await NoticeSent.claim(case.case_room, "suspended", str(tenant.suspended_at)):
            await ctx.bot.notice(case.case_room, t(tenant.language, "case.suspended_operator"))
        return
    if tenant.halted:
        if await NoticeSent.claim(case.case_room, "halt", str(tenant.halted_at)):
            await ctx.bot.notice(case.case_room, t(tenant.language, "routing.halted_operator"))
        return
    event_type = raw["type"]
    assert case.operator_id is not None
    settings = await OperatorSettings.get(tenant.id, case.operator_id)
    refusal = _refusal(settings, raw)
    if refusal is not None:
        if event_type != "m.room.redaction":
            await ctx.bot.reply(
                case.case_room, EventID(raw["event_id"]), t(tenant.language, refusal)
            )
        return
    if event_type == "m.room.redaction":
        # The desk created the client's room, so it may redact any copy, whoever sent it; an
        # operator takes back their own messages only, never the client's.
        redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
        if await relay.relay_redaction(ctx.desk(tenant.slug), redacted, client.room_id):
            await EventMap.forget_body(EventID(redacted))
        return
    content = raw.get("content", {})
    if not content:
        return  # nothing left of it (redacted before it was handled)
    speaker, speaker_name = await caseroom.operator_voice(ctx, tenant, case, client, settings)
    to = caseroom.client_side(ctx, tenant, case, client, speaker_name)
    own_edit = await relay.own_edit(ctx.az.intent, case.case_room, content, case.operator_id)
    # The leak filter first: a refused event is not numbered as a letter's reply either.
    checked = leak.filter_event(event_type, content, to, own_edit=own_edit)
    if isinstance(checked, leak.Refusal):
        await _refuse(ctx, tenant, case.case_room, raw, checked)
        return
    package = await Package.current_for(client.id) if event_type == "m.room.message" else None
    reply_number = 0
    if package is not None and package.operator_id == case.operator_id:
        # Numbered as the client will read it: the mark goes before the filtered text.
        filtered = {**raw, "content": checked.content}
        numbered = await letters.operator_reply(ctx, tenant, package, case, filtered)
        if numbered is None:
            return
        content, reply_number = numbered
    sent = await relay.relay(
        speaker,
        case.id,
        case.case_room,
        EventID(raw["event_id"]),
        event_type,
        content,
        client.room_id,
        to,
        own_edit=own_edit,
        sent_at=raw.get("origin_server_ts"),
    )
    if isinstance(sent, leak.Refusal):
        await _refuse(ctx, tenant, case.case_room, raw, sent)
        return
    if sent and event_type == "m.room.message":
        await caseroom.answered(ctx, case)
    if sent and package is not None and reply_number:
        await letters.reply_sent(
            ctx, tenant, package, case, EventID(raw["event_id"]), reply_number
        )


async def _refuse(
    ctx: Context, tenant: Tenant, room_id: RoomID, raw: dict[str, Any], refusal: leak.Refusal
) -> None:
    text = relay.refusal_text(tenant.language, refusal)
    await ctx.bot.reply(room_id, EventID(raw["event_id"]), text)


def _refusal(settings: OperatorSettings, raw: dict[str, Any]) -> str | None:
    """Why the operator's event may not reach the client (a message key), or None."""
    if not settings.may_send:
        return "perm.view_only"
    if settings.templates_only and raw["type"] in ("m.room.message", "m.sticker"):
        return "perm.templates_only"  # free text, edits and files alike
    return None
