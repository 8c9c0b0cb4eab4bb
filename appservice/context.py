from __future__ import annotations

from dataclasses import dataclass, field

from mautrix.appservice import AppService, IntentAPI
from mautrix.types import UserID

from .accounts import SynapseAccounts
from .bot import Bot
from .clock import Clock
from .config import Config
from .hooks import Hooks
from .scheduler import Scheduler


@dataclass
class Context:
    """What every part of soudan needs: passed around instead of living in globals."""

    config: Config
    az: AppService
    bot: Bot
    accounts: SynapseAccounts
    clock: Clock
    scheduler: Scheduler
    hooks: Hooks = field(default_factory=Hooks)

    def is_own_user(self, user_id: UserID) -> bool:
        return user_id == self.az.bot_mxid or user_id.startswith(
            "@" + self.config["appservice.ghost_prefix"]
        )

    def desk_mxid(self, slug: str) -> UserID:
        return UserID(self.config.ghost_mxid(f"desk_{slug}"))

    def desk(self, slug: str) -> IntentAPI:
        return self.az.intent.user(self.desk_mxid(slug))
