from __future__ import annotations

from dataclasses import dataclass

from mautrix.appservice import AppService
from mautrix.types import UserID

from .bot import Bot
from .config import Config


@dataclass
class Context:
    """What every part of soudan needs: passed around instead of living in globals."""

    config: Config
    az: AppService
    bot: Bot

    def is_own_user(self, user_id: UserID) -> bool:
        return user_id == self.az.bot_mxid or user_id.startswith(
            "@" + self.config["appservice.ghost_prefix"]
        )
