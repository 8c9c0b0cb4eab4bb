from mautrix.util.async_db import Database

from .booking import Booking
from .bot_room import BotRoom
from .calendar_token import CalendarToken
from .case import Case
from .category import Category
from .client import Client, Group
from .event_map import EventMap
from .inbox import Inbox
from .letter_operator import LetterOperator
from .misc import ApiToken, NoticeSent, Timer
from .operator_settings import OperatorSettings
from .operator_state import OperatorState
from .package import Package
from .package_type import PackageType
from .persona import Persona
from .post import Post
from .records import CaseNote, ClientRecord
from .room import Room
from .shown import Shown
from .slot import Slot
from .staff_account import StaffAccount
from .statements import Statement
from .template import Template
from .tenant import Tenant
from .tenant_member import ADMIN, OPERATOR
from .ticket import Ticket
from .topic import Topic
from .upgrade import upgrade_table


def init(db: Database) -> None:
    for table in (
        Inbox,
        BotRoom,
        Room,
        Tenant,
        Client,
        Group,
        ApiToken,
        Timer,
        NoticeSent,
        Case,
        EventMap,
        Persona,
        OperatorState,
        OperatorSettings,
        Template,
        ClientRecord,
        Category,
        CaseNote,
        Ticket,
        Topic,
        Post,
        Shown,
        Slot,
        Booking,
        CalendarToken,
        PackageType,
        Package,
        LetterOperator,
        Statement,
        StaffAccount,
    ):
        table.db = db


__all__ = [
    "ADMIN",
    "OPERATOR",
    "ApiToken",
    "Booking",
    "BotRoom",
    "CalendarToken",
    "Case",
    "CaseNote",
    "Category",
    "Client",
    "ClientRecord",
    "EventMap",
    "Group",
    "Inbox",
    "LetterOperator",
    "NoticeSent",
    "OperatorSettings",
    "OperatorState",
    "Package",
    "PackageType",
    "Persona",
    "Post",
    "Room",
    "Shown",
    "Slot",
    "StaffAccount",
    "Statement",
    "Template",
    "Tenant",
    "Ticket",
    "Timer",
    "Topic",
    "init",
    "upgrade_table",
]
