"""Scheduled sessions with a thousand slots on the books: booking latency, booking contention and
the free-slot list; prints figures.

.venv/bin/python bench/sessions.py [--slots 1000] [--bookings 200] [--clients 10] [--samples 20]
                                   [--rounds 5] [--backend sqlite|postgres]

A real Synapse and soudan on this machine. A tenant with an admin, one operator (profile set in
the staff room, private room opened with !private) and N clients added with !add-client, all
logged in and syncing. The background load (slots of the operator and of four other operators,
bookings of five other clients with their reminder and video timers) is written straight into
soudan's database; the measured slots are added with !slot-add and booked with !book, so they
go through Matrix. A latency is the receiver's sync returning the event minus the moment
before the command was sent, on one machine's clock.

Shares the Peer, the provisioning API client and the figure lines with bench/board.py.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import sqlite3
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from typing import Any, TypeVar

from board import Api, Figure, Peer, login, replies_to  # beside it
from common import (  # beside it
    SERVER,
    log_problems,
    print_report,
    row_counts,
    running_stack,
    until,
)
from mautrix.types import UserID
from mautrix.util.async_db import Database

from appservice.db import Booking, Slot, Tenant, Timer
from appservice.dev.testbed import Homeserver, Soudan
from appservice.hours import zone
from appservice.services.sessions import MINUTE, REMINDER, VIDEO

NAMES = ("Aoi", "Haru", "Mizuki", "Yuki", "Nao", "Sora", "Ren", "Mio", "Kaede", "Rin")
OTHER_OPERATORS = 4  # besides the measured one; the background slots are spread over all five
OTHER_CLIENTS = 5  # who hold the background bookings
BACKGROUND_HOURS = (9, 10, 11, 13)  # each operator's daily background slots, 50 minutes each
MEASURED_HOURS = (15, 16, 17, 18)  # the measured operator's !slot-add slots
SERIES_HOURS = (20, 21, 22)  # the weekly series added at the end
COMMAND_RUNS = 5
Predicate = Callable[[str, dict[str, Any]], bool]
T = TypeVar("T")


def body_of(event: dict[str, Any]) -> str:
    return str(event.get("content", {}).get("body", ""))


def starting(room_id: str, text: str) -> Predicate:
    return lambda room, event: room == room_id and body_of(event).startswith(text)


def file_named(room_id: str, name: str) -> Predicate:
    return lambda room, event: (
        room == room_id
        and event.get("content", {}).get("msgtype") == "m.file"
        and body_of(event) == name
    )


def showing_exactly(room_id: str, text: str) -> Predicate:
    return lambda room, event: room == room_id and body_of(event) == text


async def seen_after(peer: Peer, predicate: Predicate, since: int, start: float) -> float | None:
    """ms from ``start`` until the peer's sync returned a matching event, or None (30 s)."""
    try:
        _, at = await peer.wait(predicate, since, 30)
    except TimeoutError:
        return None
    return (at - start) * 1000


async def invited(peer: Peer, skip: set[str], timeout: float = 60) -> str:
    """A room the peer is invited to and has not joined, other than ``skip``."""
    return await until(
        lambda: next((r for r in peer.client.invited_rooms if r not in skip), None), timeout
    )


@dataclass
class Desk:
    api: Api
    slug: str
    rooms: dict[str, str]  # admin, staff, space, board
    admin: Peer
    operator: Peer
    private_room: str
    others: list[str]  # user IDs of the other operators (background slots only)
    clients: list[Peer]
    desk_rooms: list[str]  # each client's
    add_client_ms: list[float]

    @property
    def peers(self) -> list[Peer]:
        return [self.admin, self.operator, *self.clients]


async def register(hs: Homeserver, prefix: str) -> tuple[str, str]:
    localpart, password = f"{prefix}{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    return await asyncio.to_thread(hs.register, localpart, password), password


async def setup(hs: Homeserver, api: Api, n_clients: int, marks: dict[str, float]) -> Desk:
    start = time.monotonic()

    def mark(label: str) -> None:
        marks[label] = time.monotonic() - start - sum(marks.values())

    slug = f"s{secrets.token_hex(4)}"
    body = {"slug": slug, "preset": "counseling", "language": "en", "name": "Bench Desk"}
    rooms = {k: v for k, v in (await api("POST", "/tenants", body))["rooms"].items() if v}
    admin_id, password = await register(hs, "tadmin")
    await api("POST", f"/tenants/{slug}/admins", {"user_id": admin_id})
    admin = await login(hs.url, admin_id, password)
    await until(lambda: rooms["admin"] in admin.client.invited_rooms or None, 60)
    await admin.client.join(rooms["admin"])
    mark("tenant")

    operator_id, password = await register(hs, "op")
    await api("POST", f"/tenants/{slug}/operators", {"user_id": operator_id})
    operator = await login(hs.url, operator_id, password)
    for room in (rooms["staff"], rooms.get("board")):
        if room:
            await operator.client.join(room)
    answer, _ = await operator.command(rooms["staff"], "!profile Sato | I listen.")
    if answer != "Your profile is set.":
        raise RuntimeError(f"!profile: {answer}")
    answer, _ = await operator.command(rooms["staff"], "!private")
    if answer != "Your private room is ready; look for the invite.":
        raise RuntimeError(f"!private: {answer}")
    private_room = await invited(operator, set(rooms.values()))
    await operator.client.join(private_room)
    await operator.wait(starting(private_room, "This is your private room."))
    others = []
    for _ in range(OTHER_OPERATORS):  # one by one: each is checked against the seat limit
        user_id, _ = await register(hs, "bgop")
        await api("POST", f"/tenants/{slug}/operators", {"user_id": user_id})
        others.append(user_id)
    mark("operators")

    clients, desk_rooms, add_ms = [], [], []
    for i in range(n_clients):
        nickname = f"{NAMES[i % len(NAMES)]}{i}"
        answer, ms = await admin.command(rooms["admin"], f"!add-client {nickname}")
        add_ms.append(ms)
        made_id = re.search(r"(@c-[a-z0-9]+:\S+)", answer)
        made_password = re.search(r"Password:\s*(\S+)", answer)
        if not (made_id and made_password):
            raise RuntimeError(f"!add-client: {answer}")
        client = await login(hs.url, made_id[1], made_password[1])
        clients.append(client)
        desk_rooms.append(str((await client.client.joined_rooms()).rooms[0]))
    mark("clients")
    return Desk(
        api, slug, rooms, admin, operator, private_room, others, clients, desk_rooms, add_ms
    )


@dataclass
class Background:
    tenant: Tenant
    slots: int
    bookings: int
    timers: int
    first_day: date  # the tenant's today + 1
    last_day: date


async def retried(attempt: Callable[[], Awaitable[T]]) -> T:
    """On SQLite, a transaction that reads first and then writes fails at once ("database is
    locked") when soudan wrote in between (WAL: the read snapshot is stale); try again."""
    for _ in range(50):
        try:
            return await attempt()
        except sqlite3.OperationalError as e:
            if "locked" not in str(e):
                raise
            await asyncio.sleep(0.05)
    return await attempt()


async def fill(db_url: str, desk: Desk, n_slots: int, n_bookings: int) -> Background:
    """Background slots (50 minutes, four a day per operator from tomorrow on, spread over five
    operators), bookings of other clients on every fifth slot from the day after tomorrow (closer
    together when there are not enough), and
    the reminder and video timers a booking sets; straight into soudan's database with its own
    queries (Slot.insert_many, Booking.take)."""
    db = Database.create(db_url)
    await db.start()
    try:
        for table in (Slot, Booking, Tenant, Timer):
            table.db = db
        tenant = await Tenant.get_by_slug(desk.slug)
        if tenant is None:
            raise RuntimeError(f"no tenant {desk.slug}")
        tz, now = zone(tenant.timezone), int(time.time() * 1000)
        today = datetime.now(tz).date()
        operators = [desk.operator.user_id, *desk.others]
        per_operator = -(-n_slots // len(operators))
        days = -(-per_operator // len(BACKGROUND_HOURS))
        if days > 700:
            raise RuntimeError("too many background slots for two years ahead")
        made: list[Slot] = []
        for j, operator in enumerate(operators):
            count = min(per_operator, n_slots - j * per_operator)
            times = []
            for k in range(max(count, 0)):
                day = today + timedelta(days=1 + k // len(BACKGROUND_HOURS))
                hour = BACKGROUND_HOURS[k % len(BACKGROUND_HOURS)]
                start = int(datetime.combine(day, clock_time(hour), tz).timestamp() * 1000)
                times.append((start, start + 50 * MINUTE))
            if not times:
                continue
            insert = partial(Slot.insert_many, tenant.id, UserID(operator), None, times, 1, now)
            added = await retried(insert)
            if isinstance(added, tuple):  # the operator's slot one of them would overlap
                raise RuntimeError(f"background slots overlap slot #{added[0].number}")
            made += added
        clients = []
        for i in range(OTHER_CLIENTS):
            data = await desk.api("POST", f"/tenants/{desk.slug}/clients", {"nickname": f"Bg{i}"})
            clients.append(
                int(await db.fetchval("SELECT id FROM client WHERE user_id=$1", data["user_id"]))
            )
        after = datetime.combine(today + timedelta(days=2), clock_time(0), tz).timestamp() * 1000
        later = sorted((s for s in made if s.starts_at >= after), key=lambda s: s.starts_at)
        candidates = later[:: max(1, min(5, len(later) // max(n_bookings, 1)))]
        bookings = timers = 0
        for i, slot in enumerate(candidates[:n_bookings]):
            taken = await retried(
                partial(
                    Booking.take,
                    slot,
                    clients[i % OTHER_CLIENTS],
                    f"Bg{i % OTHER_CLIENTS}",
                    f"{secrets.token_hex(16)}@{SERVER}",
                    secrets.token_urlsafe(18),
                    now,
                )
            )
            if not isinstance(taken, Booking):
                raise RuntimeError(f"background booking of slot #{slot.number}: {taken}")
            bookings += 1
            for minutes in tenant.session_reminders:  # as sessions.reminders.schedule
                due = taken.starts_at - minutes * MINUTE
                if due > now:
                    payload = {"booking": taken.id, "minutes": minutes, "at": taken.starts_at}
                    await Timer.add(REMINDER, due, payload)
                    timers += 1
            due = max(taken.starts_at - tenant.video_lead_minutes * MINUTE, now)
            await Timer.add(VIDEO, due, {"booking": taken.id, "at": taken.starts_at})
            timers += 1
        return Background(
            tenant,
            len(made),
            bookings,
            timers,
            today + timedelta(days=1),
            today + timedelta(days=days),
        )
    finally:
        await db.stop()


async def add_slots(desk: Desk, background: Background, count: int) -> tuple[list[int], Figure]:
    """The measured operator adds ``count`` single slots with !slot-add, one at a time, after
    their background slots of the day; their numbers, and the round trips."""
    numbers, values, note = [], [], ""
    first = background.first_day + timedelta(days=1)
    for i in range(count):
        day = first + timedelta(days=i // len(MEASURED_HOURS))
        hour = MEASURED_HOURS[i % len(MEASURED_HOURS)]
        try:
            answer, ms = await desk.operator.command(
                desk.rooms["staff"], f"!slot-add {day} {hour:02d}:00", 30
            )
        except TimeoutError:
            note = "no reply within 30 s"
            continue
        found = [int(n) for n in re.findall(r"^#(\d+) ", answer, re.M)]
        if not answer.startswith("Added 1 slot(s):") or len(found) != 1:
            note = f"UNEXPECTED: {answer[:70]}"
            continue
        numbers += found
        values.append(ms)
    return numbers, Figure("!slot-add (one slot, operator)", values, count, note)


async def bookings(desk: Desk, slots: list[int]) -> tuple[list[Figure], list[tuple[int, str]]]:
    """Clients book the slots one at a time, in turn; then each cancels what they booked."""
    op, room = desk.operator, desk.private_room
    booked_ms: list[float] = []
    ics_ms: list[float] = []
    notice_ms: list[float] = []
    op_ics_ms: list[float] = []
    firsts: list[float] = []
    made: list[tuple[int, str]] = []  # (client index, booking label)
    notes: list[str] = []
    for i, number in enumerate(slots):
        c = i % len(desk.clients)
        client, desk_room = desk.clients[c], desk.desk_rooms[c]
        since_c, since_o, start = len(client.events), len(op.events), time.time()
        event_id = await client.send(desk_room, f"!book {number}")
        try:
            reply, at = await client.wait(replies_to(event_id, desk_room), since_c, 30)
        except TimeoutError:
            notes.append(f"!book {number}: no reply within 30 s")
            continue
        answer = body_of(reply)
        label = re.match(r"Booked \((B\d+)\)", answer)
        if not label:
            notes.append(f"!book {number}: {answer[:70]}")
            continue
        made.append((c, label[1]))
        booked_ms.append((at - start) * 1000)
        if i < len(desk.clients):
            firsts.append(booked_ms[-1])
        for values, peer, predicate, since in (
            (ics_ms, client, file_named(desk_room, "session.ics"), since_c),
            (notice_ms, op, starting(room, f"New booking {label[1]}: "), since_o),
            (op_ics_ms, op, file_named(room, "session.ics"), since_o),
        ):
            if (ms := await seen_after(peer, predicate, since, start)) is not None:
                values.append(ms)
    n, k = len(slots), min(len(slots), len(desk.clients))
    figures = [
        Figure('!book → "Booked" reply at the client', booked_ms, n, "; ".join(notes)[:120]),
        Figure("  of which each client's first booking", firsts, k, "client's ghost made"),
        Figure("  of which the later bookings", booked_ms[k:], n - k),
        Figure("!book → session.ics at the client", ics_ms, n),
        Figure('!book → "New booking" at the operator', notice_ms, n, "private room"),
        Figure("!book → session.ics at the operator", op_ics_ms, n),
    ]
    cancel_ms: list[float] = []
    told_ms: list[float] = []
    cancel_notes: list[str] = []
    for c, booking in made:
        client, desk_room = desk.clients[c], desk.desk_rooms[c]
        since_c, since_o = len(client.events), len(op.events)
        start = time.time()
        try:
            answer, ms = await client.command(desk_room, f"!cancel {booking}", 30)
        except TimeoutError:
            cancel_notes.append(f"!cancel {booking}: no reply")
            continue
        if not (answer.startswith(f"Booking {booking} (") and answer.endswith("is cancelled.")):
            cancel_notes.append(f"!cancel {booking}: {answer[:70]}")
            continue
        cancel_ms.append(ms)
        told = await seen_after(op, starting(room, f"Booking {booking} ("), since_o, start)
        if told is not None:
            told_ms.append(told)
        for peer, where, since in ((client, desk_room, since_c), (op, room, since_o)):
            await seen_after(peer, file_named(where, "session-cancelled.ics"), since, start)
    figures += [
        Figure("!cancel → reply at the client", cancel_ms, len(made), "; ".join(cancel_notes)),
        Figure("!cancel → notice at the operator", told_ms, len(made)),
    ]
    return figures, made


async def commands(desk: Desk) -> list[Figure]:
    """Round trips of the listing commands, each run a few times."""
    figures = []

    async def timed(name: str, peer: Peer, room_id: str, text: str) -> None:
        values, note = [], ""
        for _ in range(COMMAND_RUNS):
            try:
                reply, ms = await peer.command(room_id, text, timeout=30)
            except TimeoutError:
                note = "no reply within 30 s"
                break
            values.append(ms)
            lines = reply.count("\n") + 1
            note = f"reply {lines} lines, {len(reply.encode()) / 1000:.1f} kB"
            if "went wrong" in reply:
                note = f"ERROR REPLY: {reply[:70]}"
        figures.append(Figure(name, values, COMMAND_RUNS, note))

    await timed("!slots (client)", desk.clients[0], desk.desk_rooms[0], "!slots")
    await timed("!bookings (client)", desk.clients[0], desk.desk_rooms[0], "!bookings")
    await timed("!slots 8 (operator, their own)", desk.operator, desk.rooms["staff"], "!slots 8")
    await timed("!bookings (operator, 3 weeks)", desk.operator, desk.rooms["staff"], "!bookings")
    await timed("!slots (admin, everyone's this week)", desk.admin, desk.rooms["admin"], "!slots")
    await timed("!bookings (admin, 3 weeks)", desk.admin, desk.rooms["admin"], "!bookings")
    return figures


@dataclass
class Round:
    slot: int
    booked: int
    taken: int
    other: list[str]
    answers: list[tuple[str, float]]  # (reply, ms from the common start) per answered client
    stored: int  # the slot's booked count in the database afterwards
    rows: int  # its bookings with status booked
    floor: list[float]  # Synapse alone: the same clients' plain messages at once, ms

    @property
    def times(self) -> list[float]:
        return [ms for _, ms in self.answers]

    def line(self) -> str:
        won = [ms for body, ms in self.answers if body.startswith("Booked (B")]
        cells = (
            f"{self.booked:>7}{self.taken:>7}{len(self.answers):>9}"
            + "".join(f"{x:>8.0f}" for x in (min(won, default=0), *minmax(self.times)))
            + "".join(f"{x:>8.0f}" for x in minmax(self.floor))
            + f"{self.stored:>10}{self.rows:>6}"
        )
        odd = f"  OTHER: {'; '.join(a[:60] for a in self.other)}" if self.other else ""
        return f"  #{self.slot:<7}{cells}{odd}"


def minmax(values: list[float]) -> tuple[float, float]:
    return min(values, default=0), max(values, default=0)


def answers(waits: list[tuple[Peer, str, str, int]]) -> list[tuple[str, float] | None]:
    """Per (client, room, command event, events before it): the bot's reply and when."""
    found: list[tuple[str, float] | None] = []
    for client, room, event_id, since in waits:
        hit = client.find(replies_to(event_id, room), since)
        found.append((body_of(hit[0]), hit[1]) if hit else None)
    return found


async def floor_room(desk: Desk) -> str:
    """A plain room of the admin and every client, for Synapse's own figure."""
    made = await desk.admin.client.room_create(invite=[c.user_id for c in desk.clients])
    room_id = str(getattr(made, "room_id", ""))
    if not room_id:
        raise RuntimeError(f"room_create: {made}")
    for client in desk.clients:
        await client.client.join(room_id)
    return room_id


async def floor(desk: Desk, room_id: str) -> list[float]:
    """Every client sends a plain message at once; ms until the admin's sync had each."""
    label, admin = secrets.token_hex(3), desk.admin
    texts = [f"floor {label}.{i}" for i in range(len(desk.clients))]
    since, start = len(admin.events), time.time()
    await asyncio.gather(*(c.send(room_id, x) for c, x in zip(desk.clients, texts, strict=True)))

    def seen() -> list[float | None]:
        found = [admin.find(showing_exactly(room_id, x), since) for x in texts]
        return [hit[1] if hit else None for hit in found]

    with suppress(TimeoutError):
        await until(lambda: all(seen()) or None, 60)
    return [(at - start) * 1000 for at in seen() if at is not None]


async def contention(desk: Desk, slots: list[int], db_url: str) -> list[Round]:
    """Every client sends !book for the same one-place slot at once; who got it, and when
    every client had an answer. Before each round, Synapse's own figure: the same clients
    send a plain message at once in a room with the admin."""
    rounds = []
    room_id = await floor_room(desk)
    db = Database.create(db_url)
    await db.start()
    try:
        for number in slots:
            synapse = await floor(desk, room_id)
            await asyncio.sleep(0.5)
            since = [len(c.events) for c in desk.clients]
            start = time.time()
            sent = await asyncio.gather(
                *(
                    c.send(r, f"!book {number}")
                    for c, r in zip(desk.clients, desk.desk_rooms, strict=True)
                )
            )
            waits = list(zip(desk.clients, desk.desk_rooms, sent, since, strict=True))
            with suppress(TimeoutError):
                await until(lambda w=waits: all(answers(w)) or None, 60)  # type: ignore[misc]
            got = [a for a in answers(waits) if a]
            booked = sum(1 for body, _ in got if body.startswith("Booked (B"))
            taken = sum(1 for body, _ in got if body.startswith(f"Slot #{number} is taken."))
            other = [b for b, _ in got if not b.startswith(("Booked (B", f"Slot #{number} is"))]
            slot_id, stored = None, -1
            row = await db.fetchrow(
                "SELECT s.id, s.booked FROM slot s JOIN tenant t ON t.id=s.tenant_id "
                "WHERE t.slug=$1 AND s.number=$2",
                desk.slug,
                number,
            )
            if row:
                slot_id, stored = row["id"], int(row["booked"])
            rows = int(
                await db.fetchval(
                    "SELECT COUNT(*) FROM booking WHERE slot_id=$1 AND status='booked'", slot_id
                )
            )
            timed = [(body, (at - start) * 1000) for body, at in got]
            rounds.append(Round(number, booked, taken, other, timed, stored, rows, synapse))
            await asyncio.sleep(0.5)  # the winner's calendar files and the operator's notice
    finally:
        await db.stop()
    return rounds


async def add_series(desk: Desk, background: Background) -> Figure:
    """Weekly series of 52 occurrences (each checked for overlaps, then all inserted)."""
    values, note = [], ""
    first = background.first_day + timedelta(days=1)
    for hour in SERIES_HOURS:
        text = f"!slot-add {first} {hour}:00 minutes=50 repeat=weekly count=52"
        try:
            answer, ms = await desk.operator.command(desk.rooms["staff"], text, 60)
        except TimeoutError:
            note = "no reply within 60 s"
            continue
        if not answer.startswith("Added 52 slot(s):"):
            note = f"UNEXPECTED: {answer[:70]}"
            continue
        values.append(ms)
    return Figure("!slot-add weekly count=52 (operator)", values, len(SERIES_HOURS), note)


async def table_sizes(db_url: str, desk: Desk) -> tuple[str, str]:
    """Row counts, and whether every slot's booked count matches its bookings."""
    db = Database.create(db_url)
    await db.start()
    try:
        sizes = await row_counts(db, ("slot", "booking", "timer"))
        wrong = await db.fetchval(
            "SELECT COUNT(*) FROM slot s WHERE s.booked <> (SELECT COUNT(*) FROM booking b "
            "WHERE b.slot_id=s.id AND b.status='booked')"
        )
        over = await db.fetchval("SELECT COUNT(*) FROM slot WHERE booked > capacity")
        return sizes, f"{wrong} slots whose booked count differs, {over} over capacity"
    finally:
        await db.stop()


async def bench(
    hs: Homeserver, soudan: Soudan, secret: str, args: argparse.Namespace
) -> list[str]:
    marks: dict[str, float] = {}
    api = Api(soudan.url, secret)
    desk = await setup(hs, api, args.clients, marks)
    try:
        start = time.monotonic()
        background = await fill(soudan.database_url, desk, args.slots, args.bookings)
        marks["background rows"] = time.monotonic() - start
        start = time.monotonic()
        slots, adding = await add_slots(desk, background, args.samples + args.rounds)
        marks["!slot-add"] = time.monotonic() - start
        start = time.monotonic()
        serial, _ = await bookings(desk, slots[: args.samples])
        marks["book/cancel"] = time.monotonic() - start
        start = time.monotonic()
        listing = await commands(desk)
        marks["commands"] = time.monotonic() - start
        start = time.monotonic()
        rounds = await contention(desk, slots[args.samples :], soudan.database_url)
        marks["contention"] = time.monotonic() - start
        start = time.monotonic()
        series = await add_series(desk, background)
        marks["series"] = time.monotonic() - start
        await asyncio.sleep(1)  # the last log lines
    finally:
        for peer in desk.peers:
            await peer.close()
    sizes, consistency = await table_sizes(soudan.database_url, desk)
    problems = await log_problems(soudan)
    header = f"{'figure, ms':<44}{'got':>8}{'median':>9}{'p90':>9}{'max':>9}"
    k = len(desk.clients)
    all_answered = [max(r.times) for r in rounds if len(r.answers) == k]
    each = [ms for r in rounds for ms in r.times]
    won = [ms for r in rounds for body, ms in r.answers if body.startswith("Booked (B")]
    floor_all = [max(r.floor) for r in rounds if len(r.floor) == k]
    winners = [r.booked for r in rounds]
    return [
        f"phases {sum(marks.values()):.1f} s: "
        + ", ".join(f"{name} {v:.1f}" for name, v in marks.items()),
        f"background: {background.slots} slots of 50 min (4 a day per operator, "
        f"{1 + len(desk.others)} operators, {background.first_day} to {background.last_day}, "
        f"tenant zone {background.tenant.timezone}), {background.bookings} bookings of "
        f"{OTHER_CLIENTS} other clients with {background.timers} timers",
        f"after the run: {sizes}; {consistency}",
        f"{k} clients (!add-client, logged in); {args.samples} bookings one at a time, in turn "
        "(send !book, wait for everything it sends), then each cancelled",
        header,
        Figure("!add-client (admin)", desk.add_client_ms, args.clients).line(),
        adding.line(),
        *(f.line() for f in serial),
        f"commands, send → bot reply received, {COMMAND_RUNS} runs each",
        *(f.line() for f in listing),
        series.line(),
        f"contention: {k} clients send !book for the same one-place slot at once, "
        f"{len(rounds)} rounds; ms from the common start. Before each round, Synapse alone: "
        f"the same {k} clients send a plain message at once in a room, until the admin has each",
        f"  {'slot':<8}{'booked':>7}{'taken':>7}{'answered':>9}{'winner':>8}{'first':>8}"
        f"{'all':>8}{'floor 1st':>10}{'all':>6}{'db booked':>10}{'rows':>6}",
        *(r.line() for r in rounds),
        f"  winners per round: {winners} (must be all 1)",
        header,
        Figure('  the winner\'s "Booked" reply', won, len(rounds)).line(),
        Figure(f"  every answer ({k} per round)", each, k * len(rounds)).line(),
        Figure("  until all clients had an answer", all_answered, len(rounds)).line(),
        Figure(
            "  Synapse alone: until the admin had all", floor_all, len(rounds), "no soudan"
        ).line(),
        problems,
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slots", type=int, default=1000)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with running_stack(args.backend) as stack:
        lines = asyncio.run(bench(stack.hs, stack.soudan, stack.secret, args))
    print_report(stack, args.backend, lines)


if __name__ == "__main__":
    main()
