"""One loop runs every timer (rows with a due time), so timers survive restarts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from mautrix.util import background_task

from . import metrics
from .clock import Clock
from .db import Timer

TimerHandler = Callable[[Timer], Awaitable[None]]
MAX_SLEEP_S = 30.0
log = logging.getLogger("soudan.scheduler")


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.handlers: dict[str, TimerHandler] = {}
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task | None = None
        # One pass over the due timers at a time: the loop and a caller that moved the clock
        # would otherwise both find the same timer due and run it twice.
        self._running = asyncio.Lock()

    def on(self, kind: str, handler: TimerHandler) -> None:
        self.handlers[kind] = handler

    async def add(self, kind: str, due_at: int, payload: dict[str, Any]) -> None:
        await Timer.add(kind, due_at, payload)
        self.wake()

    def wake(self) -> None:
        self._wakeup.set()

    def start(self) -> None:
        self._task = background_task.create(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()

    async def run_due(self) -> None:
        async with self._running:
            await self._run_due()

    async def _run_due(self) -> None:
        now = self.clock.now_ms()
        for timer in await Timer.due(now):
            handler = self.handlers.get(timer.kind)
            outcome = "done"
            try:
                if handler is None:
                    log.warning("No handler for timer kind %s; dropped", timer.kind)
                    outcome = "dropped"
                else:
                    await handler(timer)
            except Exception:
                log.exception("Timer %s (%s) failed; it will not be retried", timer.id, timer.kind)
                outcome = "failed"
            metrics.TIMERS_RUN.labels(kind=timer.kind, outcome=outcome).inc()
            await timer.finish(self.clock.now_ms())

    async def _run(self) -> None:
        while True:
            self._wakeup.clear()
            try:
                await self.run_due()
                next_due = await Timer.next_due()
            except Exception:
                log.exception("Timer loop failed; retrying")
                next_due = None
            sleep = MAX_SLEEP_S
            if next_due is not None:
                sleep = min(max((next_due - self.clock.now_ms()) / 1000, 0.05), MAX_SLEEP_S)
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=sleep)
            except TimeoutError:
                pass
