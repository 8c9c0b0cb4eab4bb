from . import admin, board, cases, general, letters, platform, records, routing, sessions  # noqa: F401  (they register their commands)
from .handler import CommandEvent, Place, UsageError, command, parse, run

__all__ = ["CommandEvent", "Place", "UsageError", "command", "parse", "run"]
