"""What the benchmarks share: a real Synapse and soudan started for one run, and figures."""

from __future__ import annotations

import asyncio
import os
import platform
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mautrix.util.async_db import Database  # noqa: E402

from appservice.dev.testbed import Homeserver, Soudan, free_port  # noqa: E402
from tests.pgserver import find_or_start  # noqa: E402

SERVER = "bench.test"
SYNCED = asyncio.Event()  # set by the peers' sync loops after every sync
T = TypeVar("T")


async def until(check: Callable[[], T | None], timeout: float = 300) -> T:
    """``check()``'s first result that is not None, looked at after every sync."""
    deadline = time.monotonic() + timeout
    while True:
        SYNCED.clear()
        if (result := check()) is not None:
            return result
        await asyncio.wait_for(SYNCED.wait(), max(0.01, deadline - time.monotonic()))


@dataclass
class Stack:
    hs: Homeserver
    soudan: Soudan
    secret: str  # the provisioning API's platform token
    db_url: str
    started: float  # seconds from Synapse's start until soudan was ready
    load: float  # the load average before the run


@contextmanager
def running_stack(backend: str) -> Iterator[Stack]:
    """Synapse (SQLite) and soudan on ``backend`` in a temporary directory, with a server
    admin; everything is stopped and removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pg_name, load = f"bench_{secrets.token_hex(4)}", os.getloadavg()[0]
        pg = find_or_start(str(root / "pg")) if backend == "postgres" else None
        db_url = pg.create_database(pg_name) if pg else f"sqlite:{root / 'soudan.db'}"
        hs = Homeserver(root / "synapse", SERVER, free_port(), root / "reg.yaml", "c-", 4)
        admin = f"@admin:{SERVER}"
        soudan = Soudan(root / "soudan", free_port(), hs, db_url, [admin])
        synapse = service = None
        try:
            config = soudan.write_config()  # writes the registration hs.write_config points to
            hs.write_config()
            start, synapse = time.monotonic(), hs.start()
            synapse.wait_ready(hs.ready_url)
            password = secrets.token_urlsafe(12)
            hs.register("admin", password, admin=True)
            service = soudan.start()
            service.wait_ready(soudan.ready_url)
            hs.make_admin(hs.login(admin, password), config.bot_mxid)
            started = time.monotonic() - start
            secret = str(config["provisioning.shared_secret"])
            yield Stack(hs, soudan, secret, db_url, started, load)
        finally:
            for process in (service, synapse):
                if process is not None:
                    process.stop()
            if pg is not None:
                pg.drop_database(pg_name)
                pg.stop()


def print_report(stack: Stack, backend: str, lines: list[str]) -> None:
    """The machine, the versions and the start time, then the benchmark's own lines."""
    after = os.getloadavg()[0]
    print(
        f"machine: {machine()}, {platform.platform()}; load {stack.load:.2f} before the run, "
        f"{after:.2f} after\n"
        f"versions: {versions()}; soudan on {backend}\n"
        f"Synapse + soudan start {stack.started:.1f} s",
        *lines,
        sep="\n",
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q / 100 * (len(ordered) - 1))] if ordered else float("nan")


def machine() -> str:
    model = platform.processor() or platform.machine()
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{platform.system()} {platform.release()}, {model}, {os.cpu_count()} CPUs"


def versions() -> str:
    return (
        f"Python {platform.python_version()}, Synapse {version('matrix-synapse')}, "
        f"mautrix {version('mautrix')}, matrix-nio {version('matrix-nio')}"
    )


async def log_problems(soudan: Soudan) -> str:
    """The report's line on soudan.log: how many warnings and errors, and the first five (each
    record's first line, and its last, the exception, if it has more)."""
    log = await asyncio.to_thread((soudan.directory / "soudan.log").read_text, errors="replace")
    problems = [
        " … ".join(dict.fromkeys((record[0], record[-1])))
        for record in (
            r.strip().splitlines() for r in re.split(r"^(?=\d{4}-\d\d-\d\d )", log, flags=re.M)
        )
        if record and re.match(r"\S+ \S+ (?:WARNING|ERROR|CRITICAL) ", record[0])
    ]
    return f"soudan.log: {len(problems)} warnings or errors" + "".join(
        f"\n  {line[:300]}" for line in problems[:5]
    )


async def row_counts(db: Database, tables: tuple[str, ...]) -> str:
    """``table N`` for each table, and the PostgreSQL version where it is PostgreSQL."""
    counts = [f"{table} {await db.fetchval(f'SELECT COUNT(*) FROM {table}')}" for table in tables]
    if db.scheme.value.startswith("postgres"):
        counts.append(f"PostgreSQL {await db.fetchval('SHOW server_version')}")
    return ", ".join(counts)
