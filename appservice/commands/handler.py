"""The command registry: every bot command is declared once, with its help and its room.

Rooms decide who may do what: platform commands run in the control room, tenant admin
commands in a tenant's admin room, operator commands in its staff room. ``help`` runs
everywhere and lists what the sender may use there.

Clients have their own commands in their own rooms (their desk room and their board room).
A client's line is a command only when it names one of them; any other line is their
message, so their commands live apart from the operators' and may share a name with one.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from mautrix.appservice import IntentAPI
from mautrix.types import EventID, EventType, RoomID, UserID

from ..bot import send_notice, txn_for
from ..db import Client, OperatorSettings, Tenant
from ..i18n import Lang, has, t
from ..services import notify
from ..services.errors import Refusal

if TYPE_CHECKING:
    from ..context import Context

log = logging.getLogger("soudan.commands")


class Place(Enum):
    CONTROL = "platform"
    ADMIN = "admin"
    STAFF = "staff"
    CASE = "case"
    PRIVATE = "private"  # an operator's private room with the bot
    BOARD = "board"  # the operators' board room
    ANY = "any"  # every operator room above
    DESK = "desk"  # a client's own room with the tenant's desk
    CLIENT_BOARD = "client_board"  # a client's board room


CLIENT_PLACES = (Place.DESK, Place.CLIENT_BOARD)
# The purpose of a client's answer's transaction, for an answer and for a refusal.
_CLIENT_PURPOSES = {
    Place.DESK: ("client-command", "client-command"),
    Place.CLIENT_BOARD: ("board-answer", "board-refused"),
}


class UsageError(Exception):
    """Wrong arguments: answered with the command's usage line, nothing changes."""


@dataclass
class CommandEvent:
    ctx: Context
    room_id: RoomID
    event_id: EventID
    sender: UserID
    lang: Lang
    place: Place
    tenant: Tenant | None
    command: str
    args: list[str]
    # In a client's rooms: the client, their event, and who answers them there.
    client: Client | None = None
    raw: dict[str, Any] | None = None
    voice: IntentAPI | None = None

    def t(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)

    async def reply(self, text: str, refusal: bool = False, purpose: str = "") -> EventID:
        if self.voice is None:
            return await self.ctx.bot.reply(self.room_id, self.event_id, text)
        return await send_notice(
            self.voice,
            self.room_id,
            text,
            txn_id=txn_for(self.event_id, purpose or _CLIENT_PURPOSES[self.place][refusal]),
            reply_to=self.event_id,
        )

    async def send(self, content: dict[str, Any], purpose: str) -> EventID:
        """One more message of a client's answer, as it is built (threads, badges); sent
        once however often the command is handled."""
        assert self.voice is not None, "only a client's answer has more than one message"
        return await self.voice.send_message_event(
            self.room_id,
            EventType.ROOM_MESSAGE,
            cast(Any, content),
            txn_id=txn_for(self.event_id, purpose),
        )

    async def reply_naming_clients(self, text: str, moved_key: str) -> None:
        """Reply with a text that names clients. Everyone reads the staff room, and once some
        operator may not see every client, such a text goes to the asker's private room and
        the staff room hears ``moved_key`` instead."""
        tenant = self.the_tenant
        if self.place != Place.STAFF or not await OperatorSettings.any_restricted(tenant.id):
            await self.reply(text)
            return
        settings = await OperatorSettings.get(tenant.id, self.sender)
        await self.ctx.bot.notice(await notify.private_room(self.ctx, tenant, settings), text)
        await self.reply(self.t(moved_key))

    @property
    def the_tenant(self) -> Tenant:
        assert self.tenant is not None, "a tenant command ran outside a tenant room"
        return self.tenant

    @property
    def the_client(self) -> Client:
        assert self.client is not None, "a client command ran outside a client's room"
        return self.client

    def arg(self, index: int) -> str:
        if index >= len(self.args):
            raise UsageError
        return self.args[index]

    def on_off(self) -> bool:
        """The single argument ``on`` or ``off``."""
        if len(self.args) != 1:
            raise UsageError
        value = self.args[0].lower()
        if value not in ("on", "off"):
            raise Refusal("bad.on_off")
        return value == "on"

    def pairs(self, start: int = 0) -> dict[str, str]:
        """``key=value`` arguments from ``start`` on."""
        found = {}
        for arg in self.args[start:]:
            key, sep, value = arg.partition("=")
            if not sep or not key:
                raise UsageError
            found[key.lower()] = value
        return found

    def rest(self, index: int) -> str:
        if index >= len(self.args):
            raise UsageError
        return " ".join(self.args[index:])


CommandFunc = Callable[[CommandEvent], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    func: CommandFunc
    places: tuple[Place, ...]
    section: str

    def usage(self, lang: Lang, place: Place | None = None) -> str:
        """``!name args``; a command taking other arguments in some room has its own line."""
        if self.for_clients:  # one room each, and no operators' line to fall back on
            keys = [f"cmd.{self.name}.args.{self.places[0].value}"]
        else:
            keys = [f"cmd.{self.name}.args.{place.value}"] if place else []
            keys.append(f"cmd.{self.name}.args")
        args = next((t(lang, k) for k in keys if has(k)), "")
        return f"!{self.name} {args}".strip()

    def runs_in(self, place: Place) -> bool:
        return place in self.places or (Place.ANY in self.places and place not in CLIENT_PLACES)

    @property
    def for_clients(self) -> bool:
        return self.places[0] in CLIENT_PLACES

    @property
    def help_key(self) -> str:
        """``cmd.<name>``; a client's command, one room each, ``cmd.<name>.<room>``."""
        return (
            f"cmd.{self.name}.{self.places[0].value}" if self.for_clients else f"cmd.{self.name}"
        )

    def help(self, lang: Lang) -> str:
        return t(lang, self.help_key)


_commands: dict[str, Command] = {}
# Clients' commands by room and name; another name for one of them (an alias) is a key too.
_client_commands: dict[tuple[Place, str], Command] = {}


def command(
    name: str,
    place: Place | tuple[Place, ...],
    section: str = "general",
    aliases: tuple[str, ...] = (),
) -> Callable[[CommandFunc], CommandFunc]:
    places = place if isinstance(place, tuple) else (place,)

    def register(func: CommandFunc) -> CommandFunc:
        cmd = Command(name, func, places, section)
        if not cmd.for_clients:
            _commands[name] = cmd
            return func
        assert len(places) == 1, "a client's command belongs to one room"
        for known in (name, *aliases):
            _client_commands[places[0], known] = cmd
        return func

    return register


def all_commands() -> list[Command]:
    """Every command once: the operators' and then the clients'."""
    return [*_commands.values(), *dict.fromkeys(_client_commands.values())]


def commands_at(place: Place) -> list[Command]:
    if place in CLIENT_PLACES:
        return [cmd for cmd in dict.fromkeys(_client_commands.values()) if cmd.runs_in(place)]
    return [cmd for cmd in _commands.values() if cmd.runs_in(place)]


def get_command(name: str, place: Place | None = None) -> Command | None:
    """The command a name means in a room: a client's room knows only the clients' commands."""
    if place in CLIENT_PLACES:
        return _client_commands.get((place, name))
    return _commands.get(name)


def parse(body: str) -> tuple[str, list[str]] | None:
    """``!name args…`` → (name, args); None for a line that is not a command."""
    if not body.startswith("!") or body.startswith("!!"):
        return None
    try:
        parts = shlex.split(body[1:])
    except ValueError:
        parts = body[1:].split()
    if not parts:
        return None
    return parts[0].lower(), parts[1:]


async def run(evt: CommandEvent) -> None:
    cmd = get_command(evt.command, evt.place)
    if cmd is None:
        await evt.reply(evt.t("refuse.unknown_command", name=evt.command))
        return
    if not cmd.runs_in(evt.place):
        await evt.reply(evt.t(f"refuse.role.{cmd.places[0].value}", name=cmd.name))
        return
    try:
        await cmd.func(evt)
    except UsageError:
        await evt.reply(evt.t("help.usage", usage=cmd.usage(evt.lang, evt.place)), refusal=True)
    except Refusal as refusal:
        await evt.reply(refusal.text(evt.lang), refusal=True)
    except Exception:
        log.exception("Command %s failed", cmd.name)
        await evt.reply(evt.t("refuse.failed"))
