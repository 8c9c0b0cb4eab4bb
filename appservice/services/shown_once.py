"""Secrets shown in a room do not stay there.

A message that shows a password is redacted once the admin it answers has read it (a read
receipt on it or on a later event of the room) or after ten minutes, whichever comes first.
Voucher files leave the media store after a day, or as soon as they are fetched through the
provisioning API, and the messages that posted them are redacted. Each of these is a timer row,
so a restart in between loses none; a read receipt only brings a redaction forward.

Redacted events keep their content in Synapse's database for its ``redaction_retention_period``
(the homeserver snippet shortens it); every client, admins included, is served the pruned event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from mautrix.errors import MatrixError, MatrixRequestError
from mautrix.types import ContentURI, EventID, RoomID, UserID

from ..context import Context
from ..db import Tenant, Timer
from ..i18n import Lang, t
from .errors import Refusal, not_found

log = logging.getLogger("soudan.shown_once")

REDACT = "secret_redaction"
VOUCHER_FILE = "voucher_file_expiry"
REDACT_AFTER_MIN = 10
VOUCHER_FILE_HOURS = 24
# A redaction the homeserver did not take is tried again, for about a day.
RETRY_S = 60
RETRIES = 1440


async def redact_when_read(
    ctx: Context, room_id: RoomID, event_id: EventID, reader: UserID, lang: Lang
) -> None:
    """The message ``event_id`` shows a secret to ``reader``: it goes when read, or soon."""
    due = ctx.clock.now_ms() + REDACT_AFTER_MIN * 60_000
    payload = {"room_id": room_id, "event_id": event_id, "reader": reader, "lang": lang}
    await ctx.scheduler.add(REDACT, due, payload)


def vanishing_note(lang: Lang) -> str:
    """The line under a message that shows a secret, saying when it goes."""
    return t(lang, "secret.vanishes", minutes=REDACT_AFTER_MIN)


async def _later_or_same(
    ctx: Context, room_id: RoomID, read: EventID, secret: EventID, receipt: dict[str, Any]
) -> bool:
    if read == secret:
        return True
    # A receipt in a thread says nothing about the main timeline, where the secret is.
    if receipt.get("thread_id") not in (None, "main"):
        return False
    try:
        read_event = await ctx.bot.intent.get_event(room_id, read)
        secret_event = await ctx.bot.intent.get_event(room_id, secret)
    except MatrixError as e:
        log.debug("Could not compare a receipt with a secret's message: %s", e)
        return False
    return read_event.timestamp > secret_event.timestamp


async def _redact(ctx: Context, room_id: RoomID, event_id: EventID, lang: Lang) -> None:
    await ctx.bot.intent.redact(room_id, event_id, reason=t(lang, "secret.redacted"))


async def on_receipt(ctx: Context, room_id: RoomID, content: dict[str, Any]) -> None:
    """A read receipt (``m.receipt`` content): redact the secrets its reader has now read."""
    for timer in await Timer.pending(REDACT):
        if timer.payload["room_id"] != room_id:
            continue
        reader, secret = timer.payload["reader"], timer.payload["event_id"]
        for read, kinds in content.items():
            receipt = (kinds.get("m.read") or {}).get(reader)
            if not isinstance(receipt, dict):
                continue
            if await _later_or_same(ctx, room_id, EventID(read), secret, receipt):
                try:
                    await _redact(ctx, room_id, secret, timer.payload["lang"])
                except MatrixError as e:
                    log.warning("Could not redact a read secret now (the timer will): %s", e)
                    break
                await timer.finish(ctx.clock.now_ms())
                log.info("Redacted a secret in %s once it was read", room_id)
                break


async def _retry(ctx: Context, timer: Timer, error: Exception) -> None:
    attempt = int(timer.payload.get("attempt", 0)) + 1
    if attempt > RETRIES:
        log.error("Gave up removing a secret (%s) in %s: %s", timer.kind, timer.payload, error)
        return
    log.warning("Could not remove a secret (%s); trying again: %s", timer.kind, error)
    await ctx.scheduler.add(
        timer.kind, ctx.clock.now_ms() + RETRY_S * 1000, {**timer.payload, "attempt": attempt}
    )


def _gone(error: Exception) -> bool:
    """The event or its room is not there to redact any more: nothing is left to do."""
    return isinstance(error, MatrixRequestError) and error.http_status in (403, 404)


async def on_redact(ctx: Context, timer: Timer) -> None:
    room_id, event_id = RoomID(timer.payload["room_id"]), EventID(timer.payload["event_id"])
    try:
        await _redact(ctx, room_id, event_id, timer.payload["lang"])
    except Exception as e:  # any failure leaves the secret: try again
        if not _gone(e):
            await _retry(ctx, timer, e)
        return
    log.info("Redacted a secret in %s after %d minutes", room_id, REDACT_AFTER_MIN)


# Voucher files


@dataclass(frozen=True)
class VoucherFile:
    data: bytes
    name: str
    mime: str


async def post_voucher_file(
    ctx: Context, tenant: Tenant, data: bytes, name: str, mime: str
) -> ContentURI:
    """Post a voucher file in the tenant's admin room; it leaves the media store in a day
    (or once fetched through the API). Returns its mxc URI."""
    assert tenant.admin_room
    uri, event_id = await ctx.bot.post_file(tenant.admin_room, data, name, mime)
    due = ctx.clock.now_ms() + VOUCHER_FILE_HOURS * 3600_000
    payload = {
        "tenant_id": tenant.id,
        "room_id": tenant.admin_room,
        "event_id": event_id,
        "uri": uri,
        "name": name,
        "mime": mime,
        "lang": tenant.language,
    }
    await ctx.scheduler.add(VOUCHER_FILE, due, payload)
    return uri


def files_note(lang: Lang) -> str:
    return t(lang, "secret.files_vanish", hours=VOUCHER_FILE_HOURS)


def media_id(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


async def _remove_file(ctx: Context, payload: dict[str, Any]) -> None:
    await ctx.bot.delete_media(ContentURI(payload["uri"]))
    await _redact(ctx, RoomID(payload["room_id"]), EventID(payload["event_id"]), payload["lang"])


async def on_voucher_file(ctx: Context, timer: Timer) -> None:
    try:
        await _remove_file(ctx, timer.payload)
    except Exception as e:  # any failure leaves the file: try again
        if not _gone(e):
            await _retry(ctx, timer, e)
        return
    log.info("Removed a voucher file after %d hours", VOUCHER_FILE_HOURS)


async def take_voucher_file(ctx: Context, tenant: Tenant, file_id: object) -> VoucherFile:
    """A voucher file of the tenant, handed out once: it leaves the media store and its
    message is redacted as it is fetched."""
    found = None
    if isinstance(file_id, str):
        for timer in await Timer.pending(VOUCHER_FILE):
            payload = timer.payload
            if payload["tenant_id"] == tenant.id and media_id(payload["uri"]) == file_id:
                found = timer
                break
    if found is None:
        raise not_found("voucher.file_gone")
    payload = found.payload
    try:
        data = await ctx.bot.intent.download_media(ContentURI(payload["uri"]))
    except Exception as e:  # aiohttp's errors or the homeserver's
        if getattr(e, "status", None) == 404:
            await found.finish(ctx.clock.now_ms())
            raise not_found("voucher.file_gone") from e
        log.warning("Could not fetch a voucher file from the media store: %s", e)
        raise Refusal("voucher.file_failed", status=502, errcode="SOUDAN_HOMESERVER_ERROR") from e
    await found.finish(ctx.clock.now_ms())
    try:
        await _remove_file(ctx, payload)
    except Exception as e:  # the timer of a day takes over
        log.warning("Could not remove a fetched voucher file now: %s", e)
        await _retry(ctx, found, e)
    return VoucherFile(data, payload["name"], payload["mime"])


TIMER_HANDLERS: dict[str, Any] = {REDACT: on_redact, VOUCHER_FILE: on_voucher_file}
