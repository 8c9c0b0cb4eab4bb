"""The board (seed 001): clients post topics anonymously, many operators answer in threads.

A client writes in a board room of their own (the client and the tenant's board ghost). A new
message there posts a topic; a message in the topic's thread adds to it. Operators share one
board room per tenant, where each topic is a thread root posted by a ghost of its own ("Poster
T-0042"), so two topics by one client cannot be linked. An operator answers in the thread; the
answer reaches the author's board room from the operator's member ghost (their profile name),
with a member badge. Other clients browse the board with commands in their own board room, and
never share a room with anyone.

Every event that shows a topic or a post, on any side, is recorded (``Shown``), so that hiding
one redacts it everywhere while the database keeps it for the audit.

The modules, each importing only those before it: ``rooms`` (the rooms and settings),
``messages`` (how the board writes), ``lists``, ``browsing`` (what a browsing client is
shown), ``moderation``, ``client_room`` (a client's board room), ``operator_room`` (the
operators' board room).
"""

from __future__ import annotations

from .browsing import (
    TopicsPage,
    TopicView,
    answer_named,
    member_profile,
    shown,
    topic_view,
    topics_page,
)
from .client_room import NEW_TOPIC, nominate, on_client_event
from .lists import MAX_PAGE, PAGE, age, all_topics, find_answer, find_topic, first_line, unanswered
from .messages import BOARD_KEY, TEXT_TYPES, answer_content, member_ghost, shown_text
from .moderation import hide_answer, hide_topic, may_moderate, set_closed
from .operator_room import on_operator_event, rename_member
from .rooms import (
    MAX_DAILY,
    MAX_LENGTH,
    ON_BY_DEFAULT,
    board_ghost,
    change_settings,
    ensure_board_room,
    label,
    open_for_client,
    settings_of,
)

__all__ = [
    "BOARD_KEY",
    "MAX_DAILY",
    "MAX_LENGTH",
    "MAX_PAGE",
    "NEW_TOPIC",
    "ON_BY_DEFAULT",
    "PAGE",
    "TEXT_TYPES",
    "TopicView",
    "TopicsPage",
    "age",
    "all_topics",
    "answer_content",
    "answer_named",
    "board_ghost",
    "change_settings",
    "ensure_board_room",
    "find_answer",
    "find_topic",
    "first_line",
    "hide_answer",
    "hide_topic",
    "label",
    "may_moderate",
    "member_ghost",
    "member_profile",
    "nominate",
    "on_client_event",
    "on_operator_event",
    "open_for_client",
    "rename_member",
    "set_closed",
    "settings_of",
    "shown",
    "shown_text",
    "topic_view",
    "topics_page",
    "unanswered",
]
