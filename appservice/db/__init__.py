from mautrix.util.async_db import Database

from .bot_room import BotRoom
from .inbox import Inbox
from .upgrade import upgrade_table


def init(db: Database) -> None:
    for table in (Inbox, BotRoom):
        table.db = db


__all__ = ["BotRoom", "Inbox", "init", "upgrade_table"]
