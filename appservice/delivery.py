"""Durable delivery: store each transaction, answer the homeserver, then work events off.

mautrix answers a transaction before its handlers run and remembers transaction IDs in memory
only; either loses events across a crash or a Synapse restart. Here the transaction endpoint
commits the events to the inbox table first and only then answers 200. A dispatcher reads the
inbox in order and hands each room's events to one worker for that room, so a room's events
are handled in order while rooms proceed in parallel.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from mautrix.appservice import AppService
from mautrix.errors import MatrixStandardRequestError
from mautrix.types import Event, EventType, UserID
from mautrix.util import background_task

from . import metrics
from .db import Inbox
from .relay import maybe_sent

EventHandler = Callable[[Event], Awaitable[None]]

MAX_ATTEMPTS = 5
BATCH = 500  # pending events read at a time beyond those already handed out
# Synapse gives up resending a transaction long before this; keeping a week of event IDs
# makes a late duplicate harmless without letting the table grow forever.
KEEP_HANDLED_MS = 7 * 24 * 3600 * 1000
PRUNE_EVERY_S = 3600
log = logging.getLogger("soudan.delivery")


def _error(status: int, errcode: str, error: str) -> web.HTTPException:
    cls = {400: web.HTTPBadRequest, 401: web.HTTPUnauthorized, 503: web.HTTPServiceUnavailable}
    return cls[status](
        content_type="application/json", text=json.dumps({"errcode": errcode, "error": error})
    )


class SoudanAppService(AppService):
    """An AppService whose transaction endpoint stores before it acknowledges."""

    inbox_stored: Callable[[], None]
    is_own_user: Callable[[UserID], bool]
    # Typing and receipts are not stored: they are moments, and a lost one does no harm.
    ephemeral_handler: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    # Called when transaction IDs start again from a lower number: the homeserver restarted
    # (Synapse on SQLite), and it may have dropped events it had queued for us.
    homeserver_restarted: Callable[[], None] | None = None
    _last_txn_number: int = -1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set once soudan knows its database is the one it used before: a transaction stored
        # in a wrong database would be acknowledged and so lost to the right one.
        self.database_checked = asyncio.Event()

    async def _http_handle_transaction(self, request: web.Request) -> web.Response:
        if not self._check_token(request):
            raise _error(401, "M_UNKNOWN_TOKEN", "Invalid hs_token")
        if not self.database_checked.is_set():
            try:
                await asyncio.wait_for(self.database_checked.wait(), 30)
            except TimeoutError:
                raise _error(503, "M_UNKNOWN", "soudan is starting") from None
        txn_id = request.match_info["transaction_id"]
        body = await request.read()
        try:
            data = json.loads(body)
            events = data["events"]
            if not isinstance(events, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise _error(400, "M_BAD_JSON", "Body must be JSON with an events list") from None
        if txn_id.isdigit():
            number = int(txn_id)
            if number < self._last_txn_number and self.homeserver_restarted:
                log.info("Transaction IDs started again: the homeserver restarted")
                self.homeserver_restarted()
            self._last_txn_number = number
        wanted = [event for event in events if self._wanted(event)]
        digest = hashlib.sha256(body).hexdigest()
        try:
            fresh = await Inbox.store_transaction(txn_id, digest, wanted)
        except Exception:
            # Not stored: a non-200 makes the homeserver send the transaction again later.
            log.exception("Could not store transaction %s", txn_id)
            raise _error(503, "M_UNKNOWN", "Could not store the transaction") from None
        log.debug(
            "Transaction %s: %d events, %d kept%s",
            txn_id,
            len(events),
            len(wanted),
            "" if fresh else " (already stored)",
        )
        if fresh and wanted:
            self.inbox_stored()
        ephemeral = data.get("ephemeral") or data.get("de.sorunome.msc2409.ephemeral") or []
        if fresh and self.ephemeral_handler and isinstance(ephemeral, list) and ephemeral:
            background_task.create(self._handle_ephemeral(ephemeral))
        return web.json_response({})

    async def _handle_ephemeral(self, events: list[Any]) -> None:
        assert self.ephemeral_handler is not None
        for event in events:
            if isinstance(event, dict):
                try:
                    await self.ephemeral_handler(event)
                except Exception:
                    log.exception("Ephemeral event handler failed")

    def _wanted(self, event: Any) -> bool:
        if not isinstance(event, dict):
            return False
        if not all(isinstance(event.get(k), str) for k in ("event_id", "room_id", "sender")):
            return False
        # Our own users' events come back to us; only memberships of others concern us.
        return not self.is_own_user(UserID(event["sender"]))


class Dispatcher:
    """Reads the inbox in order and runs one worker per room."""

    def __init__(self, handler: EventHandler, on_failure: Callable[[], None]) -> None:
        self.handler = handler
        self.on_failure = on_failure
        self._wakeup = asyncio.Event()
        # Events handed to a room worker and not yet marked done. The inbox is read for every
        # pending event not in here, never from a high-water mark: on PostgreSQL a row with a
        # lower seq can commit after one with a higher seq (the catch-up stores events while a
        # transaction is being stored), and a mark would skip it for good.
        self._enqueued: set[int] = set()
        self._rooms: dict[str, asyncio.Queue[Inbox]] = {}
        self._tasks: list[asyncio.Task] = []
        self._left_over_until: int | None = None

    def start(self) -> None:
        self._wakeup.set()
        self._tasks = [background_task.create(self._run()), background_task.create(self._prune())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()

    async def _prune(self) -> None:
        while True:
            try:
                await Inbox.prune(int(time.time() * 1000) - KEEP_HANDLED_MS)
            except Exception:
                log.exception("Could not prune the inbox")
            await asyncio.sleep(PRUNE_EVERY_S)

    def wake(self) -> None:
        self._wakeup.set()

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            try:
                if self._left_over_until is None:
                    # What is pending at start was maybe half done before a crash.
                    self._left_over_until = await Inbox.last_pending_seq()
                while True:
                    rows = await Inbox.pending(limit=len(self._enqueued) + BATCH)
                    batch = [item for item in rows if item.seq not in self._enqueued]
                    if not batch:
                        break
                    # Within a room, the homeserver's order: Synapse can deliver a retried
                    # transaction after newer ones, and catch-up adds events late.
                    batch.sort(key=lambda item: (item.room_id, _timestamp(item), item.seq))
                    for item in batch:
                        self._enqueued.add(item.seq)
                        self._enqueue(item)
            except Exception:
                log.exception("Could not read the inbox; retrying shortly")
                await asyncio.sleep(1)
                self._wakeup.set()

    def _enqueue(self, item: Inbox) -> None:
        queue = self._rooms.get(item.room_id)
        if queue is None:
            queue = self._rooms[item.room_id] = asyncio.Queue()
            background_task.create(self._work_room(item.room_id, queue))
        queue.put_nowait(item)

    async def _work_room(self, room_id: str, queue: asyncio.Queue[Inbox]) -> None:
        try:
            while not queue.empty():
                await self._work(queue.get_nowait())
        finally:
            del self._rooms[room_id]

    async def _work(self, item: Inbox) -> None:
        while True:
            try:
                event = _deserialize(item.raw)
            except Exception:
                log.warning("Event %s could not be read; skipped", item.event_id, exc_info=True)
                metrics.EVENT_FAILURES.labels(outcome="unreadable").inc()
                await item.mark_done(error="unreadable")
                self._enqueued.discard(item.seq)
                return
            left_over = self._left_over_until is not None and item.seq <= self._left_over_until
            token = maybe_sent.set(item.attempts > 0 or left_over)
            try:
                await self.handler(event)
            except Exception as e:
                self.on_failure()
                await item.mark_attempt(type(e).__name__)
                if _final(e):
                    # The homeserver would refuse it the same way again: retrying would only
                    # hold the room's next events back.
                    log.warning("Event %s refused by the homeserver: %s", item.event_id, e)
                    metrics.EVENT_FAILURES.labels(outcome="refused").inc()
                    await item.mark_done(error=f"refused: {type(e).__name__}")
                    self._enqueued.discard(item.seq)
                    return
                if item.attempts >= MAX_ATTEMPTS:
                    log.exception("Giving up on event %s", item.event_id)
                    metrics.EVENT_FAILURES.labels(outcome="given_up").inc()
                    await item.mark_done(error=f"failed: {type(e).__name__}")
                    self._enqueued.discard(item.seq)
                    return
                log.warning("Event %s failed, retrying", item.event_id, exc_info=True)
                metrics.EVENT_FAILURES.labels(outcome="retried").inc()
                await asyncio.sleep(min(2**item.attempts, 30))
                continue
            finally:
                maybe_sent.reset(token)
            await item.mark_done()
            self._enqueued.discard(item.seq)  # only now: done rows are not read again
            return


# Errors of the request itself, not of the moment: the same request fails the same way.
FINAL_ERRCODES = frozenset({"M_TOO_LARGE", "M_BAD_JSON", "M_NOT_JSON"})


def _final(error: Exception) -> bool:
    return isinstance(error, MatrixStandardRequestError) and error.errcode in FINAL_ERRCODES


def _timestamp(item: Inbox) -> int:
    value = item.raw.get("origin_server_ts")
    return value if isinstance(value, int) else 0


def _deserialize(raw: dict[str, Any]) -> Event:
    raw = dict(raw)
    if raw.get("unsigned") is None:
        raw.pop("unsigned", None)
    event = Event.deserialize(raw)
    if getattr(event, "state_key", None) is not None:
        event.type = event.type.with_class(EventType.Class.STATE)
    else:
        event.type = event.type.with_class(EventType.Class.MESSAGE)
    return event
