"""The command registry: every bot command is declared once, with its help and who may run it."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from mautrix.types import EventID, RoomID, UserID

from ..i18n import MESSAGES, Lang, t

if TYPE_CHECKING:
    from ..context import Context

log = logging.getLogger("soudan.commands")


class Role(Enum):
    PLATFORM_ADMIN = "platform_admin"


class UsageError(Exception):
    """Wrong arguments: answered with the command's usage line, nothing changes."""


@dataclass
class CommandEvent:
    ctx: Context
    room_id: RoomID
    event_id: EventID
    sender: UserID
    lang: Lang
    role: Role
    command: str
    args: list[str]

    def t(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)

    async def reply(self, text: str) -> None:
        await self.ctx.bot.reply(self.room_id, self.event_id, text)


CommandFunc = Callable[[CommandEvent], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    func: CommandFunc
    help_key: str
    section: str
    roles: frozenset[Role]

    def usage(self, lang: Lang) -> str:
        args_key = f"cmd.{self.name}.args"
        args = t(lang, args_key) if args_key in MESSAGES else ""
        return f"!{self.name} {args}".strip()


_commands: dict[str, Command] = {}


def command(
    name: str, *, section: str = "general", roles: tuple[Role, ...] = (Role.PLATFORM_ADMIN,)
) -> Callable[[CommandFunc], CommandFunc]:
    def register(func: CommandFunc) -> CommandFunc:
        _commands[name] = Command(name, func, f"cmd.{name}", section, frozenset(roles))
        return func

    return register


def commands_for(role: Role) -> list[Command]:
    return [cmd for cmd in _commands.values() if role in cmd.roles]


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
    if cmd is None or evt.role not in cmd.roles:
        await evt.reply(evt.t("refuse.unknown_command", name=evt.command))
        return
    try:
        await cmd.func(evt)
    except UsageError:
        await evt.reply(evt.t("help.usage", usage=cmd.usage(evt.lang)))
    except Exception:
        log.exception("Command %s failed", cmd.name)
        await evt.reply(evt.t("refuse.failed"))
