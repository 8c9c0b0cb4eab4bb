from __future__ import annotations

import time


class Clock:
    """soudan's idea of now. Tests move it forward (provisioning debug API) instead of waiting."""

    def __init__(self) -> None:
        self.offset_ms = 0

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def advance(self, seconds: float) -> None:
        self.offset_ms += int(seconds * 1000)
