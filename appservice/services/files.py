"""A file a service made, for a door to send into a room or return over the API."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class File:
    name: str
    mime: str
    data: bytes
    rows: int = 0  # how many records it holds, for a door to say so
