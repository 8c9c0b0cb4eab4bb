"""Catch-up: read back the recent history of rooms in use and add what never arrived.

Synapse moves an appservice's stream position forward once events are queued in memory, so a
homeserver that stops at the wrong moment never sends some events at all (reproduced: a
message accepted just before a Synapse restart never reached soudan). soudan therefore reads
back the last messages of every open case's rooms after the homeserver was unreachable, and
every few minutes anyway, and stores what it finds in the inbox. The inbox ignores what it has
seen, so only missing events are handled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError
from mautrix.types import PaginationDirection, RoomID
from mautrix.util import background_task

from .context import Context
from .db import Case, Client, Inbox, Tenant

log = logging.getLogger("soudan.catchup")

EVERY_S = 300.0
AFTER_OUTAGE_S = 3.0
HISTORY = 50


class Catchup:
    def __init__(self, ctx: Context, stored: Callable[[], None]) -> None:
        self.ctx = ctx
        self.stored = stored
        self._soon = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = background_task.create(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()

    def homeserver_was_unreachable(self) -> None:
        self._soon.set()

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._soon.wait(), timeout=EVERY_S)
                await asyncio.sleep(AFTER_OUTAGE_S)  # let the homeserver finish starting
            except TimeoutError:
                pass
            self._soon.clear()
            try:
                added = await self.run_once()
                if added:
                    log.warning("Catch-up found %d events the homeserver never sent", added)
                    self.stored()
            except Exception:
                log.exception("Catch-up failed; trying again later")

    async def run_once(self) -> int:
        added = 0
        for case in await Case.all_open():
            client = await Client.get(case.client_id)
            tenant = await Tenant.get(case.tenant_id)
            if client is None or tenant is None or not client.room_id:
                continue
            added += await self._room(self.ctx.desk(tenant.slug), client.room_id, case)
            if case.case_room:
                added += await self._room(self.ctx.az.intent, case.case_room, case)
        return added

    async def _room(self, intent: IntentAPI, room_id: RoomID, case: Case) -> int:
        try:
            page = await intent.get_messages(room_id, PaginationDirection.BACKWARD, limit=HISTORY)
        except MatrixError as e:
            log.debug("Could not read back %s: %s", room_id, e)
            return 0
        events: list[dict[str, Any]] = []
        for event in reversed(page.events):  # type: ignore[attr-defined]
            raw = event.serialize()
            if raw.get("origin_server_ts", 0) < case.opened_at - 60_000:
                continue  # older than the case: handled (or deliberately ignored) long ago
            if self.ctx.is_own_user(raw.get("sender", "")) or "state_key" in raw:
                continue
            raw.setdefault("room_id", room_id)
            events.append(raw)
        return await Inbox.store_missing(events)
