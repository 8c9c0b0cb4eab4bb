"""Alerts ring, chatter does not, by the homeserver's own push rules: for every kind of alert
the receiver's `/notifications` lists it (highlighted where it mentions them), and no reply to
a command or status line is ever there. What soudan sent that rang is exactly the alerts."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from .conftest import Stack
from .matrix import Predicate, User, highlighted, login, notifications, reply_to
from .tenants import new_client
from .test_sessions import MINUTE, Clinic, _clinic, _database, _local_day, _slot_numbers

pytestmark = pytest.mark.asyncio(loop_scope="module")

RELAYED = "fi.soudan.relay"


@dataclass
class Scene:
    stack: Stack
    clinic: Clinic
    operator: User  # online, told of everything in their private room
    offline: User  # a second operator, offline
    client: User
    desk: str  # the client's desk room
    # Per user: the events of soudan that must ring for them, and what else it sent them
    alerts: dict[str, set[str]] = field(default_factory=dict)
    chatter: dict[str, set[str]] = field(default_factory=dict)

    @property
    def admin(self) -> User:
        return self.clinic.tenant.admin

    @property
    def private(self) -> str:
        return self.clinic.private[self.operator.user_id]


def _starts(room_id: str, start: str) -> Predicate:
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


async def rings(
    scene: Scene, user: User, predicate: Predicate, *, mentioned: bool = True
) -> dict[str, Any]:
    """The event soudan sent the user that ``predicate`` finds: an ``m.text`` that the
    homeserver listed for them (highlighted, if it mentions them)."""
    event = await user.wait_for(predicate, timeout=60)
    assert event["content"]["msgtype"] == "m.text", event
    listed = (await notifications(scene.stack.hs.url, user)).get(event["event_id"])
    assert listed is not None, f"{event['content']['body']!r} did not ring for {user.user_id}"
    assert highlighted(listed) == mentioned, listed
    scene.alerts.setdefault(user.user_id, set()).add(event["event_id"])
    return event


async def given(scene: Scene, user: User, room_id: str, number: int) -> None:
    """The first line of a case room given to the user: an alert mentioning them. It was sent
    as the room opened, so it rings only if they had joined by then; the invite rang anyway."""
    event = await user.wait_for(_starts(room_id, f"You are handling case #{number}."))
    assert event["content"]["msgtype"] == "m.text", event
    assert event["content"]["m.mentions"] == {"user_ids": [user.user_id]}, event
    listed = (await notifications(scene.stack.hs.url, user)).get(event["event_id"])
    if listed is not None:
        assert highlighted(listed), listed
        scene.alerts.setdefault(user.user_id, set()).add(event["event_id"])
    invites = await notifications(scene.stack.hs.url, user)
    assert any(
        n["room_id"] == room_id and n["event"]["type"] == "m.room.member" for n in invites.values()
    ), "the case room's invite did not ring"


async def quiet(scene: Scene, user: User, event: dict[str, Any]) -> None:
    """A notice the user got, and the homeserver listed for nobody's attention."""
    assert event["content"]["msgtype"] == "m.notice", event
    assert event["event_id"] not in await notifications(scene.stack.hs.url, user), event
    scene.chatter.setdefault(user.user_id, set()).add(event["event_id"])


async def answer(scene: Scene, user: User, room_id: str, text: str) -> dict[str, Any]:
    """A command's reply, which must not ring."""
    event_id = await user.send_text(room_id, text)
    reply = await user.wait_for(reply_to(event_id, room_id), timeout=60)
    await quiet(scene, user, reply)
    return reply


def is_soudan(stack: Stack, sender: str) -> bool:
    prefix = "@" + str(stack.config["appservice.ghost_prefix"])
    return sender == stack.config.bot_mxid or sender.startswith(prefix)


async def exactly_the_alerts(scene: Scene, user: User) -> None:
    """Of soudan's text messages to the user, the homeserver listed the alerts and only them."""
    listed = await notifications(scene.stack.hs.url, user)
    rang = {
        event_id
        for event_id, item in listed.items()
        if is_soudan(scene.stack, item["event"]["sender"])
        and item["event"]["type"] == "m.room.message"
        and item["event"]["content"].get("msgtype") in ("m.text", "m.notice")
        and RELAYED not in item["event"]["content"]  # a person's words, copied
    }
    expected = scene.alerts.get(user.user_id, set())
    strays = [listed[e]["event"]["content"]["body"] for e in rang - expected]
    assert not strays, f"rang for {user.user_id} but is no alert: {strays}"
    assert expected <= rang


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scene(stack: Stack) -> AsyncIterator[Scene]:
    opened: list[User] = []

    async def users(homeserver: str, user_id: str, password: str) -> User:
        user = await login(homeserver, user_id, password)
        opened.append(user)
        return user

    try:
        clinic = await _clinic(stack, users, operators=2)
        operator, offline = clinic.operators
        tenant = clinic.tenant
        settings = await tenant.command(f"!operator-settings {operator.user_id} notify=dm")
        assert "notify=dm" in settings, settings
        client, desk = await new_client(stack, users, tenant, "Aoi")
        scene = Scene(stack, clinic, operator, offline, client, desk)
        reply = await answer(scene, operator, tenant.staff_room, "!status online")
        assert "online" in reply["content"]["body"], reply
        yield scene
    finally:
        await clinic.move_to(int(time.time() * 1000))
        for user in opened:
            await user.close()


async def test_a_new_case_rings_for_who_may_take_it_and_the_rest_is_quiet(scene: Scene) -> None:
    operator, client, tenant = scene.operator, scene.client, scene.clinic.tenant
    since = len(client.events)
    await client.send_text(scene.desk, "Hello, is anyone there?")
    greeting = await client.wait_for(
        lambda r, e: r == scene.desk and e["sender"] != client.user_id, since=since
    )
    await quiet(scene, client, greeting)
    # The staff room: a ring for the online operator who may take it, none for the other.
    waiting = _starts(tenant.staff_room, "Case #1 (Aoi) is waiting.")
    announced = await rings(scene, operator, waiting)
    assert announced["content"]["m.mentions"] == {"user_ids": [operator.user_id]}
    await scene.offline.wait_for(waiting)
    seen = (await notifications(scene.stack.hs.url, scene.offline)).get(announced["event_id"])
    assert seen is None or not highlighted(seen), seen  # at most the room's own setting
    # What the operator asked to be told in their private room.
    await rings(scene, operator, _starts(scene.private, "New case #1 (Aoi) is waiting."))
    # An admin gives the case: the invite and the private-room alert ring.
    await answer(scene, scene.admin, tenant.admin_room, f"!assign 1 {operator.user_id}")
    case_room = await operator.wait_for_invite(ignore=(tenant.space_room,))
    await rings(scene, operator, _starts(scene.private, "Case #1 (Aoi) is now yours."))
    await operator.join(case_room)
    await given(scene, operator, case_room, 1)
    taken = await operator.wait_for(_starts(tenant.staff_room, "Case #1 has been taken."))
    await quiet(scene, operator, taken)
    # The client writes: a ring in the private room, once per stretch of messages.
    await client.send_text(scene.desk, "I have a question.")
    await rings(scene, operator, _starts(scene.private, "New message in case #1 (Aoi)."))
    # Replies to commands, in a one-to-one room too, stay quiet.
    await answer(scene, operator, scene.private, "!my-settings")
    await answer(scene, operator, tenant.staff_room, "!queue")
    await answer(scene, client, scene.desk, "!help")
    for user in (operator, client, scene.admin):
        await exactly_the_alerts(scene, user)


async def test_broadcasts_and_maintenance_ring(scene: Scene) -> None:
    client, admin, tenant = scene.client, scene.admin, scene.clinic.tenant
    sent = await answer(scene, admin, tenant.admin_room, "!broadcast The office closes early.")
    assert sent["content"]["body"].startswith("Sent the notice to 1 client"), sent
    notice = await rings(scene, client, _starts(scene.desk, "The office closes early."))
    assert notice["content"]["m.mentions"] == {"user_ids": [client.user_id]}
    api = scene.clinic.api
    zone = ZoneInfo(scene.stack.config["platform.timezone"])
    now = datetime.fromtimestamp(await scene.clinic.now() / 1000, zone)
    start = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    await api.ok(
        "POST",
        "/maintenance",
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "message": "Sorry!",
        },
    )
    for key in ("[Maintenance notice]", "[Maintenance starting]"):
        await rings(scene, client, _starts(scene.desk, key))
        room_wide = await rings(scene, admin, _starts(tenant.admin_room, key))
        assert room_wide["content"]["m.mentions"] == {"room": True}
        await api.ok("POST", "/debug/clock", {"advance_seconds": 2 * 3600})
    for user in (client, admin):
        await exactly_the_alerts(scene, user)


async def test_session_reminders_and_the_video_link_ring_for_both(scene: Scene) -> None:
    operator, client, clinic = scene.operator, scene.client, scene.clinic
    now = await clinic.now()
    day = _local_day(now, 3)
    added = await answer(scene, operator, clinic.tenant.staff_room, f"!slot-add {day} 11:00")
    (slot,) = _slot_numbers(added["content"]["body"])
    booked = await answer(scene, client, scene.desk, f"!book {slot}")
    label = re.search(r"\((B\d+)\)", booked["content"]["body"])[1]  # type: ignore[index]
    await quiet(scene, operator, await operator.wait_for(_starts(scene.private, "New booking")))
    db = await _database(scene.stack)
    try:
        start = await db.fetchval(
            "SELECT starts_at FROM booking WHERE number=$1 AND tenant_id="
            "(SELECT id FROM tenant WHERE slug=$2)",
            int(label[1:]),
            clinic.tenant.slug,
        )
    finally:
        await db.stop()
    await clinic.move_to(start - 1440 * MINUTE + 5_000)
    await rings(scene, client, _starts(scene.desk, "Reminder: your session is in 1 day"))
    await rings(scene, operator, _starts(scene.private, f"Reminder: session {label} in 1 day"))
    await clinic.move_to(start - 5 * MINUTE + 5_000)
    await rings(scene, client, _starts(scene.desk, "Reminder: your session is in 15 minutes"))
    await rings(
        scene, operator, _starts(scene.private, f"Reminder: session {label} in 15 minutes")
    )
    await rings(scene, client, _starts(scene.desk, "Your session is about to start"))
    # The client's case is the operator's already: the link comes into its room.
    video = f"Video call for session {label} "
    await rings(
        scene, operator, lambda r, e: str(e.get("content", {}).get("body", "")).startswith(video)
    )
    for user in (operator, client):
        await exactly_the_alerts(scene, user)


async def _letter_timers(stack: Stack, slug: str) -> dict[str, int]:
    """When the reminder and the overdue alert of the tenant's active package are due."""
    db = await _database(stack)
    try:
        package = await db.fetchval(
            "SELECT id FROM package WHERE status='active' AND tenant_id="
            "(SELECT id FROM tenant WHERE slug=$1)",
            slug,
        )
        rows = await db.fetch(
            "SELECT kind, due_at, payload FROM timer WHERE done_at IS NULL "
            "AND kind IN ('letter_reminder', 'letter_overdue')"
        )
    finally:
        await db.stop()
    return {
        row["kind"]: row["due_at"]
        for row in rows
        if json.loads(row["payload"])["package"] == package
    }


async def test_letters_due_and_overdue_ring(scene: Scene) -> None:
    operator, clinic = scene.operator, scene.clinic
    tenant = clinic.tenant
    saved = await answer(
        scene, scene.admin, tenant.admin_room, "!package-type add Standard price=12000"
    )
    assert saved["content"]["body"].startswith("Package type saved."), saved
    writer, room = await new_client(scene.stack, _opener(scene), tenant, "Ben")
    granted = await answer(
        scene, scene.admin, tenant.admin_room, f"!package-grant Ben Standard {operator.user_id}"
    )
    assert granted["content"]["body"].startswith("Package P1 granted."), granted
    # A package given to them rings as a case does.
    await rings(
        scene, operator, _starts(scene.private, "You are the counselor of letter package P1")
    )
    await writer.send_text(room, "Dear counselor")
    case_room = await operator.wait_for_invite(ignore=(tenant.space_room,))
    await operator.join(case_room)
    await given(scene, operator, case_room, 2)
    await rings(scene, operator, _starts(scene.private, "Case #2 (Ben) is now yours."))
    await rings(scene, operator, _starts(scene.private, "New message in case #2 (Ben)."))
    received = await operator.wait_for(_starts(case_room, "A letter arrived"))
    await quiet(scene, operator, received)
    due = await _letter_timers(scene.stack, tenant.slug)
    await clinic.move_to(due["letter_reminder"] + 5_000)
    await rings(scene, operator, _starts(case_room, "Reminder: [Reply 1/4] to Ben"))
    await clinic.move_to(due["letter_overdue"] + 5_000)
    alert = await rings(scene, scene.admin, _starts(tenant.admin_room, "Overdue:"))
    assert alert["content"]["m.mentions"] == {"room": True}
    await rings(scene, operator, _starts(case_room, "Overdue: [Reply 1/4] to Ben"))
    for user in (operator, scene.admin):
        await exactly_the_alerts(scene, user)
    await writer.close()


def _opener(scene: Scene) -> Any:
    async def users(homeserver: str, user_id: str, password: str) -> User:
        return await login(homeserver, user_id, password)

    return users
