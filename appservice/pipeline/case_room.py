"""An operator's event in the case room of their case, on its way to the client."""

from __future__ import annotations

from typing import Any

from mautrix.types import EventID

from .. import caseroom, relay
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
        # The desk created the client's room, so it may redact any copy, whoever sent it.
        redacted = raw.get("redacts") or raw.get("content", {}).get("redacts")
        if redacted:
            await EventMap.forget_body(EventID(redacted))
        await relay.relay_redaction(ctx.desk(tenant.slug), redacted, client.room_id)
        return
    content = raw.get("content", {})
    if (
        event_type == "m.room.message"
        and content.get("msgtype") not in relay.RELAYED_MESSAGE_TYPES
    ):
        return
    if event_type not in ("m.room.message", "m.reaction"):
        return
    package = await Package.current_for(client.id) if event_type == "m.room.message" else None
    reply_number = 0
    if package is not None and package.operator_id == case.operator_id:
        numbered = await letters.operator_reply(ctx, tenant, package, case, raw)
        if numbered is None:
            return
        content, reply_number = numbered
    speaker, _ = await caseroom.operator_voice(ctx, tenant, case, client, settings)
    sent = await relay.relay(
        speaker,
        case.id,
        case.case_room,
        EventID(raw["event_id"]),
        event_type,
        content,
        client.room_id,
        raw.get("origin_server_ts"),
    )
    if sent and event_type == "m.room.message":
        await caseroom.answered(ctx, case)
    if sent and package is not None and reply_number:
        await letters.reply_sent(
            ctx, tenant, package, case, EventID(raw["event_id"]), reply_number
        )


def _refusal(settings: OperatorSettings, raw: dict[str, Any]) -> str | None:
    """Why the operator's event may not reach the client (a message key), or None."""
    if not settings.may_send:
        return "perm.view_only"
    if settings.templates_only and raw["type"] == "m.room.message":
        return "perm.templates_only"  # free text, edits and files alike
    return None
