"""The board leaks nobody, end to end: crafted events from both sides (old-form reply fallbacks,
a fallback inside an edit, a leading newline, user pills, custom keys, raw HTML, a cross-sender
edit, a quote without a reply, a sticker, a location, a poll, a message of 64,900 characters),
then a scan of every raw sync each side ever received, a second client's `!topic` view
included, for the other sides' Matrix IDs, display names and event IDs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from nio import RoomSendResponse

from .conftest import Stack
from .matrix import Predicate, User, login, reply_to, settle
from .tenants import Api, TenantFixture, add_operators, command, new_client, new_tenant

pytestmark = pytest.mark.asyncio(loop_scope="module")

NAMES = ("Sakura", "Kaede", "Ren")
REAL_NAMES = ("Hayashi Mitsuko", "Okabe Tomoe", "Nishida Kaoru")  # the operators' own
TOPIC = "I cannot sleep before exams."
TOO_LONG = "Not posted: it has 64900 characters; the limit is 3000. Please shorten it."
TEXT_ONLY = "Not posted: the board takes text only."
LOCATION = "Not sent: locations are not passed on, because a location can identify you."
NOT_YOURS = "Not sent: only the person who wrote a message can edit it."
# Raw HTML that must never pass, and what it points at.
HOSTILE_HTML = (
    '<script>alert("x")</script><iframe src="https://evil.example/frame"></iframe>'
    '<img src="https://evil.example/pixel.png"><a href="data:text/html,evil">d</a>'
    '<a href="javascript:alert(1)">j</a>'
)
HOSTILE_MARKS = ("evil.example", "<script", "<iframe", "javascript:", "data:text")


@dataclass
class RawUser(User):
    """A user whose every sync response is kept as it came (timeline, state, account data,
    unsigned relations), and read from that raw JSON."""

    homeserver: str = ""
    raw: list[str] = field(default_factory=list)
    since: str | None = None

    async def sync(self, timeout_ms: int = 500) -> None:
        params = {
            "timeout": str(timeout_ms),
            "filter": json.dumps({"room": {"timeline": {"limit": 1000}}}),
        }
        if self.since:
            params["since"] = self.since
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        url = f"{self.homeserver}/_matrix/client/v3/sync"
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, params=params, headers=headers) as response,
        ):
            text = await response.text()
            assert response.status == 200, text
        self.raw.append(text)
        data = json.loads(text)
        self.since = data["next_batch"]
        rooms = data.get("rooms", {})
        for kind in ("join", "leave"):
            for room_id, room in rooms.get(kind, {}).items():
                for event in room.get("timeline", {}).get("events", []):
                    self.events.append((room_id, event))
        for room_id, room in rooms.get("invite", {}).items():
            self.invites[room_id] = room.get("invite_state", {}).get("events", [])

    def seen(self) -> str:
        return "\n".join(self.raw)


@dataclass
class Scene:
    stack: Stack
    api: Api
    tenant: TenantFixture
    operators: list[RawUser]
    room: str  # the operators' board room
    author: RawUser
    author_room: str
    browser: RawUser
    browser_room: str
    secrets: dict[str, list[str]]  # whose: the nicknames and display names they must keep
    topic_event: str = ""
    root: str = ""
    poster: str = ""  # the topic's ghost
    answer: str = ""  # Sakura's first answer, in the operators' room
    answer_copy: dict[str, Any] = field(default_factory=dict)  # and in the author's room
    driven: set[str] = field(default_factory=set)


async def _open(stack: Stack, opened: list[RawUser], user_id: str, password: str) -> RawUser:
    user = await login(stack.hs.url, user_id, password)
    raw = RawUser(user.client, user.user_id, homeserver=stack.hs.url)
    opened.append(raw)
    await raw.sync(timeout_ms=0)
    return raw


async def _send(user: User, room_id: str, content: dict[str, Any], kind: str = "") -> str:
    response = await user.client.room_send(room_id, kind or "m.room.message", content)
    assert isinstance(response, RoomSendResponse), (response, getattr(response, "message", ""))
    return str(response.event_id)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scene(stack: Stack) -> AsyncIterator[Scene]:
    opened: list[RawUser] = []

    async def users(_homeserver: str, user_id: str, password: str) -> User:
        return await _open(stack, opened, user_id, password)

    try:
        api = Api(stack)
        tenant = await new_tenant(stack, api, users)
        operators: list[RawUser] = await add_operators(stack, api, users, tenant, 3)  # type: ignore[assignment]
        room = (await api.ok("GET", f"/tenants/{tenant.slug}"))["rooms"]["board"]
        for operator, name, real in zip(operators, NAMES, REAL_NAMES, strict=True):
            await operator.client.set_displayname(real)
            await operator.join(room)
            answer = await command(operator, tenant.staff_room, f"!profile {name} | I listen.")
            assert answer == "Your profile is set.", answer
        clients = []
        for nickname in ("AoiSecretNick", "BotanSecretNick"):
            user, desk = await new_client(stack, users, tenant, nickname)
            answer = await command(user, desk, "!board")
            assert answer.startswith("Your board is open"), answer
            rooms = set((await user.client.joined_rooms()).rooms)  # type: ignore[union-attr]
            (board_room,) = rooms - {desk}
            shown = getattr(await user.client.get_displayname(), "displayname", None)
            clients.append((user, board_room, [nickname, *([shown] if shown else [])]))
        (author, author_room, a_names), (browser, browser_room, b_names) = clients
        secrets = {author.user_id: a_names, browser.user_id: b_names}
        for operator, real in zip(operators, REAL_NAMES, strict=True):
            secrets[operator.user_id] = [real]
        s = Scene(
            stack=stack,
            api=api,
            tenant=tenant,
            operators=operators,
            room=room,
            author=author,  # type: ignore[arg-type]
            author_room=author_room,
            browser=browser,  # type: ignore[arg-type]
            browser_room=browser_room,
            secrets=secrets,
        )
        s.topic_event = await _send(author, author_room, {"msgtype": "m.text", "body": TOPIC})
        root = await operators[0].wait_for(_body(room, TOPIC), timeout=30)
        s.root, s.poster = root["event_id"], root["sender"]
        s.answer = await _send(operators[0], room, _thread(s.root, "Answer from Sakura."))
        s.answer_copy = await author.wait_for(_body(author_room, "[Member] Sakura\nAnswer"))
        yield s
    finally:
        for user in opened:
            await user.close()


def _thread(root: str, body: str, reply: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "msgtype": "m.text",
        "body": body,
        **extra,
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": reply is None,
            "m.in_reply_to": {"event_id": reply or root},
        },
    }


def _old_reply(
    room_id: str, target: str, quoted: str, quoted_text: str, text: str, lead: str = ""
) -> dict[str, Any]:
    """A reply in the old form: the quoted sender in the body and in an ``mx-reply``."""
    link = f"https://matrix.to/#/{room_id}/{target}"
    return {
        "msgtype": "m.text",
        "body": f"{lead}> <{quoted}> {quoted_text}\n\n{text}",
        "format": "org.matrix.custom.html",
        "formatted_body": (
            f'{lead}<mx-reply><blockquote><a href="{link}">In reply to</a> '
            f'<a href="https://matrix.to/#/{quoted}">{quoted}</a><br>{quoted_text}'
            f"</blockquote></mx-reply>{text}"
        ),
        "m.relates_to": {"m.in_reply_to": {"event_id": target}},
    }


def _in_thread(content: dict[str, Any], root: str) -> dict[str, Any]:
    reply = content["m.relates_to"]["m.in_reply_to"]
    return {
        **content,
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": False,
            "m.in_reply_to": reply,
        },
    }


def _edit(target: str, new: dict[str, Any]) -> dict[str, Any]:
    return {
        "msgtype": "m.text",
        "body": "* " + new["body"],
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": target},
    }


def _body(room_id: str, start: str) -> Predicate:
    return lambda r, e: (
        r == room_id and str(e.get("content", {}).get("body", "")).startswith(start)
    )


def _exact(room_id: str, body: str) -> Predicate:
    return lambda r, e: r == room_id and e.get("content", {}).get("body") == body


def _new_content(room_id: str, start: str) -> Predicate:
    def predicate(r: str, e: dict[str, Any]) -> bool:
        new = e.get("content", {}).get("m.new_content", {})
        return r == room_id and str(new.get("body", "")).startswith(start)

    return predicate


async def _notice(user: User, room_id: str, event_id: str, expected: str) -> None:
    notice = await user.wait_for(reply_to(event_id, room_id), timeout=30)
    assert notice["content"]["body"] == expected, notice["content"]


_STICKER = {"body": "a sticker", "url": "mxc://soudan.test/sticker", "info": {"w": 64, "h": 64}}
_LOCATION = {"msgtype": "m.location", "body": "Here I am", "geo_uri": "geo:35.68,139.76"}
_POLL = {
    "org.matrix.msc3381.poll.start": {
        "question": {"org.matrix.msc1767.text": "Which day?"},
        "kind": "org.matrix.msc3381.poll.disclosed",
        "max_selections": 1,
        "answers": [
            {"id": "a", "org.matrix.msc1767.text": "Monday"},
            {"id": "b", "org.matrix.msc1767.text": "Friday"},
        ],
    },
    "org.matrix.msc1767.text": "Which day?",
}


async def test_what_a_client_posts_reaches_the_operators_filtered(scene: Scene) -> None:
    a, room, ops_room = scene.author, scene.author_room, scene.room
    watcher = scene.operators[2]

    async def operators_see(body: str) -> dict[str, Any]:
        return await watcher.wait_for(_exact(ops_room, body), timeout=30)

    # A quote-reply to their own topic in the old form: a follow-up, without the quote.
    follow_up = await _send(
        a, room, _old_reply(room, scene.topic_event, a.user_id, TOPIC, "It got worse.")
    )
    copy = await operators_see("It got worse.")
    assert copy["content"]["m.relates_to"]["event_id"] == scene.root
    # The fallback after a leading newline, in the thread.
    content = _old_reply(room, scene.topic_event, a.user_id, TOPIC, "A newline first.", "\n")
    await _send(a, room, _in_thread(content, scene.topic_event))
    await operators_see("A newline first.")
    # Pills (to themselves, to another client, to Sakura's member ghost), a bare ID, custom
    # keys and mentions.
    b, ghost = "@c-someoneelse:soudan.test", scene.answer_copy["sender"]
    pills = {
        **_thread(scene.topic_event, f"AoiShown: thanks BotanShown and {b}, Sakura"),
        "format": "org.matrix.custom.html",
        "formatted_body": (
            f'<a href="https://matrix.to/#/{a.user_id}">AoiShown</a>: thanks '
            f'<a href="https://matrix.to/#/{b}">BotanShown</a> and {b}, '
            f'<a href="https://matrix.to/#/{ghost}">Sakura</a>'
        ),
        "m.mentions": {"user_ids": [a.user_id, b]},
        "org.example.leak": {"who": a.user_id},
    }
    await _send(a, room, pills)
    await operators_see("someone: thanks someone and someone, Sakura")
    # Raw HTML: nothing of it passes.
    html = {
        **_thread(scene.topic_event, "Links below"),
        "format": "org.matrix.custom.html",
        "formatted_body": HOSTILE_HTML + "Links below",
    }
    await _send(a, room, html)
    await operators_see("Links below")
    # An edit whose new content carries a fallback.
    new = {"msgtype": "m.text", "body": f"> <{a.user_id}> {TOPIC}\n\nIt got much worse."}
    await _send(a, room, _edit(follow_up, new))
    edit = await watcher.wait_for(_new_content(ops_room, "It got much worse."), timeout=30)
    assert edit["content"]["m.new_content"]["body"] == "It got much worse."
    # An edit of Sakura's answer: refused, and the answer stays as it was.
    mine = {"msgtype": "m.text", "body": "Mine now"}
    edited = await _send(a, room, _edit(scene.answer_copy["event_id"], mine))
    await _notice(a, room, edited, NOT_YOURS)
    # A quote that is no reply keeps its text.
    await _send(a, room, _thread(scene.topic_event, "> only a quote"))
    await operators_see("> only a quote")
    # A sticker, a location, a poll: each answered, none posted.
    sticker = await _send(a, room, _STICKER, "m.sticker")
    await _notice(a, room, sticker, TEXT_ONLY)
    location = await _send(a, room, _LOCATION)
    await _notice(a, room, location, LOCATION)
    poll = await _send(a, room, _POLL, "org.matrix.msc3381.poll.start")
    await _notice(a, room, poll, TEXT_ONLY)
    # 64,900 characters: refused at once, and the next message is not held back.
    long = await _send(a, room, {"msgtype": "m.text", "body": "x" * 64900})
    after = await _send(a, room, _thread(scene.topic_event, "Right after the long one."))
    await _notice(a, room, long, TOO_LONG)
    await operators_see("Right after the long one.")
    assert after

    # What is stored is what the operators were shown; nothing refused was stored.
    topic = await scene.api.ok("GET", f"/tenants/{scene.tenant.slug}/board/topics/1")
    bodies = [post["body"] for post in topic["posts"]]
    assert topic["body"] == TOPIC
    assert bodies == [
        "Answer from Sakura.",
        "It got much worse.",
        "A newline first.",
        "someone: thanks someone and someone, Sakura",
        "Links below",
        "> only a quote",
        "Right after the long one.",
    ]
    listed = await scene.api.ok("GET", f"/tenants/{scene.tenant.slug}/board/topics")
    assert listed["total"] == 1  # the 64,900 characters opened no topic
    scene.driven.add("client")


async def test_what_operators_answer_reaches_the_client_filtered(scene: Scene) -> None:
    sakura, kaede, ren = scene.operators
    ops_room, a, room = scene.room, scene.author, scene.author_room

    async def author_sees(body: str) -> dict[str, Any]:
        return await a.wait_for(_body(room, body), timeout=30)

    # Kaede quote-replies to Sakura's answer in the old form, in the thread.
    content = _old_reply(ops_room, scene.answer, sakura.user_id, "Answer from Sakura.", "Agreed.")
    await _send(kaede, ops_room, _in_thread(content, scene.root))
    await author_sees("[Member] Kaede\nAgreed.\n\n")
    # Behind a leading newline.
    content = _old_reply(ops_room, scene.answer, sakura.user_id, "Answer", "Newline.", "\n\n")
    await _send(kaede, ops_room, _in_thread(content, scene.root))
    await author_sees("[Member] Kaede\nNewline.\n\n")
    # Pills to a colleague and to the poster's ghost, a bare ID, custom keys and mentions.
    pills = {
        **_thread(scene.root, f"{REAL_NAMES[0]} is right, Poster T-0001. Ask {ren.user_id} too."),
        "format": "org.matrix.custom.html",
        "formatted_body": (
            f'<a href="https://matrix.to/#/{sakura.user_id}">{REAL_NAMES[0]}</a> is right, '
            f'<a href="https://matrix.to/#/{scene.poster}">Poster T-0001</a>. '
            f"Ask {ren.user_id} too."
        ),
        "m.mentions": {"user_ids": [sakura.user_id, ren.user_id, scene.poster]},
        "org.example.leak": {"who": kaede.user_id},
    }
    await _send(kaede, ops_room, pills)
    await author_sees("[Member] Kaede\nSakura is right, Poster T-0001. Ask Ren too.\n\n")
    # Raw HTML.
    html = {
        **_thread(scene.root, "See the links"),
        "format": "org.matrix.custom.html",
        "formatted_body": HOSTILE_HTML + "See the links",
    }
    await _send(ren, ops_room, html)
    await author_sees("[Member] Ren\nSee the links\n\n")
    # Sakura edits her answer, with a fallback in the new content.
    new = {"msgtype": "m.text", "body": f"> <{kaede.user_id}> Agreed.\n\nRest first."}
    await _send(sakura, ops_room, _edit(scene.answer, new))
    edit = await a.wait_for(_new_content(room, "[Member] Sakura\nRest first.\n\n"), timeout=30)
    assert edit["content"]["m.relates_to"]["event_id"] == scene.answer_copy["event_id"]
    # Kaede edits Sakura's answer: refused.
    other = {"msgtype": "m.text", "body": "Kaede's words"}
    refused = await _send(kaede, ops_room, _edit(scene.answer, other))
    await _notice(kaede, ops_room, refused, NOT_YOURS)
    # A quote that is no reply keeps its text.
    await _send(sakura, ops_room, _thread(scene.root, "> only a quote"))
    await author_sees("[Member] Sakura\n> only a quote\n\n")
    # A sticker, a location, a poll, in the thread.
    relates = _thread(scene.root, "")["m.relates_to"]
    for content, kind, expected in (
        (_STICKER, "m.sticker", TEXT_ONLY),
        (_LOCATION, "", LOCATION),
        (_POLL, "org.matrix.msc3381.poll.start", TEXT_ONLY),
    ):
        event_id = await _send(ren, ops_room, {**content, "m.relates_to": relates}, kind)
        await _notice(ren, ops_room, event_id, expected)
    # As long as the homeserver takes in the thread (64,900 characters do not fit with the
    # relation in this room), then the next answer at once.
    length, long = 64900, None
    while long is None:
        content = _thread(scene.root, "y" * length)
        response = await ren.client.room_send(ops_room, "m.room.message", content)
        if isinstance(response, RoomSendResponse):
            long = str(response.event_id)
        else:
            assert response.status_code == "M_TOO_LARGE", response
            length -= 100
    assert length > 64000
    await _send(ren, ops_room, _thread(scene.root, "Right after the long answer."))
    too_long = TOO_LONG.replace("64900", str(length))
    await _notice(ren, ops_room, long, too_long)
    await author_sees("[Member] Ren\nRight after the long answer.\n\n")

    topic = await scene.api.ok("GET", f"/tenants/{scene.tenant.slug}/board/topics/1")
    answers = [post["body"] for post in topic["posts"] if post["kind"] == "answer"]
    assert answers == [
        "Rest first.",
        "Agreed.",
        "Newline.",
        "Sakura is right, Poster T-0001. Ask Ren too.",
        "See the links",
        "> only a quote",
        "Right after the long answer.",
    ]
    scene.driven.add("operators")


async def test_nobody_on_any_side_learns_who_the_others_are(scene: Scene) -> None:
    assert scene.driven == {"client", "operators"}, "run with the tests before it"
    b, room = scene.browser, scene.browser_room
    since = len(b.events)
    opened = await command(b, room, "!topic 1")
    assert opened.startswith("T-0001 (") and TOPIC in opened
    await b.wait_for(_body(room, "The poster adds:\nIt got much worse."), since=since)
    await b.wait_for(_body(room, "The poster adds:\nsomeone: thanks someone"), since=since)
    await b.wait_for(_body(room, "[Member] Kaede\nSakura is right, Poster T-0001."), since=since)
    await command(b, room, "!topic 1 2")
    await b.wait_for(_body(room, "[Member] Ren\nRight after the long answer."), since=since)
    await b.wait_for(_body(room, "The poster adds:\n> only a quote"), since=since)

    clients = [scene.author, b]
    everyone: list[RawUser] = [*clients, *scene.operators]
    for user in everyone:
        await settle(user, 1)
    own = {user.user_id for user in everyone}  # what soudan sent is anything else
    # Every event each side has in its rooms: none may reach another side.
    ops_events = {e["event_id"] for r, e in _all(scene.operators) if r == scene.room}
    client_events = {
        client.user_id: {e["event_id"] for r, e in client.events if "event_id" in e}
        for client in clients
    }
    assert len(ops_events) > 20 and all(len(ids) > 10 for ids in client_events.values())

    def hidden_from(viewer: RawUser) -> list[str]:
        """The IDs, names and event IDs of every user on another side than ``viewer``."""
        others = [u for u in everyone if u is not viewer]
        if viewer in scene.operators:
            others = clients
        marks = [u.user_id for u in others]
        for u in others:
            marks += scene.secrets[u.user_id]
            if u in clients:
                marks += client_events[u.user_id]
        if viewer in clients:
            marks += ops_events
        return marks

    for viewer in everyone:
        seen = viewer.seen()
        for mark in hidden_from(viewer):
            assert mark not in seen, (viewer.user_id, mark)
    # What soudan sent each side carries nothing of the crafted content.
    for viewer in everyone:
        assert scene.poster not in viewer.seen() or viewer in scene.operators
        copies = [
            json.dumps(e)
            for r, e in viewer.events
            if r in (scene.room, scene.author_room, scene.browser_room)
            and e.get("sender") not in own
        ]
        assert copies
        for mark in (*HOSTILE_MARKS, "org.example.leak", '"m.mentions"'):
            assert not any(mark in copy for copy in copies), (viewer.user_id, mark)


def _all(users: list[RawUser]) -> list[tuple[str, dict[str, Any]]]:
    return [item for user in users for item in user.events]
