"""The timer loop on a database of its own: a due timer runs once, even when the loop and a
caller that moved the clock look for due timers at the same moment."""

from __future__ import annotations

import asyncio
from pathlib import Path

from mautrix.util.async_db import Database

from appservice import db
from appservice.clock import Clock
from appservice.db import Timer
from appservice.scheduler import Scheduler


async def test_two_passes_at_once_run_a_due_timer_once(tmp_path: Path) -> None:
    database = Database.create(f"sqlite:{tmp_path / 'timers.db'}", upgrade_table=db.upgrade_table)
    await database.start()
    db.init(database)
    try:
        clock = Clock()
        scheduler = Scheduler(clock)
        ran: list[int] = []

        async def slow(timer: Timer) -> None:
            await asyncio.sleep(0.05)  # the other pass looks while this one works
            ran.append(timer.id)

        scheduler.on("test", slow)
        await Timer.add("test", clock.now_ms() - 1, {})
        await asyncio.gather(scheduler.run_due(), scheduler.run_due())
        assert len(ran) == 1
        assert await Timer.due(clock.now_ms()) == []
    finally:
        await database.stop()
