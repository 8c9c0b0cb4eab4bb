"""What the pipeline asks before it copies an event of a case whose client holds a package:
the client's letter (its length, its counselor, its case) and the counselor's reply (numbered
n/N, or refused)."""

from __future__ import annotations

import html
import logging
from typing import Any

from mautrix.types import EventID, RoomID

from ... import caseroom
from ...bot import send_notice, txn_for
from ...context import Context
from ...db import Case, Client, Package, Tenant
from ...db.case import ASSIGNED, WAITING
from ...db.package import ACTIVE, DONE, PENDING
from ...i18n import Lang, t
from ..errors import Refusal
from .continuing import ask_to_continue
from .due import start_due
from .showing import due_day_text, label, numbering

log = logging.getLogger("soudan.letters")

TEXT_TYPES = ("m.text", "m.notice", "m.emote")


def letter_text(content: dict[str, Any]) -> str | None:
    new_content = content.get("m.new_content")
    source = new_content if isinstance(new_content, dict) else content
    body = source.get("body")
    return body if isinstance(body, str) and source.get("msgtype") in TEXT_TYPES else None


def too_long(package: Package, content: dict[str, Any]) -> int | None:
    """The length of a letter over the package's limit (in characters), or None."""
    text = letter_text(content)
    return len(text) if text is not None and len(text) > package.char_limit else None


async def before_client_letter(
    ctx: Context,
    tenant: Tenant,
    client: Client,
    package: Package,
    case: Case | None,
    raw: dict[str, Any],
) -> Case | None:
    """The case a client's letter goes to (opened and given to the counselor if need be), or
    None when the letter is refused (the client has been told why) or is an edit of a letter
    whose case is over."""
    room = RoomID(raw["room_id"])
    length = too_long(package, raw.get("content", {}))
    if length is not None:
        await send_notice(
            ctx.desk(tenant.slug),
            room,
            t(tenant.language, "letters.too_long_client", length=length, limit=package.char_limit),
            txn_id=txn_for(raw["event_id"], "letters-too-long"),
            reply_to=EventID(raw["event_id"]),
        )
        return None
    if package.operator_id is None:
        await send_notice(
            ctx.desk(tenant.slug),
            room,
            t(tenant.language, "letters.choose_counselor"),
            txn_id=txn_for(raw["event_id"], "letters-choose"),
            reply_to=EventID(raw["event_id"]),
        )
        return None
    if case is None:
        if "m.new_content" in raw.get("content", {}):
            return None
        case = await Case.open_new(tenant.id, client.id, ctx.clock.now_ms())
        log.info("Case %s of tenant %s opened for a letter", case.number, tenant.slug)
    if case.status == WAITING:
        # Letters are not chat: they go to the counselor of the package whatever the hours.
        await caseroom.assign(ctx, tenant, case, package.operator_id)
    elif case.status == ASSIGNED and case.operator_id != package.operator_id:
        # A chat case still open with someone else: the package's counselor takes it over.
        try:
            await caseroom.transfer(ctx, tenant, case, package.operator_id)
        except Refusal as refusal:
            log.warning("Case %s stays with its operator: %s", case.number, refusal.key)
    return case


async def client_letter_relayed(
    ctx: Context, tenant: Tenant, package: Package, case: Case, raw: dict[str, Any]
) -> None:
    """A client's new letter reached the case: the counselor's time starts, unless an earlier
    letter is still unanswered."""
    content = raw.get("content", {})
    if "m.new_content" in content or package.letter_at is not None:
        return
    if case.operator_id != package.operator_id:
        return
    now = ctx.clock.now_ms()
    if package.status != ACTIVE:
        package.letter_at = now
        await package.save()
        return
    await start_due(ctx, tenant, package, now)
    if case.case_room:
        await ctx.bot.notice(
            case.case_room,
            t(
                tenant.language,
                "letters.received",
                package=label(package.number),
                number=numbering(tenant.language, package.sent + 1, package.replies),
                due=due_day_text(tenant, package.due_at or now),
            ),
            txn_id=txn_for(raw["event_id"], "letters-received"),
        )


async def operator_reply(
    ctx: Context, tenant: Tenant, package: Package, case: Case, raw: dict[str, Any]
) -> tuple[dict[str, Any], int] | None:
    """The content to relay for a counselor's message in a letter case, with its reply number
    (0: not a numbered reply); None when it is refused (the case room says why)."""
    assert case.case_room
    content = raw.get("content", {})
    lang = tenant.language
    event_id = EventID(raw["event_id"])
    length = too_long(package, content)  # an edit too: it must fit like the reply it changes
    if length is not None:
        text = t(lang, "letters.too_long_operator", length=length, limit=package.char_limit)
        await _refuse(ctx, case, event_id, text)
        return None
    relates = content.get("m.relates_to")
    if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
        numbered = await Package.reply_number(EventID(str(relates.get("event_id"))))
        if numbered is None:
            return content, 0
        return _numbered(lang, content, *numbered), 0
    known = await Package.reply_number(event_id)  # a retry of a reply already numbered
    if known is not None:
        return _numbered(lang, content, *known), known[0]
    status_refusal = {PENDING: "letters.wait_payment", DONE: "letters.package_done"}
    if package.status in status_refusal:
        await _refuse(
            ctx,
            case,
            event_id,
            t(lang, status_refusal[package.status], package=label(package.number)),
        )
        return None
    if letter_text(content) is None:
        return content, 0  # a file or picture goes along with a reply, unnumbered
    n = await package.number_reply(event_id, ctx.clock.now_ms())
    if n is None:
        await _refuse(
            ctx, case, event_id, t(lang, "letters.package_done", package=label(package.number))
        )
        return None
    return _numbered(lang, content, n, package.replies), n


async def _refuse(ctx: Context, case: Case, event_id: EventID, text: str) -> None:
    assert case.case_room
    await ctx.bot.reply(case.case_room, event_id, text)


def _numbered(lang: Lang, content: dict[str, Any], n: int, total: int) -> dict[str, Any]:
    mark = numbering(lang, n, total)
    out = dict(content)
    target = dict(out["m.new_content"]) if isinstance(out.get("m.new_content"), dict) else out
    target["body"] = f"{mark}\n{target.get('body', '')}"
    if isinstance(target.get("formatted_body"), str):
        target["formatted_body"] = f"{html.escape(mark)}<br>{target['formatted_body']}"
    if target is not out:
        out["m.new_content"] = target
        out["body"] = f"* {target['body']}"
    return out


async def reply_sent(
    ctx: Context, tenant: Tenant, package: Package, case: Case, event_id: EventID, n: int
) -> None:
    """Reply ``n`` reached the client: its due time is over, and after the last one the
    client is asked whether to continue."""
    lang = tenant.language
    now = ctx.clock.now_ms()
    package.letter_at = None
    package.due_at = None
    final = n == package.replies
    if final and package.status == ACTIVE:
        package.status = DONE
        package.completed_at = now
    await package.save()
    assert case.case_room
    key = "letters.reply_sent_final" if final else "letters.reply_sent"
    await send_notice(
        ctx.az.intent,
        case.case_room,
        t(lang, key, number=numbering(lang, n, package.replies), package=label(package.number)),
        txn_id=txn_for(event_id, "letters-sent"),
        reply_to=event_id,
    )
    if final:
        await ask_to_continue(ctx, tenant, package)
