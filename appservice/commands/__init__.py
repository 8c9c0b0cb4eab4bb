from . import general  # noqa: F401  (registers the commands)
from .handler import CommandEvent, Role, UsageError, command, parse, run

__all__ = ["CommandEvent", "Role", "UsageError", "command", "parse", "run"]
