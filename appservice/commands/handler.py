"""The command registry: every bot command is declared once, with its help and its room.

Rooms decide who may do what: platform commands run in the control room, tenant admin
commands in a tenant's admin room, operator commands in its staff room. ``help`` runs
everywhere and lists what the sender may use there.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from mautrix.types import EventID, RoomID, UserID

from ..db import OperatorSettings, Tenant
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
    ANY = "any"


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

    def t(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)

    async def reply(self, text: str) -> None:
        await self.ctx.bot.reply(self.room_id, self.event_id, text)

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
        keys = [f"cmd.{self.name}.args.{place.value}"] if place else []
        args = next((t(lang, k) for k in [*keys, f"cmd.{self.name}.args"] if has(k)), "")
        return f"!{self.name} {args}".strip()

    def runs_in(self, place: Place) -> bool:
        return place in self.places or Place.ANY in self.places

    def help(self, lang: Lang) -> str:
        return t(lang, f"cmd.{self.name}")


_commands: dict[str, Command] = {}


def command(
    name: str, place: Place | tuple[Place, ...], section: str = "general"
) -> Callable[[CommandFunc], CommandFunc]:
    places = place if isinstance(place, tuple) else (place,)

    def register(func: CommandFunc) -> CommandFunc:
        _commands[name] = Command(name, func, places, section)
        return func

    return register


def commands_at(place: Place) -> list[Command]:
    return [cmd for cmd in _commands.values() if cmd.runs_in(place)]


def get_command(name: str) -> Command | None:
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
    cmd = get_command(evt.command)
    if cmd is None:
        await evt.reply(evt.t("refuse.unknown_command", name=evt.command))
        return
    if not cmd.runs_in(evt.place):
        await evt.reply(evt.t(f"refuse.role.{cmd.places[0].value}", name=cmd.name))
        return
    try:
        await cmd.func(evt)
    except UsageError:
        await evt.reply(evt.t("help.usage", usage=cmd.usage(evt.lang, evt.place)))
    except Refusal as refusal:
        await evt.reply(refusal.text(evt.lang))
    except Exception:
        log.exception("Command %s failed", cmd.name)
        await evt.reply(evt.t("refuse.failed"))
