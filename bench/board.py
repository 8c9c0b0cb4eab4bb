"""Board latency with a thousand topics on the board: an operator's answer to its author; prints
figures.

.venv/bin/python bench/board.py [--topics 1000] [--samples 20] [--operators 3]
                                [--backend sqlite|postgres]

A real Synapse and soudan on this machine. The background topics (with answers, follow-ups and
the events that show them) are written straight into soudan's database; the measured ones go
through Matrix: the author posts a topic in their board room, an operator answers in its thread
in the operators' board room, and the answer's copy reaches the author's board room. Every
measured body carries the local send time, so a latency is receipt (the receiver's sync) minus
that time, on one machine's clock.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from common import (  # beside it
    SERVER,
    SYNCED,
    log_problems,
    pct,
    print_report,
    row_counts,
    running_stack,
    until,
)
from mautrix.util.async_db import Database
from nio import AsyncClient, LoginResponse, RoomSendResponse, SyncResponse

from appservice.dev.testbed import Homeserver, Soudan, http_json

NAMES = ("Sakura", "Kaede", "Ren", "Hinata", "Mio", "Yui", "Rin", "Sora")
BACKGROUND_CLIENTS = 5
COMMAND_RUNS = 5
HOUR = 3_600_000
TAG = re.compile(r"bench-(?:topic|answer) (\S+) (\d+\.\d+)")
SUBJECTS = (
    "I cannot sleep before exams and my grades are slipping.",
    "My parents argue every night and I do not know who to talk to.",
    "Is it normal to feel tired all the time after moving to a new city?",
    "A friend stopped talking to me and I do not know what I did wrong.",
    "I want to quit my club but I am afraid of letting the team down.",
    "How do I tell my teacher that I am being left out in class?",
)


@dataclass
class Seen:
    sent: float  # the time in the body
    at: float  # this peer's sync returned it
    event_id: str


@dataclass
class Peer:
    """A logged-in account whose one long-running sync loop records what reaches it."""

    client: AsyncClient
    user_id: str
    events: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    tagged: dict[tuple[str, str], Seen] = field(default_factory=dict)  # (room, tag): first seen
    synced: bool = False
    task: asyncio.Task[None] | None = None

    async def _loop(self) -> None:
        while True:
            response = await self.client.sync(timeout=30000)
            now = time.time()
            if not isinstance(response, SyncResponse):
                await asyncio.sleep(0.5)
                continue
            for room_id, room in response.rooms.join.items():
                for event in room.timeline.events:
                    source = event.source
                    if source.get("sender") == self.user_id:
                        continue
                    self.events.append((room_id, source, now))
                    body = str(source.get("content", {}).get("body", ""))
                    if match := TAG.search(body):
                        seen = Seen(float(match.group(2)), now, str(source.get("event_id")))
                        self.tagged.setdefault((room_id, match.group(1)), seen)
            self.synced = True
            SYNCED.set()

    def find(
        self, predicate: Callable[[str, dict[str, Any]], bool], since: int = 0
    ) -> tuple[dict[str, Any], float] | None:
        for room_id, event, at in self.events[since:]:
            if predicate(room_id, event):
                return event, at
        return None

    async def wait(
        self, predicate: Callable[[str, dict[str, Any]], bool], since: int = 0, timeout: float = 60
    ) -> tuple[dict[str, Any], float]:
        return await until(lambda: self.find(predicate, since), timeout)

    async def send(self, room_id: str, content: dict[str, Any] | str) -> str:
        if isinstance(content, str):
            content = {"msgtype": "m.text", "body": content}
        response = await self.client.room_send(room_id, "m.room.message", content)
        if not isinstance(response, RoomSendResponse):
            raise RuntimeError(f"{self.user_id}: send failed: {response}")
        return str(response.event_id)

    async def command(self, room_id: str, text: str, timeout: float = 60) -> tuple[str, float]:
        """The bot's reply to a command, and the round trip in ms (send → reply received)."""
        since, start = len(self.events), time.time()
        event_id = await self.send(room_id, text)
        reply, at = await self.wait(replies_to(event_id, room_id), since, timeout)
        return str(reply.get("content", {}).get("body", "")), (at - start) * 1000

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
            with suppress(asyncio.CancelledError):
                await self.task
        await self.client.close()


def replies_to(event_id: str, room_id: str) -> Callable[[str, dict[str, Any]], bool]:
    def predicate(room: str, event: dict[str, Any]) -> bool:
        relates = event.get("content", {}).get("m.relates_to", {})
        return room == room_id and relates.get("m.in_reply_to", {}).get("event_id") == event_id

    return predicate


def showing(room_id: str, text: str) -> Callable[[str, dict[str, Any]], bool]:
    return lambda room, event: (
        room == room_id and text in str(event.get("content", {}).get("body", ""))
    )


def in_thread(root: str, body: str) -> dict[str, Any]:
    return {
        "msgtype": "m.text",
        "body": body,
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": root},
        },
    }


async def login(hs_url: str, user_id: str, password: str) -> Peer:
    client = AsyncClient(hs_url, user_id)
    if not isinstance(response := await client.login(password), LoginResponse):
        raise RuntimeError(f"login of {user_id} failed: {response}")
    peer = Peer(client, user_id)
    peer.task = asyncio.create_task(peer._loop())
    await until(lambda: peer.synced or None)
    return peer


class Api:
    def __init__(self, url: str, secret: str) -> None:
        self.base, self.secret = f"{url}/_soudan/provision/v1", secret

    async def __call__(self, method: str, path: str, body: Any = None) -> Any:
        status, data = await asyncio.to_thread(
            http_json, method, self.base + path, body, self.secret, 60
        )
        if status not in (200, 201):
            raise RuntimeError(f"{method} {path}: {status} {data}")
        return data


@dataclass
class Board:
    api: Api
    slug: str
    staff_room: str
    board_room: str  # the operators'
    operators: list[Peer]
    author: Peer
    author_room: str  # the author's board room
    background: list[str]  # user IDs of the clients who posted the background topics


async def setup(hs: Homeserver, api: Api, n_operators: int, marks: dict[str, float]) -> Board:
    start = time.monotonic()

    def mark(label: str) -> None:
        marks[label] = time.monotonic() - start - sum(marks.values())

    slug = f"b{secrets.token_hex(4)}"
    body = {"slug": slug, "preset": "counseling", "language": "en", "name": "Bench Board"}
    await api("POST", "/tenants", body)
    rooms = (await api("GET", f"/tenants/{slug}"))["rooms"]
    staff_room, board_room = rooms["staff"], rooms["board"]
    if not board_room:
        raise RuntimeError("the tenant has no operators' board room")
    await api("PATCH", f"/tenants/{slug}/board", {"daily": 1000})
    mark("tenant")

    async def operator(i: int) -> Peer:
        localpart, password = f"op{i}{secrets.token_hex(3)}", secrets.token_urlsafe(12)
        return await login(
            hs.url, await asyncio.to_thread(hs.register, localpart, password), password
        )

    operators = list(await asyncio.gather(*(operator(i) for i in range(n_operators))))
    for op in operators:  # one by one: each is checked against the seat limit
        await api("POST", f"/tenants/{slug}/operators", {"user_id": op.user_id})
    for op, name in zip(operators, NAMES * (1 + n_operators // len(NAMES)), strict=False):
        await op.client.join(staff_room)
        await op.client.join(board_room)
        answer, _ = await op.command(staff_room, f"!profile {name} | I listen.")
        if answer != "Your profile is set.":
            raise RuntimeError(f"!profile: {answer}")
    mark("operators")

    made = await api("POST", f"/tenants/{slug}/clients", {"nickname": "Author"})
    author = await login(hs.url, made["user_id"], made["password"])
    desk_room = str((await author.client.joined_rooms()).rooms[0])
    answer, _ = await author.command(desk_room, "!board")
    if not answer.startswith("Your board is open"):
        raise RuntimeError(f"!board: {answer}")
    joined = set((await author.client.joined_rooms()).rooms)
    (author_room,) = joined - {desk_room}
    await until(lambda: any(r == author_room for r, _, _ in author.events) or None)
    background = [
        (await api("POST", f"/tenants/{slug}/clients", {"nickname": f"Poster{i}"}))["user_id"]
        for i in range(BACKGROUND_CLIENTS)
    ]
    mark("author")
    return Board(api, slug, staff_room, board_room, operators, author, author_room, background)


def veterans(board: Board) -> list[str]:
    """The operators who answered background topics; the last operator is new and answered none."""
    ops = [op.user_id for op in board.operators]
    return ops[:-1] or ops


def background_rows(
    topics: int, first: int, now: int
) -> list[tuple[int, int, str, str, int, int | None, int | None, str | None, str, str]]:
    """(number, client index, ghost, body, created, closed, hidden, hidden_by, source, root)"""
    rows = []
    for n in range(first, first + topics):
        created = now - (first + topics - n + 1) * HOUR  # an hour apart, the newest 2 h old
        closed = created + 48 * HOUR if n % 50 == 0 else None
        hidden = created + HOUR if n % 97 == 0 else None
        rows.append(
            (
                n,
                n % BACKGROUND_CLIENTS,
                f"topic_bench{n}",
                f"Background topic {n}: {SUBJECTS[n % len(SUBJECTS)]}",
                created,
                closed,
                hidden,
                "author" if hidden else None,
                f"$bench-{n}",
                f"$bench-{n}-root",
            )
        )
    return rows


async def fill(db_url: str, board: Board, topics: int) -> tuple[int, int]:
    """Background topics with follow-ups (every 7th), answers (0–2 each, by the veterans) and
    the events that show them, straight into soudan's database; (first number, posts)."""
    db = Database.create(db_url)
    await db.start()
    try:
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", board.slug)
        first = int(await db.fetchval("SELECT next_topic FROM tenant WHERE id=$1", tenant_id))
        clients = [
            await db.fetchval("SELECT id FROM client WHERE user_id=$1", user_id)
            for user_id in board.background
        ]
        rooms = [f"!bench-board{i}:{SERVER}" for i in range(BACKGROUND_CLIENTS)]  # never used
        rows = background_rows(topics, first, int(time.time() * 1000))
        await db.executemany(
            "INSERT INTO board_topic (tenant_id, number, client_id, ghost, body, created_at, "
            "closed_at, hidden_at, hidden_by, source_event, root_event) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            [(tenant_id, r[0], clients[r[1]], *r[2:]) for r in rows],
        )
        await db.execute("UPDATE tenant SET next_topic=$2 WHERE id=$1", tenant_id, first + topics)
        ids = {
            int(row["number"]): int(row["id"])
            for row in await db.fetch(
                "SELECT id, number FROM board_topic WHERE tenant_id=$1", tenant_id
            )
        }
        staff = veterans(board)
        posts: list[tuple[int, int | None, str | None, str, int, int, str]] = []
        # (topic id, answer number, operator, body, created, topic number, kind of post)
        for n, _, _, _, created, *_ in rows:
            if n % 7 == 0:
                posts.append((ids[n], None, None, f"bench-bg {n}-f More detail.", created, n, "f"))
            for j in range(1, n % 3 + 1):
                operator = staff[(n + j) % len(staff)]
                text = f"bench-bg {n}-a{j} You are not alone; talking helps."
                posts.append((ids[n], j, operator, text, created + j * 600_000, n, f"a{j}"))
        await db.executemany(
            "INSERT INTO board_post (topic_id, number, operator_id, body, created_at, "
            "source_event) VALUES ($1, $2, $3, $4, $5, $6)",
            [(*p[:5], f"$bench-{p[5]}-{p[6]}") for p in posts],
        )
        post_ids = {
            str(row["source_event"]): int(row["id"])
            for row in await db.fetch(
                "SELECT p.id, p.source_event FROM board_post p JOIN board_topic t "
                "ON t.id=p.topic_id WHERE t.tenant_id=$1",
                tenant_id,
            )
        }
        # (room, event, topic id, post id, source): the originals and their copies
        events: list[tuple[str, str, int, int | None, str | None]] = []
        for n, client, *_ in rows:
            topic = ids[n]
            events.append((rooms[client], f"$bench-{n}", topic, None, None))
            events.append((board.board_room, f"$bench-{n}-root", topic, None, f"$bench-{n}"))
        for topic, number, _, _, _, n, kind in posts:
            source = f"$bench-{n}-{kind}"
            client_room = rooms[n % BACKGROUND_CLIENTS]
            here, there = (
                (board.board_room, client_room) if number else (client_room, board.board_room)
            )
            events.append((here, source, topic, post_ids[source], None))
            events.append((there, f"{source}-copy", topic, post_ids[source], source))
        await db.executemany(
            "INSERT INTO board_event (room_id, event_id, topic_id, post_id, source_event) "
            "VALUES ($1, $2, $3, $4, $5)",
            events,
        )
        return first, len(posts)
    finally:
        await db.stop()


async def table_sizes(db_url: str) -> str:
    db = Database.create(db_url)
    await db.start()
    try:
        return await row_counts(db, ("board_topic", "board_post", "board_event"))
    finally:
        await db.stop()


async def unanswered_counts(db_url: str, board: Board) -> dict[str, int]:
    """Per operator, the topics !unanswered lists (the query of Topic.unanswered_by)."""
    db = Database.create(db_url)
    await db.start()
    try:
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", board.slug)
        return {
            op.user_id: int(
                await db.fetchval(
                    "SELECT COUNT(*) FROM board_topic t WHERE tenant_id=$1 AND hidden_at IS NULL "
                    "AND closed_at IS NULL AND NOT EXISTS (SELECT 1 FROM board_post p WHERE "
                    "p.topic_id=t.id AND p.operator_id=$2 AND p.hidden_at IS NULL)",
                    tenant_id,
                    op.user_id,
                )
            )
            for op in board.operators
        }
    finally:
        await db.stop()


@dataclass
class Figure:
    name: str
    values: list[float]  # ms
    expected: int
    note: str = ""

    def line(self) -> str:
        v, got = self.values, f"{len(self.values)}/{self.expected}"
        cells = "".join(f"{x:>9.0f}" for x in (pct(v, 50), pct(v, 90), max(v, default=0)))
        return f"{self.name:<44}{got:>8}{cells}  {self.note}".rstrip()


def tag(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(3)}"


async def wait_tagged(peers: list[Peer], room_id: str, tags: list[str], timeout: float) -> None:
    """Until every peer has seen every tag in the room (or the timeout: then fewer)."""
    with suppress(TimeoutError):
        await until(
            lambda: all((room_id, t) in p.tagged for p in peers for t in tags) or None, timeout
        )


def latencies(peers: list[Peer], room_id: str, tags: list[str]) -> list[float]:
    seen = [p.tagged.get((room_id, t)) for p in peers for t in tags]
    return [(s.at - s.sent) * 1000 for s in seen if s]


async def post_topic(board: Board, i: int) -> str:
    label = tag("t")
    text = f"bench-topic {label} {time.time():.6f}\n{SUBJECTS[i % len(SUBJECTS)]} (sample {i})"
    await board.author.send(board.author_room, text)
    return label


def root_of(board: Board, label: str) -> str:
    return board.operators[0].tagged[(board.board_room, label)].event_id


async def answer(board: Board, op: Peer, root: str) -> str:
    label = tag("a")
    text = f"bench-answer {label} {time.time():.6f}\nThank you for writing; you are not alone."
    await op.send(board.board_room, in_thread(root, text))
    return label


async def one_at_a_time(board: Board, samples: int) -> list[Figure]:
    """Post a topic, wait for it in the operators' room, answer, wait for the copy; repeat."""
    ops, topic_tags, answer_tags, others = board.operators, [], [], []
    for i in range(samples):
        label = await post_topic(board, i)
        topic_tags.append(label)
        await wait_tagged(ops, board.board_room, [label], 60)
        if (board.board_room, label) not in ops[0].tagged:
            continue
        op = ops[i % len(ops)]
        answer_tag = await answer(board, op, root_of(board, label))
        answer_tags.append(answer_tag)
        await wait_tagged([board.author], board.author_room, [answer_tag], 60)
        others += latencies([p for p in ops if p is not op], board.board_room, [answer_tag])
    n, first = len(ops), answer_tags[: len(ops)]  # each operator's first: their ghost joins
    return [
        Figure(
            "answer → author",
            latencies([board.author], board.author_room, answer_tags),
            samples,
        ),
        Figure(
            "  of which each operator's first answer",
            latencies([board.author], board.author_room, first),
            min(n, samples),
            "member ghost made, joins",
        ),
        Figure(
            "  of which the later answers",
            latencies([board.author], board.author_room, answer_tags[n:]),
            max(0, samples - n),
        ),
        Figure(
            "topic → operators (root visible)",
            latencies(ops, board.board_room, topic_tags),
            samples * n,
        ),
        Figure("answer → other operators (Synapse floor)", others, samples * (n - 1), "no soudan"),
    ]


async def all_at_once(board: Board, samples: int) -> tuple[list[Figure], str]:
    """The author posts every topic at once; then every operator answers every topic at once."""
    ops = board.operators
    topic_tags = list(await asyncio.gather(*(post_topic(board, i) for i in range(samples))))
    await wait_tagged(ops, board.board_room, topic_tags, 120)
    roots = [root_of(board, t) for t in topic_tags if (board.board_room, t) in ops[0].tagged]
    start = time.time()
    answer_tags = list(await asyncio.gather(*(answer(board, op, r) for op in ops for r in roots)))
    sent = time.time() - start
    await wait_tagged([board.author], board.author_room, answer_tags, 180)
    arrived = [board.author.tagged.get((board.author_room, t)) for t in answer_tags]
    seconds = max((s.at for s in arrived if s), default=start) - start
    got = sum(1 for s in arrived if s)
    rate = (
        f"{got} answers in {seconds:.1f} s (sent within {sent:.1f} s): "
        f"{got / max(seconds, 1e-9):.1f} answers/s reach the author"
    )
    return [
        Figure(
            f"topics → operators ({samples} posted at once)",
            latencies(ops, board.board_room, topic_tags),
            samples * len(ops),
        ),
        Figure(
            f"answer → author ({len(ops)}×{len(roots)} at once)",
            latencies([board.author], board.author_room, answer_tags),
            len(ops) * samples,
        ),
    ], rate


async def commands(board: Board, viewed: int, open_for: dict[str, int]) -> list[Figure]:
    """Round trips of browsing and listing commands, each run a few times; ``open_for``: how
    many topics each operator has not answered (what !unanswered lists)."""
    author, room = board.author, board.author_room
    figures = []

    async def timed(name: str, peer: Peer, room_id: str, text: str) -> None:
        values, note = [], ""
        if text == "!unanswered":
            name += f", {open_for[peer.user_id]} open"
        for _ in range(COMMAND_RUNS):
            try:
                reply, ms = await peer.command(room_id, text, timeout=30)
            except TimeoutError:
                note = "no reply within 30 s"
                break
            values.append(ms)
            size = len(reply.encode())
            lines = reply.count("\n") + 1
            note = f"reply {lines} lines, {size / 1000:.1f} kB"
            if "went wrong" in reply:
                note = f"ERROR REPLY: {reply[:70]}"
        figures.append(Figure(name, values, COMMAND_RUNS, note))

    await timed("!topics (client, page 1)", author, room, "!topics")
    expected = [f"bench-bg {viewed}-f"] + [f"bench-bg {viewed}-a{j}" for j in (1, 2)]
    heads, full = [], []
    for _ in range(COMMAND_RUNS):
        since, start = len(author.events), time.time()
        event_id = await author.send(room, f"!topic {viewed}")
        try:
            _, head = await author.wait(replies_to(event_id, room), since, 30)
            shown = [(await author.wait(showing(room, x), since, 30))[1] for x in expected]
        except TimeoutError:
            break
        heads.append((head - start) * 1000)
        full.append((max(shown) - start) * 1000)
    figures.append(Figure(f"!topic {viewed} (client): first reply", heads, COMMAND_RUNS))
    figures.append(Figure(f"!topic {viewed}: all {len(expected)} posts shown", full, COMMAND_RUNS))
    veteran, newcomer = board.operators[0], board.operators[-1]
    await timed("!unanswered (operator)", veteran, board.board_room, "!unanswered")
    if newcomer is not veteran:
        await timed("!unanswered (new operator)", newcomer, board.board_room, "!unanswered")
    return figures


def viewed_topic(first: int, topics: int) -> int:
    """The newest background topic with a follow-up and two answers, not hidden."""
    for n in range(first + topics - 1, first - 1, -1):
        if n % 7 == 0 and n % 3 == 2 and n % 97 != 0:
            return n
    raise RuntimeError("too few background topics for !topic")


async def bench(
    hs: Homeserver, soudan: Soudan, secret: str, args: argparse.Namespace
) -> list[str]:
    marks: dict[str, float] = {}
    api = Api(soudan.url, secret)
    board = await setup(hs, api, args.operators, marks)
    try:
        start = time.monotonic()
        first, posts = await fill(soudan.database_url, board, args.topics)
        marks["background rows"] = time.monotonic() - start
        listed = await api("GET", f"/tenants/{board.slug}/board/topics")
        total = int(listed["total"])
        hidden = sum(1 for n in range(first, first + args.topics) if n % 97 == 0)
        closed = sum(1 for n in range(first, first + args.topics) if n % 50 == 0)
        start = time.monotonic()
        serial = await one_at_a_time(board, args.samples)
        marks["one at a time"] = time.monotonic() - start
        start = time.monotonic()
        burst, rate = await all_at_once(board, args.samples)
        marks["at once"] = time.monotonic() - start
        start = time.monotonic()
        open_for = await unanswered_counts(soudan.database_url, board)
        browsing = await commands(board, viewed_topic(first, args.topics), open_for)
        marks["commands"] = time.monotonic() - start
        await asyncio.sleep(1)  # the last log lines
    finally:
        for peer in [*board.operators, board.author]:
            await peer.close()
    sizes = await table_sizes(soudan.database_url)
    problems = await log_problems(soudan)
    header = f"{'figure, ms':<44}{'got':>8}{'median':>9}{'p90':>9}{'max':>9}"
    return [
        f"phases {sum(marks.values()):.1f} s: "
        + ", ".join(f"{k} {v:.1f}" for k, v in marks.items()),
        f"board before the live rounds: {total} topics (GET …/board/topics total; "
        f"{closed} closed, {hidden} hidden, by {BACKGROUND_CLIENTS} other clients), "
        f"{posts} posts (answers by {len(veterans(board))} operators, follow-ups)",
        f"after the run: {sizes}",
        f"{len(board.operators)} operators; {args.samples} topics one at a time (post, wait for "
        "the root, one operator answers in its thread, wait for the copy at the author)",
        header,
        *(f.line() for f in serial),
        f"then {args.samples} topics at once, and every operator answers every one at once",
        *(f.line() for f in burst),
        f"  throughput: {rate}",
        f"commands, send → bot reply received, {COMMAND_RUNS} runs each",
        *(f.line() for f in browsing),
        problems,
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--operators", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with running_stack(args.backend) as stack:
        lines = asyncio.run(bench(stack.hs, stack.soudan, stack.secret, args))
    print_report(stack, args.backend, lines)


if __name__ == "__main__":
    main()
