"""Relay latency and throughput through soudan, against Synapse's own floor; prints figures.

.venv/bin/python bench/relay.py [--cases 50] [--messages 10] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import secrets
import sqlite3
import time
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from importlib.metadata import version
from typing import Any

import asyncpg
from common import SYNCED, pct, running_stack, until  # beside this file
from nio import AsyncClient, LoginResponse, RoomSendResponse, SyncResponse

from appservice.bot import txn_for
from appservice.dev.testbed import Homeserver, Soudan, http_json

TAG = re.compile(r"^bench (\S+) (\d+\.\d+)$")
STAMP = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) DEBUG \S+ "
COMMIT = re.compile(STAMP + r"Transaction (\S+): \d+ events, \d+ kept$")
SEND = re.compile(STAMP + r"req #\d+: PUT \S*/send/m\.room\.message/(soudan-[0-9a-f]+)")
Route = tuple["Peer", str, "Peer", str]  # sender, its room, receiver, its room


@dataclass
class Peer:
    """A logged-in account whose one long-running sync loop records what reaches it."""

    client: AsyncClient
    user_id: str
    got: dict[str, tuple[float, float]] = field(default_factory=dict)  # id: (sent, received)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (room, body) of the others
    invites: set[str] = field(default_factory=set)
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
                    if event.source.get("sender") == self.user_id:
                        continue
                    body = str(event.source.get("content", {}).get("body", ""))
                    if match := TAG.match(body):
                        self.got[match.group(1)] = (float(match.group(2)), now)
                    else:
                        self.texts.append((room_id, body))
            self.invites.update(response.rooms.invite)
            SYNCED.set()

    def seen(self, room_id: str, text: str) -> bool | None:
        return any(r == room_id and text in body for r, body in self.texts) or None

    async def send(self, room_id: str, body: str) -> str:
        content = {"msgtype": "m.text", "body": body}
        response = await self.client.room_send(room_id, "m.room.message", content)
        if not isinstance(response, RoomSendResponse):
            raise RuntimeError(f"{self.user_id}: send failed: {response}")
        return str(response.event_id)


async def login(hs_url: str, user_id: str, password: str) -> Peer:
    client = AsyncClient(hs_url, user_id)
    if not isinstance(response := await client.login(password), LoginResponse):
        raise RuntimeError(f"login of {user_id} failed: {response}")
    peer = Peer(client, user_id)
    peer.task = asyncio.create_task(peer._loop())
    return peer


@dataclass
class Phase:
    name: str
    expected: int
    seconds: float  # first send to last receipt
    done: list[tuple[str, str, float, float]]  # (source event, target room, sent, received)

    @property
    def latencies(self) -> list[float]:
        return [(received - sent) * 1000 for _, _, sent, received in self.done]


async def run_phase(name: str, routes: list[Route], m: int) -> Phase:
    """Every sender sends M messages back to back, all routes at once."""
    sent: list[tuple[Peer, str, str, str]] = []  # receiver, message id, event, target room

    async def talk(i: int, sender: Peer, room: str, receiver: Peer, target: str) -> None:
        for j in range(m):
            mid = f"{name[0]}{i}.{j}.{secrets.token_hex(3)}"
            event_id = await sender.send(room, f"bench {mid} {time.time():.6f}")
            sent.append((receiver, mid, event_id, target))

    start = time.time()
    await asyncio.gather(*(talk(i, *route) for i, route in enumerate(routes)))
    with suppress(TimeoutError):  # then reported as fewer received than sent
        await until(lambda: all(mid in p.got for p, mid, _, _ in sent) or None, timeout=120)
    done = [(e, t, *p.got[mid]) for p, mid, e, t in sent if mid in p.got]
    seconds = max((r for _, _, _, r in done), default=start) - start
    return Phase(name, len(sent), seconds, done)


async def setup(
    hs: Homeserver, soudan: Soudan, secret: str, n: int, marks: dict[str, float]
) -> tuple[list[Peer], list[Route], list[Route], list[Route]]:
    """Tenant, clients, operators holding one case each, plain pairs; all peers syncing."""
    api = f"{soudan.url}/_soudan/provision/v1"
    gate, start = asyncio.Semaphore(8), time.monotonic()

    def mark(label: str) -> None:
        marks[label] = time.monotonic() - start - sum(marks.values())

    async def post(path: str, body: Any) -> Any:
        async with gate:
            status, data = await asyncio.to_thread(http_json, "POST", api + path, body, secret, 60)
        if status not in (200, 201):
            raise RuntimeError(f"POST {path}: {status} {data}")
        return data

    async def register(prefix: str) -> tuple[str, str]:
        localpart, password = f"{prefix}{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        return await asyncio.to_thread(hs.register, localpart, password), password

    slug = f"b{secrets.token_hex(4)}"
    body = {"slug": slug, "preset": "counseling", "language": "en", "name": "Bench"}
    rooms = (await post("/tenants", body))["rooms"]
    made = [post(f"/tenants/{slug}/clients", {"nickname": f"C{i}"}) for i in range(n)]
    accounts = [(a["user_id"], a["password"]) for a in await asyncio.gather(*made)]
    mark("tenant+clients")
    staff = await asyncio.gather(*(register("op") for _ in range(n)))
    for user_id, _ in staff:  # one by one: each is checked against the seat limit
        await post(f"/tenants/{slug}/operators", {"user_id": user_id})
    plain = await asyncio.gather(*(register("plain") for _ in range(2 * n)))
    mark("operators+plain users")
    peers = await asyncio.gather(*(login(hs.url, u, p) for u, p in accounts + staff + plain))
    clients, operators, senders, receivers = (peers[i * n : (i + 1) * n] for i in range(4))
    await asyncio.gather(*(op.client.join(rooms["staff"]) for op in operators))
    joined = await asyncio.gather(*(c.client.joined_rooms() for c in clients))
    client_rooms = [str(j.rooms[0]) for j in joined]
    mark("logins")
    for i, (client, room) in enumerate(zip(clients, client_rooms, strict=True), 1):
        await client.send(room, f"hello {i}")  # opens case #i
        await until(partial(operators[0].seen, rooms["staff"], f"Case #{i} ("))
    mark("opening")

    async def take(number: int, op: Peer) -> str:
        await op.send(rooms["staff"], f"!take {number}")
        skip = {rooms["space"], rooms["staff"], rooms["board"]}
        case_room = await until(lambda: next(iter(op.invites - skip), None))
        await op.client.join(case_room)
        await until(lambda: op.seen(case_room, f"hello {number}"))
        return case_room

    case_rooms = await asyncio.gather(*(take(i, op) for i, op in enumerate(operators, 1)))
    mark("taking")

    async def pair(a: Peer, b: Peer) -> str:
        room_id = (await a.client.room_create(invite=[b.user_id])).room_id
        await b.client.join(room_id)
        return str(room_id)

    plain_rooms = await asyncio.gather(*(pair(*ab) for ab in zip(senders, receivers, strict=True)))
    mark("plain rooms")
    cases = list(zip(clients, client_rooms, operators, case_rooms, strict=True))
    direct = [(a, r, b, r) for a, b, r in zip(senders, receivers, plain_rooms, strict=True)]
    to_client = [(o, k, c, r) for c, r, o, k in cases]
    return peers, direct, [(c, r, o, k) for c, r, o, k in cases], to_client


async def fetch(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite:"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:"))) as conn:
            return conn.execute(sql).fetchall()
    conn = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await conn.fetch(sql)]
    finally:
        await conn.close()


def _stamp(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S,%f").timestamp()


async def soudan_times(log: str, db_url: str, phase: Phase) -> list[list[float]]:
    """Per relayed message, ms: sent → soudan has it → committed → copy sent → received."""
    commits: dict[str, float] = {}
    issued: dict[str, float] = {}
    for line in log.splitlines():
        if match := COMMIT.match(line):
            commits[match.group(2)] = _stamp(match.group(1))
        elif (match := SEND.match(line)) and match.group(2) not in issued:
            issued[match.group(2)] = _stamp(match.group(1))
    sql = "SELECT event_id, received_at, txn_id FROM inbox JOIN as_transaction USING (received_at)"
    txns: dict[str, list[tuple[float, str]]] = {}
    for event_id, at, txn in await fetch(db_url, sql):
        if str(txn) in commits:
            txns.setdefault(event_id, []).append((int(at) / 1000, str(txn)))
    segments: list[list[float]] = [[], [], [], []]
    for event_id, target, sent, received in phase.done:
        send = issued.get(txn_for(event_id, target))
        if len(txns.get(event_id, [])) == 1 and send:  # same-millisecond transactions: skipped
            at, txn = txns[event_id][0]
            points = [sent, at, commits[txn], send, received]
            for segment, start, end in zip(segments, points, points[1:], strict=False):
                segment.append((end - start) * 1000)
    return segments


async def bench(hs: Homeserver, soudan: Soudan, secret: str, n: int, m: int) -> list[str]:
    marks: dict[str, float] = {}
    peers, direct, to_operator, to_client = await setup(hs, soudan, secret, n, marks)
    try:
        phases = [
            await run_phase("direct", direct, m),
            await run_phase("client→operator", to_operator, m),
            await run_phase("operator→client", to_client, m),
        ]
        await asyncio.sleep(1)  # the last log lines
    finally:
        for peer in peers:
            if peer.task:
                peer.task.cancel()
            await peer.client.close()
    log = await asyncio.to_thread((soudan.directory / "soudan.log").read_text, errors="replace")
    lines = [
        f"scenario: {n} cases (clients via the API, one operator each) and {n} plain pairs; each "
        f"sender sends {m} messages back to back, all routes at once",
        f"setup {sum(marks.values()):.1f} s: "
        + ", ".join(f"{k} {v:.1f}" for k, v in marks.items()),
        f"{'path':<16}{'received':>10}{'p50 ms':>9}{'p95 ms':>9}{'msg/s':>8}{'p50/direct':>12}",
    ]
    base = pct(phases[0].latencies, 50)
    for ph in phases:
        p50, p95, k = pct(ph.latencies, 50), pct(ph.latencies, 95), len(ph.latencies)
        got, rate = f"{k}/{ph.expected}", f"{k / max(ph.seconds, 1e-9):.0f}"
        lines.append(f"{ph.name:<16}{got:>10}{p50:>9.1f}{p95:>9.1f}{rate:>8}{p50 / base:>11.2f}x")
    lines.append(
        f"{'soudan path, p50/p95 ms':<24}{'matched':>8}{'sent→inbox':>13}{'→commit':>13}"
        f"{'→copy sent':>13}{'→received':>13}"
    )
    for ph in phases[1:]:
        segments = await soudan_times(log, soudan.database_url, ph)
        cells = "".join(f"{f'{pct(v, 50):.0f}/{pct(v, 95):.0f}':>13}" for v in segments)
        lines.append(f"{ph.name:<24}{len(segments[0]):>8}{cells}")
    levels = re.findall(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) ", log, re.M)
    return [
        *lines,
        "soudan path: sent (timestamp in the body) → inbox.received_at (transaction arrives) → "
        "its 'Transaction <id>: … kept' DEBUG line (after the inbox commit)",
        "  → mautrix 'req #: PUT …/send/…/<txn_for(event, room)>' DEBUG line (copy's send "
        "issued) → receiver's sync; soudan's log timestamps are in ms, so ±1 ms",
        f"soudan.log: {levels.count('WARNING')} warnings, {len(levels) - levels.count('WARNING')}"
        " errors",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    os.environ["SOUDAN_LOG_LEVEL"] = "DEBUG"  # read by Soudan.write_config
    with running_stack(args.backend) as stack:
        lines = asyncio.run(bench(stack.hs, stack.soudan, stack.secret, args.cases, args.messages))
    print(
        f"machine: {os.cpu_count()} cores (load {stack.load:.2f} before the run), Python "
        f"{platform.python_version()}, Synapse {version('matrix-synapse')}, soudan on "
        f"{args.backend}\n"
        f"Synapse + soudan start {stack.started:.1f} s",
        *lines,
        sep="\n",
    )


if __name__ == "__main__":
    main()
