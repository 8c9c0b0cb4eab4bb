from . import (  # noqa: F401  (they register their commands)
    admin,
    board,
    cases,
    client,
    general,
    letters,
    platform,
    records,
    routing,
    sessions,
    staff,
    statements,
)
from .handler import CommandEvent, Place, UsageError, command, get_command, parse, run

__all__ = ["CommandEvent", "Place", "UsageError", "command", "get_command", "parse", "run"]
