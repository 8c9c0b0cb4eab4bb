"""Catch-up: read back the recent history of rooms in use and add what never arrived.

Synapse moves an appservice's stream position forward once events are queued in memory, so a
homeserver that stops at the wrong moment never sends some events at all (reproduced: a
message accepted just before a Synapse restart never reached soudan). soudan therefore reads
back the last messages of every open case's rooms and of the board rooms in use after the
homeserver was unreachable, and every few minutes anyway, and stores what it finds in the
inbox. The inbox ignores what it has
seen, so only missing events are handled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixError
from mautrix.types import PaginationDirection, RoomID
from mautrix.util import background_task

from .context import Context
from .db import Case, Client, Inbox, Tenant, Topic
from .services.board import board_ghost

log = logging.getLogger("soudan.catchup")

EVERY_S = 300.0
# Synapse has been seen not to send an event written in the first moments after soudan came
# back (reproduced after a hard kill: delivered neither then nor by its retries), so after a
# start or an outage a few passes follow soon, before the regular ones.
FOLLOW_UPS_S = (15.0, 45.0, 120.0)
AFTER_OUTAGE_S = 3.0
PAGE = 100
MAX_PAGES = 10
# Each pass reads back to a little before the previous complete pass began.
OVERLAP_MS = 120_000
BOARD_WINDOW_MS = 24 * 3600 * 1000
CLIENT_BOARD_WINDOW_MS = 7 * 24 * 3600 * 1000


class Catchup:
    def __init__(self, ctx: Context, stored: Callable[[], None]) -> None:
        self.ctx = ctx
        self.stored = stored
        self._soon = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._unreadable = False
        self._last_pass_ms: int | None = None
        self._follow_ups: list[float] = []

    def start(self) -> None:
        """Run in the background; the first passes come soon after start (see FOLLOW_UPS_S)."""
        self._follow_ups = [time.monotonic() + delay for delay in FOLLOW_UPS_S]
        self._task = background_task.create(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()

    def homeserver_was_unreachable(self) -> None:
        self._soon.set()
        self._follow_ups = [time.monotonic() + delay for delay in FOLLOW_UPS_S]

    async def _run(self) -> None:
        while True:
            now = time.monotonic()
            self._follow_ups = [at for at in self._follow_ups if at > now]
            wait = min([EVERY_S, *(at - now for at in self._follow_ups)])
            try:
                await asyncio.wait_for(self._soon.wait(), timeout=wait)
                await asyncio.sleep(AFTER_OUTAGE_S)  # let the homeserver finish starting
            except TimeoutError:
                pass
            self._soon.clear()
            log.debug("Catch-up runs")
            try:
                added = await self.run_once()
                if added:
                    log.warning("Catch-up found %d events the homeserver never sent", added)
                    self.stored()
            except Exception:
                log.exception("Catch-up failed; trying again later")
            if self._unreadable:
                self._soon.set()  # the homeserver is still away: read back again shortly

    async def run_once(self) -> int:
        self._unreadable = False
        began = int(time.time() * 1000)
        horizon = self._last_pass_ms - OVERLAP_MS if self._last_pass_ms else 0
        added = 0
        for room_id, (intent, oldest) in (await self._rooms(began)).items():
            added += await self._room(intent, room_id, max(horizon, oldest))
        if not self._unreadable:
            self._last_pass_ms = began
        return added

    async def _rooms(self, now: int) -> dict[RoomID, tuple[IntentAPI, int]]:
        """Each room in use once, with a member to read it as and how far back to look: the
        rooms of open cases from a little before the case opened, the board rooms over the
        last day, and the board rooms of clients who posted in the last week."""
        rooms: dict[RoomID, tuple[IntentAPI, int]] = {}

        def want(intent: IntentAPI, room_id: RoomID | None, oldest: int) -> None:
            if room_id and (room_id not in rooms or oldest < rooms[room_id][1]):
                rooms[room_id] = (intent, oldest)

        tenants = {tenant.id: tenant for tenant in await Tenant.all()}
        for case in await Case.all_open():
            client = await Client.get(case.client_id)
            tenant = tenants.get(case.tenant_id)
            if client is None or tenant is None:
                continue
            # Rooms are read in the homeserver's time. A case opened while soudan's clock was
            # moved ahead (tests do) would otherwise put the whole room out of reach.
            opened = case.opened_at - 60_000 if case.opened_at <= now else 0
            want(self.ctx.desk(tenant.slug), client.room_id, opened)
            want(self.ctx.az.intent, case.case_room, opened)
        for tenant in tenants.values():
            want(self.ctx.az.intent, tenant.board_room, now - BOARD_WINDOW_MS)
        for room_id, tenant_id in await Topic.recent_client_rooms(now - CLIENT_BOARD_WINDOW_MS):
            if tenant_id in tenants:
                want(board_ghost(self.ctx, tenants[tenant_id]), room_id, now - BOARD_WINDOW_MS)
        return rooms

    async def _room(self, intent: IntentAPI, room_id: RoomID, oldest: int) -> int:
        """Walk back through the room to ``oldest`` and store what the inbox does not have."""
        missing: list[dict[str, Any]] = []
        token = None
        for _ in range(MAX_PAGES):
            try:
                page = await intent.get_messages(
                    room_id, PaginationDirection.BACKWARD, from_token=token, limit=PAGE
                )
            except MatrixError as e:
                log.debug("Could not read back %s: %s", room_id, e)
                self._unreadable = True
                return 0
            events = [event.serialize() for event in page.events]  # type: ignore[attr-defined]
            candidates = [
                raw
                for raw in events
                if raw.get("origin_server_ts", 0) >= oldest
                and not self.ctx.is_own_user(raw.get("sender", ""))
                and "state_key" not in raw
            ]
            known = await Inbox.known([raw["event_id"] for raw in candidates])
            for raw in candidates:  # newest first
                if raw["event_id"] not in known:
                    raw.setdefault("room_id", room_id)
                    missing.append(raw)
            token = page.end  # type: ignore[attr-defined]
            reached = any(raw.get("origin_server_ts", 0) < oldest for raw in events)
            if reached or not events or not token:
                break
        added = await Inbox.store_missing(list(reversed(missing)))
        log.debug("Read back %s: %d missing, %d new", room_id, len(missing), added)
        return added
