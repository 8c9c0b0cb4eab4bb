"""The case relay against crafted events from both sides: nothing of one side reaches the
other but what the leak filter lets through, and every refused item is told to its sender."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from mautrix.util.async_db import Database

from appservice.i18n import number, t

from .conftest import OpenUser, Stack
from .matrix import User, history, reply_to
from .tenants import Api, add_operators, command, login_details, new_tenant

LANG = "ja"
BIG = 64_900
SYNC_FILTER = json.dumps({"room": {"timeline": {"limit": 100}}})


@dataclass
class Recorder:
    """Every raw /sync answer one account gets, from its first (full state) sync on."""

    url: str
    user: User
    raw: list[str] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    async def _get(self, session: aiohttp.ClientSession, params: dict[str, str]) -> str:
        headers = {"Authorization": f"Bearer {self.user.client.access_token}"}
        async with session.get(
            f"{self.url}/_matrix/client/v3/sync", params=params, headers=headers
        ) as response:
            text = await response.text()
            assert response.status == 200, text
            return text

    async def _run(self) -> None:
        since = None
        async with aiohttp.ClientSession() as session:
            while True:
                params = {"filter": SYNC_FILTER, "timeout": "1000"}
                if since:
                    params["since"] = since
                else:
                    params["full_state"] = "true"
                text = await self._get(session, params)
                self.raw.append(text)
                since = json.loads(text)["next_batch"]

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def everything(self) -> str:
        """All it received, plus one last full sync and every joined room's whole history."""
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        async with aiohttp.ClientSession() as session:
            full = await self._get(
                session,
                {
                    "filter": json.dumps({"room": {"timeline": {"limit": 1000}}}),
                    "full_state": "true",
                },
            )
        rooms = json.loads(full)["rooms"]["join"]
        histories = [await history(self.url, self.user, room_id) for room_id in rooms]
        return "\n".join([*self.raw, full, json.dumps(histories), json.dumps(self.user.events)])


def _body(room_id: str, body: str) -> Any:
    return lambda r, e: r == room_id and e.get("content", {}).get("body") == body


def _edit_of(room_id: str, event_id: str) -> Any:
    def predicate(r: str, e: dict[str, Any]) -> bool:
        relates = e.get("content", {}).get("m.relates_to", {})
        return r == room_id and relates == {"rel_type": "m.replace", "event_id": event_id}

    return predicate


async def _send(
    user: User, room_id: str, content: dict[str, Any], kind: str = "m.room.message"
) -> str:
    response = await user.client.room_send(room_id, kind, content)
    event_id = getattr(response, "event_id", None)
    assert event_id, response
    return str(event_id)


def _reply(to: str, sender: str, quoted: str, text: str, newline: bool = False) -> dict:
    lead = "\n" if newline else ""
    return {
        "msgtype": "m.text",
        "body": f"{lead}> <{sender}> {quoted}\n\n{text}",
        "format": "org.matrix.custom.html",
        "formatted_body": f'{lead}<mx-reply><blockquote><a href="https://matrix.to/#/!r:x/{to}">'
        f'In reply to</a> <a href="https://matrix.to/#/{sender}">{sender}</a><br>{quoted}'
        f"</blockquote></mx-reply>{text}",
        "m.relates_to": {"m.in_reply_to": {"event_id": to}},
        "m.mentions": {"user_ids": [sender]},
    }


def _edit(of: str, sender: str, quoted: str, text: str) -> dict:
    return {
        "msgtype": "m.text",
        "body": f"* {text}",
        "m.new_content": {
            "msgtype": "m.text",
            "body": f"> <{sender}> {quoted}\n\n{text}",
            "format": "org.matrix.custom.html",
            "formatted_body": f"<mx-reply><blockquote>{sender} {quoted}</blockquote></mx-reply>"
            + text,
        },
        "m.relates_to": {"rel_type": "m.replace", "event_id": of},
    }


def _pills(me: str, my_name: str, other: str, other_name: str, text: str) -> dict:
    return {
        "msgtype": "m.text",
        "body": f"{my_name}, {other_name} and {me}: {text}",
        "format": "org.matrix.custom.html",
        "formatted_body": f'<a href="https://matrix.to/#/{me}">{my_name}</a>, '
        f'<a href="https://matrix.to/#/{other}">{other_name}</a> and '
        f'<a href="matrix:u/{me[1:]}">{me}</a>: {text}',
        "m.mentions": {"user_ids": [me, other]},
    }


def _custom(me: str, text: str) -> dict:
    return {
        "msgtype": "m.text",
        "body": text,
        "fi.custom.sender": me,
        "external_url": f"https://example.org/{me}",
    }


def _html(text: str) -> dict:
    return {
        "msgtype": "m.text",
        "body": text,
        "format": "org.matrix.custom.html",
        "formatted_body": f'<script>alert(1)</script><iframe src="https://evil.example/f">'
        f'</iframe><img src="https://evil.example/i.png"><a href="data:text/html,x">d</a>'
        f'<a href="javascript:alert(1)">j</a><b>{text}</b>',
    }


STICKER = {"body": "a cat", "url": "mxc://soudan.test/cat", "info": {"mimetype": "image/png"}}
LOCATION = {"msgtype": "m.location", "body": "here", "geo_uri": "geo:35.68,139.76"}
POLL = {
    "org.matrix.msc3381.poll.start": {
        "question": {"org.matrix.msc1767.text": "Lunch?"},
        "kind": "org.matrix.msc3381.poll.disclosed",
        "answers": [{"id": "a", "org.matrix.msc1767.text": "yes"}],
    },
    "org.matrix.msc1767.text": "Lunch?",
}


async def _refused(user: User, room: str, event_id: str, text: str) -> None:
    notice = await user.wait_for(reply_to(event_id, room))
    assert notice["content"]["body"] == text


async def _crafted(
    me: User,
    my_room: str,
    my_name: str,
    other_id: str,
    other_name: str,
    peer: User,
    peer_room: str,
    mine: str,
    theirs_copy: str,
    tag: str,
) -> dict[str, str]:
    """Every crafted event from ``me`` (in ``my_room``), checked on ``peer``'s side.

    ``mine``: an event of ``me``'s to reply to; ``theirs_copy``: a copy in ``my_room`` of
    the other side's message. Returns what each copied line's text was stored under."""
    refused = {
        "edit": t(LANG, "relay.refused.edit"),
        "location": t(LANG, "relay.refused.location"),
        "poll": t(LANG, "relay.refused.poll"),
    }
    sources: dict[str, str] = {}
    # old-form reply fallbacks, with a leading newline too, and a fallback inside an edit
    sources["reply"] = await _send(me, my_room, _reply(mine, me.user_id, "earlier", f"{tag} A"))
    reply = await peer.wait_for(_body(peer_room, f"{tag} A"))
    assert "formatted_body" not in reply["content"] or reply["content"]["formatted_body"] == (
        f"{tag} A"
    )
    assert "m.in_reply_to" in reply["content"]["m.relates_to"]
    sources["edit"] = await _send(
        me, my_room, _edit(sources["reply"], me.user_id, "earlier", f"{tag} A2")
    )
    edit = await peer.wait_for(_edit_of(peer_room, reply["event_id"]))
    assert edit["content"]["m.new_content"]["body"] == f"{tag} A2"
    assert edit["content"]["m.new_content"]["formatted_body"] == f"{tag} A2"
    await _send(me, my_room, _reply(mine, me.user_id, "earlier", f"{tag} B", newline=True))
    newline = await peer.wait_for(_body(peer_room, f"{tag} B"))
    assert newline["content"]["formatted_body"] == f"{tag} B"
    # pills, custom keys and raw HTML
    await _send(me, my_room, _pills(me.user_id, my_name, other_id, other_name, f"{tag} C"))
    pills = await peer.wait_for(
        lambda r, e: r == peer_room and e["content"].get("body", "").endswith(f"{tag} C")
    )
    await _send(me, my_room, _custom(me.user_id, f"{tag} D"))
    custom = await peer.wait_for(_body(peer_room, f"{tag} D"))
    assert set(custom["content"]) <= {"msgtype", "body", "fi.soudan.relay"}
    await _send(me, my_room, _html(f"{tag} E"))
    markup = await peer.wait_for(_body(peer_room, f"{tag} E"))
    assert markup["content"]["formatted_body"] == f"<img><a>d</a><a>j</a><b>{tag} E</b>"
    # someone else's message edited: refused, and said so
    cross = await _send(me, my_room, _edit(theirs_copy, me.user_id, "x", f"{tag} hijack"))
    await _refused(me, my_room, cross, refused["edit"])
    # a quote that is no reply keeps its text
    await _send(me, my_room, {"msgtype": "m.text", "body": f"> only a quote {tag}"})
    await peer.wait_for(_body(peer_room, f"> only a quote {tag}"))
    # a sticker arrives as an image; a location and a poll are refused with a word
    await _send(me, my_room, {**STICKER, "body": f"{tag} sticker"}, "m.sticker")
    sticker = await peer.wait_for(_body(peer_room, f"{tag} sticker"))
    assert sticker["type"] == "m.room.message"
    assert sticker["content"]["msgtype"] == "m.image"
    assert sticker["content"]["url"] == STICKER["url"]
    where = await _send(me, my_room, LOCATION)
    await _refused(me, my_room, where, refused["location"])
    poll = await _send(me, my_room, POLL, "org.matrix.msc3381.poll.start")
    await _refused(me, my_room, poll, refused["poll"])
    # a message too large to copy is refused at once, and the next one is not held back
    big = await _send(me, my_room, {"msgtype": "m.text", "body": "x" * BIG})
    notice = await me.wait_for(reply_to(big, my_room))
    limit = number(LANG, 65536 - 4096)
    assert notice["content"]["body"].startswith("送信されませんでした")
    assert f"{limit} バイトまで" in notice["content"]["body"]
    await _send(me, my_room, {"msgtype": "m.text", "body": f"{tag} after the big one"})
    await peer.wait_for(_body(peer_room, f"{tag} after the big one"))
    copies = [e for r, e in peer.events if r == peer_room and e["sender"] != peer.user_id]
    received = [e["content"].get("body", "") for e in copies]
    assert not any(len(body) > 60_000 for body in received)
    assert received.index(f"{tag} after the big one") > received.index(f"{tag} sticker")
    # nothing of what was refused came through
    assert not any(
        "hijack" in str(body) or "Lunch" in str(body) or "geo:" in str(body) for body in received
    )
    return {**sources, "pills": pills["content"]["body"]}


async def _stored_text(stack: Stack, source_event: str) -> str | None:
    db = Database.create(stack.config["database.url"])
    await db.start()
    try:
        return await db.fetchval("SELECT body FROM event_map WHERE source_event=$1", source_event)
    finally:
        await db.stop()


async def test_crafted_events_leak_nothing_either_way(stack: Stack, users: OpenUser) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users, preset="workplace", language=LANG)
    operator, bystander = await add_operators(stack, api, users, tenant, 2)
    user_id, password = login_details(await tenant.command("!add-client Yuki"))
    client = await users(stack.hs.url, user_id, password)
    room = (await client.client.joined_rooms()).rooms[0]
    await client.client.set_displayname("Mizuki Real")
    await operator.client.set_displayname("Sato Hanako")
    await bystander.client.set_displayname("Other Staffer")
    client_sync, operator_sync = Recorder(stack.hs.url, client), Recorder(stack.hs.url, operator)
    client_sync.start()
    operator_sync.start()

    first = await client.send_text(room, "hello")
    await command(operator, tenant.staff_room, "!take 1")
    case_room = await operator.wait_for_invite(ignore=(tenant.space_room,))
    await operator.join(case_room)
    first_copy = await operator.wait_for(_body(case_room, "hello"))
    ghost = first_copy["sender"]
    alias = (await operator.client.get_displayname(ghost)).displayname
    welcome_source = await operator.send_text(case_room, "welcome")
    welcome = await client.wait_for(_body(room, "welcome"))
    desk_name = f"Desk {tenant.slug}"

    client_side = await _crafted(
        client, room, "Mizuki Real", welcome["sender"], desk_name,
        operator, case_room, first, welcome["event_id"], "client",
    )  # fmt: skip
    operator_side = await _crafted(
        operator, case_room, "Sato Hanako", bystander.user_id, "Other Staffer",
        client, room, welcome_source, first_copy["event_id"], "operator",
    )  # fmt: skip

    # Pills name people as the receiver knows them.
    someone = t(LANG, "relay.someone")
    assert client_side["pills"] == f"{alias}, {desk_name} and {alias}: client C"
    assert operator_side["pills"] == f"{desk_name}, {someone} and {desk_name}: operator C"
    # The history keeps the filtered text.
    for side in (client_side, operator_side):
        tag = "client" if side is client_side else "operator"
        assert await _stored_text(stack, side["reply"]) == f"{tag} A"
        assert await _stored_text(stack, side["edit"]) == f"{tag} A2"

    # Everything each side ever received names nothing of the other side: no Matrix ID,
    # display name, room or event ID.
    operator_view = await operator_sync.everything()
    client_view = await client_sync.everything()
    assert "client A2" in operator_view and "operator A2" in client_view  # the scans saw it
    client_secrets = [client.user_id, "Mizuki Real", room]
    client_secrets += [e["event_id"] for e in await history(stack.hs.url, client, room)]
    operator_secrets = [operator.user_id, bystander.user_id, "Sato Hanako", "Other Staffer"]
    operator_secrets += [case_room, ghost]
    operator_secrets += [e["event_id"] for e in await history(stack.hs.url, operator, case_room)]
    assert first in client_secrets and welcome_source in operator_secrets
    leaked_to_operator = [s for s in client_secrets if s in operator_view]
    leaked_to_client = [s for s in operator_secrets if s in client_view]
    assert leaked_to_operator == [] and leaked_to_client == []
