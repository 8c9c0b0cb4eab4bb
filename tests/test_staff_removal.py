"""Removing staff takes everything away at once, end to end: a removed operator leaves every
room of the tenant (case rooms included) and their open cases go back to routing; a removed
admin leaves the admin room and the space; a removal cut short is finished later."""

from __future__ import annotations

import json
import secrets
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pytest
from mautrix.util.async_db import Database
from nio import RoomSendError

from appservice.dev.testbed import http_json

from .conftest import OpenUser, Stack
from .matrix import User, reply_to, settle
from .tenants import PREFIX, command
from .transactions import put_transaction, text_event


@dataclass
class Person:
    user_id: str
    password: str
    token: str


@dataclass
class Office:
    """One Japanese counseling tenant for the module, automatic assignment, and its staff: an
    admin and operators, each joined to the space, staff and board rooms (operators) or the
    admin room and the space (the admin). Each test takes operators of its own."""

    stack: Stack
    slug: str
    rooms: dict[str, str]
    admin: Person
    operators: list[Person] = field(default_factory=list)

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        token = str(self.stack.config["provisioning.shared_secret"])
        status, data = http_json(method, self.stack.soudan.url + PREFIX + path, body, token, 60)
        assert status == expect, (method, path, status, data)
        return data

    def person(self, prefix: str) -> Person:
        user_id, password = self.stack.new_user(prefix)
        return Person(user_id, password, self.stack.hs.login(user_id, password))

    def join(self, person: Person, room_id: str) -> None:
        url = f"{self.stack.hs.url}/_matrix/client/v3/join/{urllib.parse.quote(room_id)}"
        status, data = http_json("POST", url, {}, person.token)
        assert status == 200, (room_id, data)

    def add_operator(self) -> Person:
        operator = self.person("operator")
        self.call("POST", f"/tenants/{self.slug}/operators", {"user_id": operator.user_id}, 201)
        for kind in ("space", "staff", "board"):
            self.join(operator, self.rooms[kind])
        return operator

    def operator_path(self, person: Person) -> str:
        return f"/tenants/{self.slug}/operators/{urllib.parse.quote(person.user_id)}"

    def tenant_rooms(self) -> set[str]:
        return {room for room in self.rooms.values() if room}


@pytest.fixture(scope="module")
def office(stack: Stack) -> Office:
    slug = f"st{secrets.token_hex(4)}"
    token = str(stack.config["provisioning.shared_secret"])
    status, created = http_json(
        "POST",
        stack.soudan.url + PREFIX + "/tenants",
        {"slug": slug, "preset": "counseling", "language": "ja", "name": f"窓口 {slug}"},
        token,
        60,
    )
    assert status == 201, created
    user_id, password = stack.new_user("tadmin")
    admin = Person(user_id, password, stack.hs.login(user_id, password))
    office = Office(stack, slug, created["rooms"], admin)
    office.call("POST", f"/tenants/{slug}/admins", {"user_id": admin.user_id}, 201)
    office.join(admin, office.rooms["admin"])
    office.call("PUT", f"/tenants/{slug}/routing", {"mode": "auto", "limit": 5})
    return office


async def _log_in(office: Office, users: OpenUser, person: Person) -> User:
    return await users(office.stack.hs.url, person.user_id, person.password)


async def _client(office: Office, users: OpenUser, nickname: str) -> tuple[User, str]:
    created = office.call("POST", f"/tenants/{office.slug}/clients", {"nickname": nickname}, 201)
    user = await users(office.stack.hs.url, created["user_id"], created["password"])
    return user, (await user.client.joined_rooms()).rooms[0]


def _body(room_id: str, start: str):
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


async def _case_room(operator: User, text: str, known: set[str]) -> str:
    """The case room the operator is given, once the client's ``text`` shows up in it (other
    cases waiting in the queue may come to them first)."""
    ignored = set(known)
    while True:
        room_id = await operator.wait_for_invite(ignore=tuple(ignored))
        await operator.join(room_id)
        ignored.add(room_id)
        try:
            await operator.wait_for(_body(room_id, text), timeout=5)
        except AssertionError:
            continue
        return room_id


async def _online(office: Office, operator: User, status: str = "online") -> None:
    await command(operator, office.rooms["staff"], f"!status {status}")


async def _rooms_of(user: User) -> set[str]:
    """The rooms the user is in or invited to, as the homeserver says now."""
    joined = set((await user.client.joined_rooms()).rooms)
    await user.sync()
    return joined | set(user.invites)


async def _refused_send(user: User, room_id: str, body: str) -> None:
    response = await user.client.room_send(
        room_id, "m.room.message", {"msgtype": "m.text", "body": body}
    )
    assert isinstance(response, RoomSendError) and response.status_code == "M_FORBIDDEN"


async def _inject(office: Office, room_id: str, sender: str, body: str) -> str:
    """An event from ``sender`` as if the homeserver had delivered it (one sent just before
    the removal, processed just after); its ID."""
    event = text_event(room_id, sender, body)
    status, _ = await put_transaction(office.stack, f"staff-{secrets.token_hex(6)}", [event])
    assert status == 200
    return str(event["event_id"])


def _from_others(client: User, room_id: str, since: int) -> list[str]:
    """The bodies of the messages others sent in the client's room from index ``since`` on."""
    return [
        str(e["content"].get("body"))
        for r, e in client.events[since:]
        if r == room_id and e["type"] == "m.room.message" and e["sender"] != client.user_id
    ]


async def test_removed_operator_reaches_no_one_and_the_next_operator_takes_over(
    office: Office, users: OpenUser
) -> None:
    first_person, next_person = office.add_operator(), office.add_operator()
    office.call("PATCH", f"{office.operator_path(first_person)}/settings", {"notify": "dm"})
    admin = await _log_in(office, users, office.admin)
    first = await _log_in(office, users, first_person)
    private = await first.wait_for_invite()  # the private room their notices go to
    await first.join(private)
    nxt = await _log_in(office, users, next_person)
    await _online(office, first)
    client, desk = await _client(office, users, "Hana")
    await client.send_text(desk, "hello first")
    known = office.tenant_rooms() | {private}
    case_room = await _case_room(first, "hello first", known)
    await first.send_text(case_room, "answer from first")
    await client.wait_for(_body(desk, "answer from first"))
    await _online(office, nxt)
    assert case_room in await _rooms_of(first)
    mark = len(client.events)

    answer = await command(admin, office.rooms["admin"], f"!remove-operator {first.user_id}")
    assert answer.startswith(f"{first.user_id} をオペレーターから外し")
    # Gone from every room of the tenant at once: case, private, staff, board rooms, space.
    assert not (await _rooms_of(first)) & (known | {case_room})
    await _refused_send(first, case_room, "do you still hear me?")
    # The case went back to routing: the online operator gets the same case room, history and
    # all, with a word on why.
    assert await _case_room(nxt, "hello first", office.tenant_rooms()) == case_room
    await nxt.wait_for(
        lambda r, e: r == case_room and "スタッフから外れた" in str(e["content"].get("body"))
    )
    await nxt.wait_for(_body(case_room, "answer from first"))
    await client.send_text(desk, "are you still there?")
    await nxt.wait_for(_body(case_room, "are you still there?"))
    await nxt.send_text(case_room, "answer from next")
    await client.wait_for(_body(desk, "answer from next"))
    # The client was told nothing: the only word since is the next operator's answer.
    assert _from_others(client, desk, mark) == ["answer from next"]

    # An event of the removed operator that reaches soudan anyway is refused, with a reason in
    # the tenant's language, and changes nothing.
    leaked = await _inject(office, case_room, first.user_id, "a line after my removal")
    await nxt.wait_for(_body(case_room, "相談者には届けていません。"))
    for line in ("!close", "!client"):
        event_id = await _inject(office, case_room, first.user_id, line)
        refusal = await nxt.wait_for(reply_to(event_id, case_room))
        assert refusal["content"]["body"] == (
            "拒否しました。あなたはこのテナントのスタッフではなくなりました。"
        )
    await client.send_text(desk, "one more")
    await nxt.wait_for(_body(case_room, "one more"))  # still open, still relayed
    await settle(client, 1)
    assert _from_others(client, desk, mark) == ["answer from next"]
    assert leaked and not any("after my removal" in b for b in _from_others(client, desk, 0))
    # Removing again: refused, nothing changes.
    again = await command(admin, office.rooms["admin"], f"!remove-operator {first.user_id}")
    assert again == f"{first.user_id} はオペレーターではありません。"
    refused = office.call("DELETE", office.operator_path(first_person), expect=404)
    assert refused["errcode"] == "M_NOT_FOUND"
    await _online(office, nxt, "offline")


async def test_with_nobody_online_the_case_waits_quietly_for_the_next_operator(
    office: Office, users: OpenUser
) -> None:
    first_person, next_person = office.add_operator(), office.add_operator()
    first = await _log_in(office, users, first_person)
    nxt = await _log_in(office, users, next_person)
    await _online(office, first)
    client, desk = await _client(office, users, "Ken")
    await client.send_text(desk, "hello again")
    case_room = await _case_room(first, "hello again", office.tenant_rooms())
    await client.wait_for(_body(desk, "メッセージありがとうございます"))  # the greeting
    mark = len(client.events)

    office.call("DELETE", office.operator_path(first_person))  # the API's door this time
    assert not (await _rooms_of(first)) & (office.tenant_rooms() | {case_room})
    await client.send_text(desk, "is anyone there?")
    await settle(client, 1.5)
    assert _from_others(client, desk, mark) == []  # no "nobody can answer": nothing changed
    await _online(office, nxt)
    assert await _case_room(nxt, "is anyone there?", office.tenant_rooms()) == case_room
    await nxt.send_text(case_room, "I am here")
    await client.wait_for(_body(desk, "I am here"))
    assert _from_others(client, desk, mark) == ["I am here"]
    await _online(office, nxt, "offline")


async def test_removed_admin_leaves_the_admin_room_and_the_space(
    office: Office, users: OpenUser, admin: User
) -> None:
    person = office.person("tadmin")
    office.call("POST", f"/tenants/{office.slug}/admins", {"user_id": person.user_id}, 201)
    for kind in ("admin", "space", "board"):
        office.join(person, office.rooms[kind])
    removed = await _log_in(office, users, person)
    assert {office.rooms["admin"], office.rooms["space"]} <= await _rooms_of(removed)
    control = office.stack.control_room()

    answer = await command(admin, control, f"!remove-admin {office.slug} {person.user_id}")
    assert answer.startswith(f"{person.user_id} is no longer an admin of “窓口 {office.slug}”")
    assert not (await _rooms_of(removed)) & office.tenant_rooms()
    await _refused_send(removed, office.rooms["admin"], "!add-client Intruder")
    # A command of theirs that reaches soudan anyway is refused in the tenant's language and
    # adds no client.
    event_id = await _inject(office, office.rooms["admin"], person.user_id, "!add-client Eve")
    staying = await _log_in(office, users, office.admin)
    refusal = await staying.wait_for(reply_to(event_id, office.rooms["admin"]))
    assert refusal["content"]["body"] == "このルームでコマンドを使う権限がありません。"
    clients = office.call("GET", f"/tenants/{office.slug}/clients")["clients"]
    assert "Eve" not in {c.get("nickname") for c in clients}
    again = await command(admin, control, f"!remove-admin {office.slug} {person.user_id}")
    assert again == f"{person.user_id} is not an admin of “{office.slug}”."
    # Appointed again, they are invited back.
    office.call("POST", f"/tenants/{office.slug}/admins", {"user_id": person.user_id}, 201)
    await removed.sync()
    assert office.rooms["admin"] in removed.invites


async def _cut_short(office: Office, operator: Person, due_in_ms: int) -> None:
    """The state a crash leaves just after a removal was recorded, before any room work: the
    membership is gone and a removal is under way."""
    now = office.call("POST", "/debug/clock", {"advance_seconds": 0})["now"]
    db = Database.create(office.stack.config["database.url"])
    await db.start()
    try:
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", office.slug)
        payload = {
            "key": f"{tenant_id} operator {operator.user_id}",
            "tenant": tenant_id,
            "user": operator.user_id,
            "role": "operator",
        }
        await db.execute(
            "INSERT INTO timer (kind, due_at, payload) VALUES ('staff_left', $1, $2)",
            now + due_in_ms,
            json.dumps(payload),
        )
        await db.execute(
            "DELETE FROM tenant_member WHERE tenant_id=$1 AND user_id=$2",
            tenant_id,
            operator.user_id,
        )
    finally:
        await db.stop()


async def test_a_removal_cut_short_is_finished_by_its_timer_or_by_the_command_again(
    office: Office, users: OpenUser
) -> None:
    admin = await _log_in(office, users, office.admin)
    for finish in ("timer", "command"):
        person = office.add_operator()
        operator = await _log_in(office, users, person)
        await _online(office, operator)
        client, desk = await _client(office, users, f"Crash {finish}")
        await client.send_text(desk, f"before the crash {finish}")
        case_room = await _case_room(operator, f"before the crash {finish}", office.tenant_rooms())
        if finish == "timer":
            await _cut_short(office, person, 0)
            office.call("POST", "/debug/clock", {"advance_seconds": 0})  # runs what is due
        else:
            await _cut_short(office, person, 60_000)
            answer = await command(
                admin, office.rooms["admin"], f"!remove-operator {person.user_id}"
            )
            assert answer.startswith(f"{person.user_id} をオペレーターから外し")
        assert not (await _rooms_of(operator)) & (office.tenant_rooms() | {case_room})
        listing = await command(admin, office.rooms["admin"], "!operators")
        assert person.user_id not in listing
