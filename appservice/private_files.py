"""Files that hold secrets (the config's tokens, the registration, the SQLite database) are
readable and writable by their owner only, from the moment they exist."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def write_private(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600. An existing file with wider modes is narrowed
    before anything new is written into it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    os.fchmod(fd, PRIVATE)  # the mode given to open() counts only when the file is new
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)


def make_private(path: str | Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist, else narrow its mode to 0600.
    SQLite gives its journal and WAL files the mode of the database file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
    finally:
        os.close(fd)
