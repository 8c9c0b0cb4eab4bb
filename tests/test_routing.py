"""Routing and time rules, end to end: who gets a case, and when."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import OpenUser, Stack
from .matrix import User, count, settle
from .tenants import Api, TenantFixture, add_operators, command, new_client, new_tenant

DAY = 24 * 3600


@dataclass
class Office:
    api: Api
    tenant: TenantFixture
    operators: list[User]

    async def client(self, users: OpenUser, stack: Stack, name: str) -> tuple[User, str]:
        return await new_client(stack, users, self.tenant, name)

    async def status(self, operator: User, status: str) -> None:
        answer = await command(operator, self.tenant.staff_room, f"!status {status}")
        assert answer.splitlines()[0] in ("Open now.", "Halted.") or "Closed" in answer


@pytest.fixture
async def office(stack: Stack, users: OpenUser) -> Office:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    operators = await add_operators(stack, api, users, tenant, 2)
    assert (await tenant.command("!set-mode auto 2")).startswith("Assignment: auto")
    return Office(api, tenant, operators)


def _body(room_id: str, start: str):
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


async def _assigned_to(office: Office, operator: User, text: str) -> str:
    """The case room the operator was given, once the client's ``text`` shows up there."""
    room_id = await operator.wait_for_invite(ignore=(office.tenant.space_room,))
    await operator.join(room_id)
    await operator.wait_for(_body(room_id, text))
    return room_id


async def _not_invited(office: Office, operator: User) -> None:
    await settle(operator, 1.5)
    assert not [r for r in operator.invites if r != office.tenant.space_room]


async def _advance(office: Office, seconds: float) -> int:
    return int((await office.api.ok("POST", "/debug/clock", {"advance_seconds": seconds}))["now"])


ABSENT = "Nobody can answer right now."


async def test_online_least_loaded_and_limit(
    stack: Stack, office: Office, users: OpenUser
) -> None:
    first, second = office.operators
    await office.status(first, "online")
    a, a_room = await office.client(users, stack, "A")
    await a.send_text(a_room, "from A")
    await _assigned_to(office, first, "from A")  # the only one online
    await office.status(second, "online")
    b, b_room = await office.client(users, stack, "B")
    await b.send_text(b_room, "from B")
    await _assigned_to(office, second, "from B")  # least loaded: second has none
    c, c_room = await office.client(users, stack, "C")
    await c.send_text(c_room, "from C")
    await _assigned_to(office, first, "from C")  # a tie: the first in the list gets it
    await office.tenant.command("!set-mode auto 1")
    await office.status(first, "break")
    d, d_room = await office.client(users, stack, "D")
    await d.send_text(d_room, "from D")
    await d.wait_for(_body(d_room, ABSENT))  # second is at the limit, first on a break
    await d.send_text(d_room, "still there?")
    await settle(d, 1)
    assert count(d, _body(d_room, ABSENT)) == 1
    await office.tenant.command("!set-mode auto 3")
    await office.status(second, "online")  # coming online (again) routes the waiting case
    await _assigned_to(office, second, "from D")


async def test_sticky_beats_load_and_nomination_beats_sticky(
    stack: Stack, office: Office, users: OpenUser
) -> None:
    first, second = office.operators
    await office.status(first, "online")
    client, room = await office.client(users, stack, "Sticky")
    await client.send_text(room, "hello first")
    case_room = await _assigned_to(office, first, "hello first")
    await first.send_text(case_room, "!close")
    await client.wait_for(_body(room, "How was this consultation?"))
    await client.send_text(room, "5")
    await client.wait_for(_body(room, "Thank you for your answer."))
    await office.status(second, "online")
    busy, busy_room = await office.client(users, stack, "Busy")
    await busy.send_text(busy_room, "load on first")
    await _assigned_to(office, first, "load on first")  # a tie at 0: the first in the list
    await client.send_text(room, "back again")
    again = await _assigned_to(office, first, "back again")  # sticky, though not less loaded
    await first.send_text(again, "!close")
    await client.wait_for(
        lambda r, e: (
            r == room
            and str(e["content"].get("body", "")).startswith("How was")
            and e["origin_server_ts"] > 0
            and count(client, _body(room, "How was")) == 2
        )
    )
    # Nomination: the second operator publishes a profile and accepts nominations.
    staff = office.tenant.staff_room
    assert await command(second, staff, "!nominations on") == (
        "Set your public name and text with !profile first."
    )
    assert await command(second, staff, "!profile Tanaka | Listens well") == "Your profile is set."
    assert (await command(second, staff, "!nominations on")).startswith("You accept nominations")
    listing = await command(client, room, "!operators")
    assert listing.splitlines()[1] == "1. Tanaka — Listens well"
    assert second.user_id not in listing
    assert (
        await command(client, room, "!nominate 2") == "The number must be between 1 and 1 (got 2)."
    )
    assert (await command(client, room, "!nominate 1")).startswith("You nominated Tanaka")
    await client.send_text(room, "for Tanaka")
    await _assigned_to(office, second, "for Tanaka")


async def test_nobody_online_then_someone_comes(
    stack: Stack, office: Office, users: OpenUser
) -> None:
    first, _ = office.operators
    client, room = await office.client(users, stack, "Early")
    for line in ("one", "two", "three"):
        await client.send_text(room, line)
    await client.wait_for(_body(room, ABSENT))
    await settle(client, 1)
    assert count(client, _body(room, ABSENT)) == 1
    await _not_invited(office, first)
    await office.status(first, "online")
    case_room = await _assigned_to(office, first, "one")
    await first.wait_for(_body(case_room, "three"))


async def test_sent_back_to_the_queue_is_routed_again_past_the_sender(
    stack: Stack, office: Office, users: OpenUser
) -> None:
    first, second = office.operators
    await office.status(first, "online")
    await office.status(second, "break")
    client, room = await office.client(users, stack, "Returned")
    await client.send_text(room, "help please")
    case_room = await _assigned_to(office, first, "help please")
    answer = await command(first, case_room, "!transfer queue")
    assert answer.endswith("is back in the queue.")
    # Nobody else is free: the case waits rather than going back to whoever sent it back,
    # even when routing runs again.
    await _not_invited(office, first)
    await office.status(first, "online")
    await _not_invited(office, first)
    # Someone comes: they get it, with its history.
    await office.status(second, "online")
    assert await _assigned_to(office, second, "help please") == case_room
    # Sent back again in auto mode, it goes at once to the other operator online.
    await command(second, case_room, "!transfer queue")
    assert await _assigned_to(office, first, "help please") == case_room
    await client.send_text(room, "still here")
    await first.wait_for(_body(case_room, "still here"))
    await first.send_text(case_room, "I am back with you")
    await client.wait_for(_body(room, "I am back with you"))
    assert count(client, _body(room, ABSENT)) == 0  # the client was told nothing


async def test_out_of_hours_and_opening_time(
    stack: Stack, office: Office, users: OpenUser
) -> None:
    first, _ = office.operators
    await office.status(first, "online")
    now = datetime.fromtimestamp(await _advance(office, 0) / 1000, ZoneInfo("Asia/Tokyo"))
    opening = (now + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    if opening.date() != now.date():
        opening = now.replace(hour=23, minute=30) if now.hour < 23 else opening
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[opening.weekday()]
    closes = opening + timedelta(minutes=30)
    hours = (
        f"{opening:%H:%M}-{closes:%H:%M}"
        if closes.date() == opening.date()
        else f"{opening:%H:%M}-24:00"
    )
    answer = await office.tenant.command(f"!set-hours {day} {hours}")
    assert answer.startswith("Closed until")
    client, room = await office.client(users, stack, "Night")
    for line in ("late one", "late two", "late three"):
        await client.send_text(room, line)
    closed = "We are closed at the moment."
    await client.wait_for(_body(room, closed))
    await settle(client, 1)
    assert count(client, _body(room, closed)) == 1
    await _not_invited(office, first)
    await _advance(office, (opening - now).total_seconds() + 5)
    case_room = await _assigned_to(office, first, "late one")
    await first.wait_for(_body(case_room, "late three"))
    await office.tenant.command(f"!set-hours {day} closed")


async def test_halt_stops_both_directions(stack: Stack, office: Office, users: OpenUser) -> None:
    first, _ = office.operators
    await office.status(first, "online")
    client, room = await office.client(users, stack, "Halted")
    await client.send_text(room, "before the halt")
    case_room = await _assigned_to(office, first, "before the halt")
    await office.tenant.command("!halt")
    await first.wait_for(_body(office.tenant.staff_room, "This tenant is halted"))
    await client.send_text(room, "during the halt 1")
    await client.send_text(room, "during the halt 2")
    await first.send_text(case_room, "operator during the halt")
    await client.wait_for(_body(room, "This service is paused"))
    await first.wait_for(_body(case_room, "This tenant is halted"))
    await settle(client, 1.5)
    await settle(first, 0.5)
    assert count(client, _body(room, "This service is paused")) == 1
    assert count(client, _body(room, "operator during the halt")) == 0
    assert count(first, _body(case_room, "during the halt")) == 0
    await office.tenant.command("!unhalt")
    await client.send_text(room, "after the halt")
    await first.wait_for(_body(case_room, "after the halt"))
    await first.send_text(case_room, "welcome back")
    await client.wait_for(_body(room, "welcome back"))


async def test_three_day_rules_across_a_restart(
    stack: Stack, office: Office, users: OpenUser
) -> None:
    first, second = office.operators
    staff = office.tenant.staff_room
    await office.status(second, "break")
    await command(first, staff, "!profile Sato | Here for you")
    await command(first, staff, "!nominations on")
    client, room = await office.client(users, stack, "Patient")
    await client.send_text(room, "is anyone there?")
    await client.wait_for(_body(room, ABSENT))
    opened = await _advance(office, 0)
    await asyncio.to_thread(stack.restart_soudan, True)
    # Timers are rows: after the restart, moving the clock three days on runs them.
    await office.api.ok("POST", "/debug/clock", {"to_ms": opened + (3 * DAY + 60) * 1000})
    apology = await client.wait_for(_body(room, "We are sorry that nobody could answer"))
    assert apology["sender"].startswith("@_soudan_desk_")
    await first.wait_for(_body(staff, f"{first.user_id}: three days without activity"))
    listing = await command(client, room, "!operators")
    assert listing == "Nobody accepts nominations at the moment."
    statuses = await command(first, staff, "!status")  # kept across the restart
    assert f"{second.user_id}: on a break (0 open)" in statuses.splitlines()
    await client.send_text(room, "new try")
    await client.wait_for(
        lambda r, e: (
            r == room
            and "Thank you for your message" in e["content"].get("body", "")
            and e["origin_server_ts"] > apology["origin_server_ts"]
        )
    )


BAD = [
    ("!set-hours mon 25:00-26:00", "“25:00-26:00” has an impossible time."),
    (
        "!set-hours mon 17:00-09:00",
        "“17:00-09:00” ends before it starts (split a range across midnight over two days).",
    ),
    ("!set-hours funday 09:00-10:00", "“fun” is not a weekday (mon to sun)."),
    ("!set-timezone Mars/Olympus", "There is no time zone “Mars/Olympus”."),
    ("!set-timezone " + "x" * 256, f"There is no time zone “{'x' * 40}…”."),
    ("!set-mode sometimes", "The mode is manual or auto, not “sometimes”."),
    ("!closed-date add 2026-02-30", "“2026-02-30” is not a date (such as 2026-12-31)."),
    (
        "!set-text goodbye Bye",
        "There is no text “goodbye” (choose out_of_hours, absent, halt, apology).",
    ),
]


async def test_bad_routing_input(stack: Stack, office: Office, users: OpenUser) -> None:
    before = await office.tenant.command("!hours")
    for text, expected in BAD:
        assert await office.tenant.command(text) == expected, text
    assert await office.tenant.command("!hours") == before
    client, room = await office.client(users, stack, "Picky")
    assert (
        await command(client, room, "!nominate 1") == "Nobody accepts nominations at the moment."
    )
    assert await command(office.operators[0], office.tenant.staff_room, "!status dancing") == (
        "The status is online, break or offline, not “dancing”."
    )


async def test_intake_answer_picks_the_team(stack: Stack, office: Office, users: OpenUser) -> None:
    first, second = office.operators
    assert (
        await office.tenant.command("!set-intake What is it about? | Work=work | Family=family")
        == "The intake question is set."
    )
    assert (
        await office.tenant.command("!set-intake Only a question")
        == "Write it as: question | answer=team | answer=team (two answers or more)"
    )
    assert (
        await office.tenant.command(f"!set-team {first.user_id} work")
        == f"{first.user_id} is in team: work"
    )
    await office.tenant.command(f"!set-team {second.user_id} family")
    await office.status(first, "online")
    await office.status(second, "online")
    client, room = await office.client(users, stack, "Topic")
    await client.send_text(room, "I have a question")
    poll = await client.wait_for(
        lambda r, e: r == room and e["type"] == "org.matrix.msc3381.poll.start"
    )
    assert poll["content"]["body"].startswith("What is it about?\n1. Work\n2. Family")
    await _not_invited(office, first)  # nobody gets it before the answer
    await client.client.room_send(
        room,
        "org.matrix.msc3381.poll.response",
        {
            "m.relates_to": {"rel_type": "m.reference", "event_id": poll["event_id"]},
            "org.matrix.msc3381.poll.response": {"answers": ["2"]},
        },
    )
    await client.wait_for(_body(room, "Thank you. We are finding the right person for you."))
    await _assigned_to(office, second, "I have a question")  # the family team
    await _not_invited(office, first)
    await office.tenant.command("!set-intake none")


async def test_hours_and_halt_through_the_api(stack: Stack, office: Office) -> None:
    api, slug = office.api, office.tenant.slug
    token = (await api.ok("POST", f"/tenants/{slug}/tokens", {"label": "hours"}))["token"]
    path = f"/tenants/{slug}/hours"
    before = await api.ok("GET", path, token=token)
    assert before["hours"] is None and before["state"] == "Open now."
    for body, message in (
        (
            {"hours": {"mon": "09:00-10:00", "tue": "25:00-26:00"}},
            "“25:00-26:00” has an impossible time.",
        ),
        ({"timezone": "Nowhere/City"}, "There is no time zone “Nowhere/City”."),
        ({"timezone": "Asia/" + "x" * 251}, f"There is no time zone “Asia/{'x' * 35}…”."),
        ({"timezone": "Asia"}, "There is no time zone “Asia”."),
        ({"closed_dates": ["2026-13-01"]}, "“2026-13-01” is not a date (such as 2026-12-31)."),
    ):
        status, data = await api.call("PUT", path, body, token=token)
        assert (status, data["error"]) == (400, message)
    assert await api.ok("GET", path, token=token) == before  # nothing changed, not even monday
    after = await api.ok(
        "PUT", path, {"timezone": "Europe/Berlin", "hours": {"mon": "09:00-17:00"}}, token=token
    )
    assert after["timezone"] == "Europe/Berlin" and after["hours"]["mon"] == [["09:00", "17:00"]]
    await api.ok("PUT", path, {"hours": {"mon": "closed"}, "timezone": "Asia/Tokyo"}, token=token)
    await api.ok("POST", f"/tenants/{slug}/halt", token=token)
    status, data = await api.call("POST", f"/tenants/{slug}/halt", token=token)
    assert (status, data["errcode"]) == (409, "SOUDAN_CONFLICT")
    assert (await api.ok("GET", path, token=token))["halted"] is True
    await api.ok("POST", f"/tenants/{slug}/unhalt", token=token)
