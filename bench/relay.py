"""Relay figures: latency and throughput through soudan, against Synapse's own floor.

    .venv/bin/python bench/relay.py [--cases 50] [--messages 10] [--backend sqlite|postgres]

A real Synapse (pip package) and soudan in a temporary directory; one tenant, N clients and N
operators, each operator holding one case. Prints figures; asserts nothing about timings.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import secrets
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import asyncpg
from nio import AsyncClient, LoginResponse, RoomCreateResponse, RoomSendResponse, SyncResponse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from appservice.bot import txn_for  # noqa: E402
from appservice.testbed import Homeserver, Soudan, free_port  # noqa: E402
from tests.pgserver import PostgresServer, find_or_start  # noqa: E402

T = TypeVar("T")
SERVER = "bench.test"
TAG = re.compile(r"^bench (\S+) (\d+\.\d+)$")
STAMP = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) DEBUG \S+ "
COMMIT = re.compile(STAMP + r"Transaction (\S+): \d+ events, \d+ kept$")
SEND = re.compile(STAMP + r"req #\d+: PUT \S*/send/m\.room\.message/(soudan-[0-9a-f]+)")
SYNCED = asyncio.Event()  # set after every sync of every peer
Route = tuple["Peer", str, "Peer", str]  # sender, its room, receiver, its room


async def until(check: Callable[[], T | None], timeout: float = 60) -> T:
    deadline = time.monotonic() + timeout
    while True:
        SYNCED.clear()
        if (result := check()) is not None:
            return result
        await asyncio.wait_for(SYNCED.wait(), max(0.01, deadline - time.monotonic()))


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
    latencies: list[float]  # ms
    seconds: float  # first send to last receipt
    sends: list[tuple[str, str]]  # (source event, target room)


async def run_phase(name: str, routes: list[Route], m: int) -> Phase:
    """Every sender sends M messages back to back, all routes at once."""
    sends: list[tuple[str, str]] = []
    wanted: list[tuple[Peer, str]] = []

    async def talk(i: int, sender: Peer, room: str, receiver: Peer, target: str) -> None:
        for j in range(m):
            mid = f"{name[0]}{i}.{j}.{secrets.token_hex(3)}"
            wanted.append((receiver, mid))
            sends.append((await sender.send(room, f"bench {mid} {time.time():.6f}"), target))

    start = time.time()
    await asyncio.gather(*(talk(i, *route) for i, route in enumerate(routes)))
    try:
        await until(lambda: all(mid in p.got for p, mid in wanted) or None, timeout=120)
    except TimeoutError:
        pass  # reported as fewer received than sent
    done = [p.got[mid] for p, mid in wanted if mid in p.got]
    seconds = max((r for _, r in done), default=start) - start
    return Phase(name, len(wanted), [(r - s) * 1000 for s, r in done], seconds, sends)


async def setup(
    hs: Homeserver, soudan: Soudan, secret: str, n: int
) -> tuple[list[Peer], list[Route], list[Route], list[Route]]:
    """Tenant, clients, operators holding one case each, plain pairs; all peers syncing."""
    api, headers = f"{soudan.url}/_soudan/provision/v1", {"Authorization": f"Bearer {secret}"}
    gate = asyncio.Semaphore(8)

    async def post(session: aiohttp.ClientSession, path: str, body: Any) -> Any:
        async with gate, session.post(api + path, json=body, headers=headers) as response:
            if response.status not in (200, 201):
                raise RuntimeError(f"POST {path}: {response.status} {await response.text()}")
            return await response.json()

    async def register(prefix: str) -> tuple[str, str]:
        localpart, password = f"{prefix}{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        return await asyncio.to_thread(hs.register, localpart, password), password

    async with aiohttp.ClientSession() as s:
        slug = f"b{secrets.token_hex(4)}"
        body = {"slug": slug, "preset": "counseling", "language": "en", "name": "Bench"}
        rooms = (await post(s, "/tenants", body))["rooms"]
        made = [post(s, f"/tenants/{slug}/clients", {"nickname": f"C{i}"}) for i in range(n)]
        accounts = [(a["user_id"], a["password"]) for a in await asyncio.gather(*made)]
        staff = await asyncio.gather(*(register("op") for _ in range(n)))
        for user_id, _ in staff:  # one by one: each is checked against the seat limit
            await post(s, f"/tenants/{slug}/operators", {"user_id": user_id})
    plain = await asyncio.gather(*(register("plain") for _ in range(2 * n)))
    peers = await asyncio.gather(*(login(hs.url, u, p) for u, p in accounts + staff + plain))
    clients, operators, senders, receivers = (peers[i * n : (i + 1) * n] for i in range(4))
    await asyncio.gather(*(op.client.join(rooms["staff"]) for op in operators))
    joined = await asyncio.gather(*(c.client.joined_rooms() for c in clients))
    client_rooms = [str(j.rooms[0]) for j in joined]  # type: ignore[union-attr]
    for i, (client, room) in enumerate(zip(clients, client_rooms, strict=True), 1):
        await client.send(room, f"hello {i}")  # opens case #i
        await until(lambda i=i: operators[0].seen(rooms["staff"], f"Case #{i} ("))

    async def take(number: int, op: Peer) -> str:
        await op.send(rooms["staff"], f"!take {number}")
        skip = {rooms["space"], rooms["staff"]}
        case_room = await until(lambda: next(iter(op.invites - skip), None))
        await op.client.join(case_room)
        await until(lambda: op.seen(case_room, f"hello {number}"))
        return case_room

    case_rooms = await asyncio.gather(*(take(i, op) for i, op in enumerate(operators, 1)))

    async def pair(a: Peer, b: Peer) -> str:
        created = await a.client.room_create(invite=[b.user_id])
        assert isinstance(created, RoomCreateResponse), created
        await b.client.join(created.room_id)
        return str(created.room_id)

    plain_rooms = await asyncio.gather(*(pair(*ab) for ab in zip(senders, receivers, strict=True)))
    cases = list(zip(clients, client_rooms, operators, case_rooms, strict=True))
    return (
        peers,
        [(a, r, b, r) for a, b, r in zip(senders, receivers, plain_rooms, strict=True)],
        [(c, cr, o, kr) for c, cr, o, kr in cases],
        [(o, kr, c, cr) for c, cr, o, kr in cases],
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q / 100 * (len(ordered) - 1))] if ordered else float("nan")


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


async def soudan_times(
    log: str, db_url: str, sends: list[tuple[str, str]]
) -> tuple[list[float], list[float]]:
    """Per relayed event, in ms: (transaction arrival → inbox commit, commit → send issued)."""
    commits: dict[str, float] = {}
    issued: dict[str, float] = {}
    for line in log.splitlines():
        if match := COMMIT.match(line):
            commits[match.group(2)] = _stamp(match.group(1))
        elif (match := SEND.match(line)) and match.group(2) not in issued:
            issued[match.group(2)] = _stamp(match.group(1))
    arrived = {
        e: int(at) for e, at in await fetch(db_url, "SELECT event_id, received_at FROM inbox")
    }
    txns: dict[int, list[str]] = {}
    for txn, at in await fetch(db_url, "SELECT txn_id, received_at FROM as_transaction"):
        txns.setdefault(int(at), []).append(str(txn))
    to_commit: list[float] = []
    to_send: list[float] = []
    for event_id, target in sends:
        at = arrived.get(event_id, -1)
        candidates = [t for t in txns.get(at, []) if t in commits]
        send = issued.get(txn_for(event_id, target))  # type: ignore[arg-type]
        if len(candidates) == 1 and send is not None:  # same-millisecond transactions: skipped
            commit = commits[candidates[0]]
            to_commit.append(commit * 1000 - at)
            to_send.append((send - commit) * 1000)
    return to_commit, to_send


async def bench(hs: Homeserver, soudan: Soudan, secret: str, n: int, m: int) -> list[str]:
    start = time.monotonic()
    peers, direct, to_operator, to_client = await setup(hs, soudan, secret, n)
    try:
        setup_s = time.monotonic() - start
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
        f"setup {setup_s:.1f} s: tenant, {n} clients (API), {n} operators, {n} cases taken, "
        f"{n} plain pairs; every sender sends {m} messages back to back, all routes at once",
        f"{'path':<16}{'received':>10}{'p50 ms':>9}{'p95 ms':>9}{'msg/s':>8}{'p50/direct':>12}",
    ]
    base = pct(phases[0].latencies, 50)
    for ph in phases:
        p50, p95 = pct(ph.latencies, 50), pct(ph.latencies, 95)
        rate, got = len(ph.latencies) / max(ph.seconds, 1e-9), f"{len(ph.latencies)}/{ph.expected}"
        lines.append(
            f"{ph.name:<16}{got:>10}{p50:>9.1f}{p95:>9.1f}{rate:>8.0f}{p50 / base:>11.2f}x"
        )
    for ph in phases[1:]:
        to_commit, to_send = await soudan_times(log, soudan.database_url, ph.sends)
        for label, values in (("arrival→commit", to_commit), ("commit→send", to_send)):
            lines.append(
                f"soudan {ph.name:<16} {label:<15} n={len(values):<5} "
                f"p50 {pct(values, 50):6.1f} ms  p95 {pct(values, 95):6.1f} ms"
            )
    warnings = len(re.findall(r"^\S+ \S+ WARNING ", log, re.M))
    errors = len(re.findall(r"^\S+ \S+ (?:ERROR|CRITICAL) ", log, re.M))
    lines += [
        "soudan time per relayed event, from its DEBUG log (ms timestamps, so ±1 ms): inbox "
        "received_at (transaction arrival) → that transaction's 'Transaction <id>: … kept' "
        "line (logged after the commit) → mautrix 'req #: PUT …/send/…/<txn_for(event, "
        "room)>' line (send issued)",
        f"soudan.log: {warnings} warnings, {errors} errors",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    os.environ["SOUDAN_LOG_LEVEL"] = "DEBUG"  # read by Soudan.write_config
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pg: PostgresServer | None = None
        pg_name = f"bench_{secrets.token_hex(4)}"
        if args.backend == "postgres":
            pg = find_or_start(str(root / "pg"))
            db_url = pg.create_database(pg_name)
        else:
            db_url = f"sqlite:{root / 'soudan.db'}"
        hs = Homeserver(root / "synapse", SERVER, free_port(), root / "reg.yaml", "c-", 4)
        admin = f"@admin:{SERVER}"
        soudan = Soudan(root / "soudan", free_port(), hs, db_url, [admin])
        config = soudan.write_config()
        hs.write_config()
        synapse, service = hs.start(), None
        try:
            start = time.monotonic()
            synapse.wait_ready(hs.ready_url)
            password = secrets.token_urlsafe(12)
            hs.register("admin", password, admin=True)
            service = soudan.start()
            service.wait_ready(soudan.ready_url)
            hs.make_admin(hs.login(admin, password), config.bot_mxid)
            started = time.monotonic() - start
            secret = str(config["provisioning.shared_secret"])
            lines = asyncio.run(bench(hs, soudan, secret, args.cases, args.messages))
        finally:
            if service is not None:
                service.stop()
            synapse.stop()
            if pg is not None:
                pg.drop_database(pg_name)
                pg.stop()
    from synapse import __version__ as synapse_version

    print(
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}, Synapse {synapse_version}, soudan on {args.backend}"
    )
    print(f"Synapse + soudan start {started:.1f} s")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
