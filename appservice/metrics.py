"""Prometheus metrics (``metrics.enabled``): what an operator of the service watches.

Counters and the homeserver request histogram are kept as things happen; the gauges (open
cases, the inbox, timers) are read from the database at each scrape, so they are true even
right after a restart. README.md, "Metrics", says what each one means.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from aiohttp import ClientSession, TraceConfig, TraceRequestEndParams, web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from .db import Case, Inbox, Timer

log = logging.getLogger("soudan.metrics")
# A timer this long past its due time while still pending counts as late: the loop wakes at
# least every 30 s and works a timer off in well under a second.
LATE_AFTER_MS = 60_000

RELAYED = Counter(
    "soudan_relayed_events", "Events copied between a client's room and a case room", ["kind"]
)
RELAY_REFUSED = Counter(
    "soudan_relay_refused_events",
    "Events the leak filter refused to copy (the sender was told why), by reason",
    ["reason"],
)
RELAY_FAILURES = Counter(
    "soudan_relay_failures", "Copies the homeserver did not take (retried by the inbox)", ["kind"]
)
EVENT_FAILURES = Counter(
    "soudan_event_failures",
    "Inbox events whose handling failed: retried, refused by the homeserver, given up or "
    "unreadable",
    ["outcome"],
)
TIMERS_RUN = Counter("soudan_timers_run", "Timers worked off", ["kind", "outcome"])
HOMESERVER_REQUESTS = Histogram(
    "soudan_homeserver_request_duration_seconds",
    "Time of each request soudan made to the homeserver, to its response's end",
    ["method", "endpoint", "status"],
)
CASES = Gauge("soudan_cases", "Open cases per tenant: waiting or assigned", ["tenant", "status"])
INBOX_PENDING = Gauge("soudan_inbox_pending_events", "Events stored and not worked off yet")
INBOX_OLDEST_AGE = Gauge(
    "soudan_inbox_oldest_pending_age_seconds",
    "How long the oldest event not worked off yet has waited (0 when none waits)",
)
TIMERS_DUE = Gauge("soudan_timers_due", "Timers due and not worked off yet")
TIMERS_LATE = Gauge(
    "soudan_timers_late", f"Timers still pending {LATE_AFTER_MS // 1000} s after their due time"
)
SCRAPE_ERRORS = Counter("soudan_metrics_scrape_errors", "Scrapes whose database reads failed")


def event_kind(event_type: str, content: dict[str, Any]) -> str:
    """A few kinds, not every event type: message, edit, file, reaction, redaction or other."""
    if event_type == "m.reaction":
        return "reaction"
    if event_type == "m.room.redaction":
        return "redaction"
    if event_type not in ("m.room.message", "m.sticker"):
        return "other"
    relates = content.get("m.relates_to")
    if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
        return "edit"
    msgtype = content.get("msgtype")
    if event_type == "m.sticker" or msgtype in ("m.image", "m.file", "m.video", "m.audio"):
        return "file"
    return "message" if msgtype in ("m.text", "m.notice", "m.emote") else "other"


# Path segments kept as they are: API words, versions and event types. Everything else (room
# and user IDs, transaction and media IDs) is "{}", so the label has a small set of values.
_WORD = re.compile(r"(v\d+|r0|[a-z_.]+)")


def endpoint(path: str) -> str:
    """``/_matrix/client/v3/rooms/!x:y/send/m.room.message/t1`` →
    ``/_matrix/client/v3/rooms/{}/send/m.room.message/{}``."""
    parts = path.split("/")
    return "/".join(part if not part or _WORD.fullmatch(part) else "{}" for part in parts)


def trace_requests(session: ClientSession) -> None:
    """Time every request made through ``session`` (mautrix's client for the homeserver)."""

    async def start(_session: ClientSession, context: SimpleNamespace, _params: Any) -> None:
        context.started = time.monotonic()

    async def end(
        _session: ClientSession, context: SimpleNamespace, params: TraceRequestEndParams
    ) -> None:
        HOMESERVER_REQUESTS.labels(
            method=params.method,
            endpoint=endpoint(params.url.path),
            status=str(params.response.status),
        ).observe(time.monotonic() - context.started)

    async def failed(_session: ClientSession, context: SimpleNamespace, params: Any) -> None:
        HOMESERVER_REQUESTS.labels(
            method=params.method, endpoint=endpoint(params.url.path), status="error"
        ).observe(time.monotonic() - context.started)

    trace = TraceConfig()
    trace.on_request_start.append(start)
    trace.on_request_end.append(end)
    trace.on_request_exception.append(failed)
    trace.freeze()
    session.trace_configs.append(trace)


async def refresh(now_ms: int) -> None:
    """Read the gauges from the database (``now_ms``: soudan's clock, as timers use it)."""
    CASES.clear()
    for tenant, status, count in await Case.open_counts():
        CASES.labels(tenant=tenant, status=status).set(count)
    waiting, oldest = await Inbox.backlog()
    INBOX_PENDING.set(waiting)
    age = (time.time() * 1000 - oldest) / 1000 if oldest is not None else 0
    INBOX_OLDEST_AGE.set(max(age, 0))
    due, late = await Timer.overdue(now_ms, now_ms - LATE_AFTER_MS)
    TIMERS_DUE.set(due)
    TIMERS_LATE.set(late)


class MetricsServer:
    """``GET /metrics`` on its own address, apart from the appservice's public port."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self.now_ms = now_ms
        self.app = web.Application()
        self.app.router.add_get("/metrics", self._metrics)
        self._runner: web.AppRunner | None = None

    async def _metrics(self, _request: web.Request) -> web.Response:
        try:
            await refresh(self.now_ms())
        except Exception:
            # The counters are still worth having; the gauges keep their last values.
            SCRAPE_ERRORS.inc()
            log.exception("Reading the metrics' gauges from the database failed")
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def start(self, host: str, port: int) -> None:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("Prometheus metrics at http://%s:%d/metrics", host, port)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
