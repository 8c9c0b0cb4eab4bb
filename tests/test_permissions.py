"""Operator permissions end to end (seed 002): each setting on and off, what the operator can
and cannot do, and what the client receives."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .conftest import OpenUser, Stack
from .matrix import User, count, settle
from .tenants import Api, TenantFixture, add_operators, command, new_client, new_tenant

REFUSED_VIEW = "Not sent: your access is view only."
REFUSED_TEMPLATES = "Not sent: you may send templates only"


@dataclass
class Office:
    api: Api
    tenant: TenantFixture
    operators: list[User]

    async def client(self, users: OpenUser, stack: Stack, name: str) -> tuple[User, str]:
        return await new_client(stack, users, self.tenant, name)

    async def settings(self, operator: User, changes: str) -> str:
        answer = await self.tenant.command(f"!operator-settings {operator.user_id} {changes}")
        assert answer.startswith(f"Settings of {operator.user_id}:"), answer
        return answer

    async def take(self, operator: User, number: int) -> str:
        answer = await command(operator, self.tenant.staff_room, f"!take {number}")
        assert answer == f"Case #{number} has been taken.", answer
        return await self.joined_invite(operator)

    async def joined_invite(self, operator: User) -> str:
        room_id = await operator.wait_for_invite(ignore=(self.tenant.space_room,))
        await operator.join(room_id)
        return room_id

    async def private_room(self, operator: User) -> str:
        """Join the operator's private room once the bot has welcomed them there."""
        room_id = await self.joined_invite(operator)
        await operator.wait_for(_starts(room_id, "This is your private room."))
        return room_id


@pytest.fixture
async def office(stack: Stack, users: OpenUser) -> Office:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    return Office(api, tenant, await add_operators(stack, api, users, tenant, 3))


def _text(room_id: str, body: str):
    return lambda r, e: r == room_id and e.get("content", {}).get("body") == body


def _starts(room_id: str, start: str):
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


async def test_sending_settings_table(stack: Stack, office: Office, users: OpenUser) -> None:
    """Each row: the operator's settings, what they send in the case room, the bot's answer to
    them (or None), and what reaches the client (or None)."""
    tenant, operator = office.tenant, office.operators[0]
    slug = tenant.slug
    assert (await tenant.command("!set-intake Topic? | Work=w | Family=f")).startswith("The")
    await tenant.command("!set-personas on")
    assert (
        await tenant.command("!template-add greet Hello {nickname}, this is {operator} (#{case}).")
    ) == "Template “greet” added."
    client, room = await office.client(users, stack, "Yuki")
    assert await tenant.command("!client-note Yuki likes short answers") == "Note added to Yuki."
    await client.send_text(room, "I need help")
    await client.wait_for(_starts(room, "Topic?"))
    await client.send_text(room, "1")  # the intake answer: Work
    await client.wait_for(_starts(room, "Thank you. We are finding"))
    assert await command(operator, tenant.staff_room, "!persona personal Hana") == (
        "Clients now see you as “Hana”."
    )
    case_room = await office.take(operator, 1)
    card = await operator.wait_for(_starts(case_room, "Client: Yuki"))
    assert "Intake answer: Work" in card["content"]["body"]
    desk = f"Desk {slug}"
    hana = "Hello Yuki, this is Hana (#1)."
    # settings, the operator's line, the answer they get, what the client gets and from whom
    rows: list[tuple[str, str, str | None, str | None, str | None]] = [
        ("mode=send text=free persona=switch", "line one", None, "line one", "hana"),
        ("mode=view", "line two", REFUSED_VIEW, None, None),
        ("mode=view", "!t greet", REFUSED_VIEW, None, None),
        ("mode=send text=templates", "line three", REFUSED_TEMPLATES, None, None),
        ("text=templates", "!t greet", "▶ Template “greet”:\n" + hana, hana, "hana"),
        ("text=templates", "!t nosuch", "There is no template “nosuch”.", None, None),
        ("text=free", "line four", None, "line four", "hana"),
        ("persona=official", "as the desk", None, "as the desk", "desk"),
        (
            "persona=official",
            "!t greet",
            "▶ Template",
            f"Hello Yuki, this is {desk} (#1).",
            "desk",
        ),
        ("persona=personal", "!persona official", "You always speak as your personal", None, None),
        ("persona=switch", "!persona official", "Clients now see you as the official", None, None),
        ("persona=switch", "official again", None, "official again", "desk"),
        ("persona=personal", "as Hana again", None, "as Hana again", "hana"),
        ("notes=off", "!client", "Client: Yuki\nTags: -\nNotes: not shown to you", None, None),
        ("notes=off", "!client-note calm", "You are not allowed to see or change", None, None),
        ("notes=off", "!client-tag add vip", "You are not allowed to see or change", None, None),
        ("notes=on", "!client-note calm today", "Note added to Yuki.", None, None),
        ("notes=on", "!client", "Client: Yuki\nTags: -\nNotes (2):", None, None),
        ("intake=off", "!client", "Client: Yuki", None, None),
        ("intake=on", "!client", "Client: Yuki", None, None),
    ]
    senders: dict[str, str] = {}
    for changes, action, answer, received, speaker in rows:
        await office.settings(operator, changes)
        since = len(client.events)
        if answer is not None:
            where = tenant.staff_room if action.startswith("!persona") else case_room
            got = await command(operator, where, action)
            assert got.startswith(answer), (changes, action, got)
            if action == "!client":
                # Notes and the intake answer show only where the settings allow them.
                if changes.startswith("notes"):
                    assert ("likes short answers" in got) == (changes == "notes=on"), got
                else:
                    shown = "Intake answer: Work" in got
                    hidden = "Intake answer: not shown to you" in got
                    assert (shown, hidden) == (changes == "intake=on", changes == "intake=off")
        else:
            await operator.send_text(case_room, action)
        if received is None:
            continue
        event = await client.wait_for(_text(room, received), since=since)
        assert speaker is not None
        assert senders.setdefault(speaker, event["sender"]) == event["sender"], (changes, action)
    assert senders["desk"].startswith("@_soudan_desk_")
    assert senders["hana"] != senders["desk"]
    await settle(client, 1.5)
    for refused in ("line two", "line three", "!t greet", "!client"):
        assert count(client, _text(room, refused)) == 0
    for sent in ("line one", "line four", "as the desk", hana):
        assert count(client, _text(room, sent)) == 1, sent
    # Nothing the client received names the operator.
    for _, event in client.events:
        assert operator.user_id not in str(event)


async def test_scope_table(stack: Stack, office: Office, users: OpenUser) -> None:
    """Who may see and take which client: everyone, clients with given tags, or only the
    clients given to them."""
    tenant = office.tenant
    everyone, tagged, given = office.operators
    await office.settings(tagged, "scope=tags:vip")
    await office.settings(given, "scope=assigned")
    for operator in office.operators:
        assert await command(operator, tenant.staff_room, "!private") == (
            "Your private room is ready; look for the invite."
        )
    private = {op.user_id: await office.private_room(op) for op in office.operators}
    ann, ann_room = await office.client(users, stack, "Ann")
    await ann.send_text(ann_room, "hello from Ann")
    announced = await everyone.wait_for(_starts(tenant.staff_room, "New case #1 is waiting."))
    assert "Ann" not in announced["content"]["body"]  # restricted operators read this room too

    async def queue(operator: User) -> str:
        since = len(operator.events)
        assert await command(operator, tenant.staff_room, "!queue") == (
            "The queue is in your private room."
        )
        event = await operator.wait_for(
            lambda r, e: r == private[operator.user_id] and e["type"] == "m.room.message",
            since=since,
        )
        return str(event["content"]["body"])

    rows: list[tuple[User, str, str]] = [
        (everyone, "!queue", "#1 Ann"),
        (tagged, "!queue", "No case is waiting."),
        (given, "!queue", "No case is waiting."),
        (tagged, "!take 1", "Case #1 is outside the clients you may see."),
        (given, "!take 1", "Case #1 is outside the clients you may see."),
        (tenant.admin, "!client-tag Ann add vip", "Tagged Ann “vip”."),
        (tagged, "!queue", "#1 Ann"),
        (tagged, "!take 1", "Case #1 has been taken."),
    ]
    for who, action, expected in rows:
        if action == "!queue":
            got = await queue(who)
        else:
            room = tenant.admin_room if who is tenant.admin else tenant.staff_room
            got = await command(who, room, action)
        assert got.startswith(expected), (who.user_id, action, got)
    await office.joined_invite(tagged)
    ben, ben_room = await office.client(users, stack, "Ben")
    await ben.send_text(ben_room, "hello from Ben")
    await everyone.wait_for(_starts(tenant.staff_room, "New case #2 is waiting."))
    assert (await tenant.command(f"!assign 2 {tagged.user_id}")) == (
        f"{tagged.user_id} may not see this client."
    )
    assert (await tenant.command(f"!assign 2 {given.user_id}")) == (
        f"Case #2 is now with {given.user_id}."
    )
    await office.joined_invite(given)
    searches = [(everyone, ["#2", "#1"]), (tagged, ["#1"]), (given, ["#2"])]
    for operator, numbers in searches:
        got = await command(operator, private[operator.user_id], "!search")
        lines = got.splitlines()
        found = "1 case found" if len(numbers) == 1 else f"{len(numbers)} cases found"
        assert lines[0].startswith(found), got
        assert [line.split()[0] for line in lines[1:]] == numbers, got
    assert await command(given, private[given.user_id], "!case 1") == "There is no case #1."
    assert (await command(given, private[given.user_id], "!case 2")).startswith("Case #2 (Ben)")
    # Exports carry the same scope.
    export = await command(tagged, private[tagged.user_id], "!export csv")
    assert export.startswith("Exported 1 case to cases-"), export


async def test_notices_in_the_private_room(stack: Stack, office: Office, users: OpenUser) -> None:
    tenant = office.tenant
    watcher, quiet, no_new = office.operators
    await office.settings(watcher, "notify=dm")
    await office.settings(no_new, "notify=dm notify-new-case=off")
    await office.settings(quiet, "notify=none")
    rooms = {op.user_id: await office.private_room(op) for op in (watcher, no_new)}
    mine, other = rooms[watcher.user_id], rooms[no_new.user_id]
    cho, cho_room = await office.client(users, stack, "Cho")
    await cho.send_text(cho_room, "first")
    await watcher.wait_for(_text(mine, "New case #1 (Cho) is waiting."))
    case_room = await office.take(watcher, 1)
    await watcher.wait_for(_text(mine, "Case #1 (Cho) is now yours."))
    await cho.send_text(cho_room, "second")
    await cho.send_text(cho_room, "third")
    await watcher.wait_for(_text(case_room, "third"))
    message = _text(mine, "New message in case #1 (Cho).")
    await settle(watcher, 1)
    assert count(watcher, message) == 1  # once until the operator answers
    await watcher.send_text(case_room, "answer")
    await cho.wait_for(_text(cho_room, "answer"))
    await cho.send_text(cho_room, "fourth")
    await watcher.wait_for(lambda r, e: message(r, e) and count(watcher, message) == 2)
    await office.settings(watcher, "notify-message=off")
    await watcher.send_text(case_room, "answer two")
    await cho.wait_for(_text(cho_room, "answer two"))
    await cho.send_text(cho_room, "fifth")
    await watcher.wait_for(_text(case_room, "fifth"))
    await settle(no_new, 1)
    await settle(watcher, 1)
    assert count(watcher, message) == 2
    # The operator with new-case notices off heard nothing of it; the quiet one has no room.
    assert not [e for r, e in no_new.events if r == other and "New case" in str(e)]
    assert not [r for r in quiet.invites if r != tenant.space_room]
    # Nothing in a notice names the client's account.
    for _, event in watcher.events:
        assert cho.user_id not in str(event)
