"""The Prometheus endpoint: scraped after a real consultation, and its gauges read from a
database of their own."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from mautrix.util.async_db import Database
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from appservice import db, metrics
from appservice.db import Case

from .conftest import OpenUser, Stack
from .matrix import User
from .pgserver import PostgresServer
from .tenants import Api, add_operators, command, login_details, new_tenant

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def _scrape(stack: Stack) -> Samples:
    async with aiohttp.ClientSession() as session, session.get(stack.soudan.metrics_url) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain")
        text = await r.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def _scrape_until(stack: Stack, done: Callable[[Samples], bool]) -> Samples:
    """Scrape until ``done`` holds (a counter moves just after the copy it counts is sent)."""
    for _ in range(150):
        samples = await _scrape(stack)
        if done(samples):
            return samples
        await asyncio.sleep(0.2)
    return samples


def _body(room_id: str, body: str) -> Callable[[str, dict], bool]:
    return lambda r, e: r == room_id and e.get("content", {}).get("body") == body


async def test_a_consultation_shows_in_the_metrics(stack: Stack, users: OpenUser) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users, preset="workplace")
    (operator,) = await add_operators(stack, api, users, tenant, 1)
    user_id, password = login_details(await tenant.command("!add-client Mika"))
    client: User = await users(stack.hs.url, user_id, password)
    room = (await client.client.joined_rooms()).rooms[0]

    before = await _scrape(stack)
    # A tenant with no case is listed with zeros, so a dashboard sees it from the start.
    assert _value(before, "soudan_cases", tenant=tenant.slug, status="waiting") == 0
    assert ("soudan_cases", frozenset({("tenant", tenant.slug), ("status", "assigned")})) in before

    def moved(samples: Samples, name: str, kind: str) -> float:
        return _value(samples, name, kind=kind) - _value(before, name, kind=kind)

    def refused(samples: Samples) -> float:
        name = "soudan_relay_refused_events_total"
        return _value(samples, name, reason="location") - _value(before, name, reason="location")

    await client.send_text(room, "Can someone help me?")
    await operator.wait_for(
        lambda r, e: r == tenant.staff_room and "Case #1" in e["content"].get("body", "")
    )
    waiting = await _scrape(stack)
    assert _value(waiting, "soudan_cases", tenant=tenant.slug, status="waiting") == 1
    assert _value(waiting, "soudan_cases", tenant=tenant.slug, status="assigned") == 0

    assert (await command(operator, tenant.staff_room, "!take 1")).startswith("Case #1")
    case_room = await operator.wait_for_invite(ignore=(tenant.space_room,))
    await operator.join(case_room)
    await operator.wait_for(_body(case_room, "Can someone help me?"))
    await operator.send_text(case_room, "I am here.")
    await client.wait_for(_body(room, "I am here."))
    # A location is never copied: the leak filter refuses it and the operator is told.
    await operator.client.room_send(
        case_room,
        "m.room.message",
        {"msgtype": "m.location", "body": "here", "geo_uri": "geo:35.68,139.76"},
    )
    await operator.wait_for(
        lambda r, e: r == case_room and "location" in e["content"].get("body", "").lower()
    )

    samples = await _scrape_until(
        stack,
        lambda s: moved(s, "soudan_relayed_events_total", "message") >= 2 and refused(s) >= 1,
    )
    assert _value(samples, "soudan_cases", tenant=tenant.slug, status="waiting") == 0
    assert _value(samples, "soudan_cases", tenant=tenant.slug, status="assigned") == 1
    # The client's line into the case room and the operator's answer out of it.
    assert moved(samples, "soudan_relayed_events_total", "message") == 2
    assert refused(samples) == 1
    assert moved(samples, "soudan_relay_failures_total", "message") == 0
    # The copy out was timed as a request to the homeserver.
    send = {
        "method": "PUT",
        "endpoint": "/_matrix/client/v3/rooms/{}/send/m.room.message/{}",
        "status": "200",
    }
    sends = _value(samples, "soudan_homeserver_request_duration_seconds_count", **send)
    assert sends - _value(before, "soudan_homeserver_request_duration_seconds_count", **send) >= 2
    assert _value(samples, "soudan_homeserver_request_duration_seconds_sum", **send) > 0
    # The inbox and timer gauges are there (their values: the test below).
    for name in ("soudan_inbox_pending_events", "soudan_timers_due", "soudan_timers_late"):
        assert (name, frozenset()) in samples, name
    assert samples[("soudan_inbox_oldest_pending_age_seconds", frozenset())] >= 0
    # No room ID, user ID or transaction ID ever becomes a label value.
    for name, labels in samples:
        for _, value in labels:
            assert not value.startswith(("!", "@", "$", "#")), (name, value)


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    name = ""
    pg: PostgresServer | None = None
    if request.param == "sqlite":
        url = f"sqlite:{tmp_path / 'metrics.db'}"
    else:
        pg = request.getfixturevalue("postgres")
        name = f"soudan_metrics_{uuid.uuid4().hex[:12]}"
        url = pg.create_database(name)
    database = Database.create(url, upgrade_table=db.upgrade_table)
    await database.start()
    db.init(database)
    try:
        yield database
    finally:
        await database.stop()
        if pg is not None:
            pg.drop_database(name)


def _gauge(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def test_gauges_are_read_from_the_database(database: Database) -> None:
    for slug in ("alpha", "beta"):
        await database.execute(
            "INSERT INTO tenant (slug, name, preset, language, created_at) "
            "VALUES ($1, $1, 'counseling', 'en', 0)",
            slug,
        )
    alpha = int(await database.fetchval("SELECT id FROM tenant WHERE slug='alpha'"))
    cases = []
    for n in range(4):
        await database.execute(
            "INSERT INTO client (tenant_id, user_id, nickname, created_at) VALUES ($1, $2, $3, 0)",
            alpha,
            f"@c{n}:x",
            f"C{n}",
        )
        client = int(await database.fetchval("SELECT MAX(id) FROM client"))
        cases.append(await Case.open_new(alpha, client, 0))
    cases[0].status = "assigned"
    await cases[0].save()
    cases[1].status = "closed"
    await cases[1].save()
    now_ms = int(time.time() * 1000)
    for n, received in enumerate((now_ms - 90_000, now_ms - 5_000)):
        await database.execute(
            "INSERT INTO inbox (event_id, room_id, raw, received_at) "
            "VALUES ($1, '!r:x', '{}', $2)",
            f"$e{n}",
            received,
        )
    await database.execute(
        "INSERT INTO inbox (event_id, room_id, raw, received_at, done) "
        "VALUES ('$old', '!r:x', NULL, $1, true)",
        now_ms - 999_000,
    )
    clock = now_ms + 3_600_000  # soudan's clock, moved an hour ahead
    for kind, due in (("a", clock - 120_000), ("b", clock - 1_000), ("c", clock + 60_000)):
        await database.execute(
            "INSERT INTO timer (kind, due_at, payload) VALUES ($1, $2, '{}')", kind, due
        )

    await metrics.refresh(clock)

    assert _gauge("soudan_cases", tenant="alpha", status="waiting") == 2
    assert _gauge("soudan_cases", tenant="alpha", status="assigned") == 1
    assert _gauge("soudan_cases", tenant="beta", status="waiting") == 0
    assert _gauge("soudan_inbox_pending_events") == 2
    age = _gauge("soudan_inbox_oldest_pending_age_seconds")
    assert age is not None and 90 <= age < 900  # the oldest pending one, not the done one
    assert _gauge("soudan_timers_due") == 2
    assert _gauge("soudan_timers_late") == 1  # due two minutes ago; the other one second ago

    # Worked off: nothing waits, and a removed tenant leaves no stale series behind.
    await database.execute("UPDATE inbox SET done=true")
    await database.execute("UPDATE timer SET done_at=1")
    await database.execute("DELETE FROM tenant WHERE slug='beta'")
    await metrics.refresh(clock)
    assert _gauge("soudan_inbox_pending_events") == 0
    assert _gauge("soudan_inbox_oldest_pending_age_seconds") == 0
    assert _gauge("soudan_timers_due") == 0 and _gauge("soudan_timers_late") == 0
    assert _gauge("soudan_cases", tenant="beta", status="waiting") is None


def test_endpoint_labels_carry_no_identifiers() -> None:
    assert (
        metrics.endpoint("/_matrix/client/v3/rooms/!abc:x/send/m.room.message/soudan_1a2b")
        == "/_matrix/client/v3/rooms/{}/send/m.room.message/{}"
    )
    assert (
        metrics.endpoint("/_synapse/admin/v2/users/%40c-x1%3Aexample.org")
        == "/_synapse/admin/v2/users/{}"
    )
    assert metrics.endpoint("/_matrix/client/v3/account/whoami") == (
        "/_matrix/client/v3/account/whoami"
    )
    assert metrics.event_kind("m.room.message", {"msgtype": "m.image"}) == "file"
    assert metrics.event_kind("m.room.message", {"msgtype": "m.location"}) == "other"
    edit = {"msgtype": "m.text", "m.relates_to": {"rel_type": "m.replace", "event_id": "$x"}}
    assert metrics.event_kind("m.room.message", edit) == "edit"
    assert metrics.event_kind("m.reaction", {}) == "reaction"
