"""Finding topics and answers by their references, and the lists of them."""

from __future__ import annotations

import re

from mautrix.types import UserID

from ...db import Tenant
from ...db.post import Post
from ...db.topic import Topic
from ...i18n import Lang, t
from ..errors import Refusal, not_found
from .rooms import label

PAGE = 10  # topics per page, and posts per page of an opened topic
MAX_PAGE = 100000
_ANSWER_REF = re.compile(r"^[Tt]?-?0*(\d{1,9})-(\d{1,6})$")


async def find_topic(tenant: Tenant, number: object) -> Topic:
    text = str(number).strip()
    match = re.fullmatch(r"[Tt]?-?0*(\d{1,9})", text)
    if match is None:
        raise Refusal("board.bad_topic", value=text[:20])
    topic = await Topic.by_number(tenant.id, int(match.group(1)))
    if topic is None:
        raise not_found("board.unknown_topic", topic=label(int(match.group(1))))
    return topic


async def find_answer(tenant: Tenant, ref: object) -> tuple[Topic, Post]:
    """An answer by its reference "42-2": topic 42, answer 2."""
    match = _ANSWER_REF.fullmatch(str(ref).strip())
    if match is None:
        raise Refusal("board.bad_answer", value=str(ref)[:20])
    topic = await find_topic(tenant, match.group(1))
    post = await Post.answer(topic.id, int(match.group(2)))
    if post is None:
        raise not_found("board.unknown_answer", ref=f"{topic.number}-{match.group(2)}")
    return topic, post


async def all_topics(tenant: Tenant, page: int) -> tuple[list[tuple[Topic, int]], int]:
    """A page of every topic, hidden ones included, with its visible answers (moderators)."""
    topics, total = await Topic.page(tenant.id, (page - 1) * PAGE, PAGE, hidden=True)
    counts = await Topic.answer_counts([topic.id for topic in topics])
    return [(topic, counts.get(topic.id, 0)) for topic in topics], total


async def unanswered(tenant: Tenant, operator: UserID) -> list[Topic]:
    return await Topic.unanswered_by(tenant.id, operator)


def age(lang: Lang, now_ms: int, then_ms: int) -> str:
    minutes = max(0, (now_ms - then_ms) // 60000)
    if minutes < 60:
        return t(lang, "board.age_minutes", n=minutes)
    if minutes < 48 * 60:
        return t(lang, "board.age_hours", n=minutes // 60)
    return t(lang, "board.age_days", count=minutes // (24 * 60))


def first_line(text: str, width: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"
