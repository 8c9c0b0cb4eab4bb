"""What a client browsing the board is shown, as data: a page of topics, a topic with its
posts, the answer a command names, a member's profile. The client's commands format it.

Texts are shown as stored (filtered for every reader when posted), passed through the leak
filter once more on the way out."""

from __future__ import annotations

from dataclasses import dataclass

import attr
from mautrix.types import EventID, RoomID, UserID

from ...db import OPERATOR, OperatorState, Tenant
from ...db.post import Post
from ...db.shown import Shown
from ...db.topic import Topic
from ..errors import Refusal, not_found
from .lists import PAGE, find_answer, find_topic
from .messages import shown_text
from .rooms import label


async def answer_named(
    tenant: Tenant, room_id: RoomID, args: list[str], reply_to: EventID | None
) -> tuple[Topic, Post]:
    """The answer named by its reference, or the answer a command replies to; shown ones."""
    found: tuple[Topic, Post] | None = None
    if len(args) == 1:
        found = await find_answer(tenant, args[0])
    elif not args and reply_to is not None:
        for item in await Shown.find(room_id, reply_to):
            post = await Post.get(item.post_id) if item.post_id else None
            topic = await Topic.get(item.topic_id)
            if post is not None and post.is_answer and topic is not None:
                found = topic, post
                break
    if found is None:
        raise Refusal("board.which_answer")
    topic, post = found
    if post.hidden or topic.hidden:
        raise not_found("board.unknown_answer", ref=f"{topic.number}-{post.number}")
    assert post.operator_id is not None
    return topic, post


@dataclass(frozen=True)
class TopicsPage:
    topics: list[Topic]
    answers: dict[int, int]  # topic ID → number of answers
    pages: int
    more: bool


async def topics_page(tenant: Tenant, page: int) -> TopicsPage:
    """One page of the board's topics for a client, newest first."""
    topics, total = await Topic.page(tenant.id, (page - 1) * PAGE, PAGE)
    counts = await Topic.answer_counts([topic.id for topic in topics])
    shown = [attr.evolve(topic, body=shown_text(tenant, topic.body)) for topic in topics]
    return TopicsPage(shown, counts, (total + PAGE - 1) // PAGE, page * PAGE < total)


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    posts: list[Post]  # the page asked for
    answers: int  # in the whole topic
    more: bool  # posts after this page
    names: dict[UserID, str]  # the public names of this page's answerers


async def topic_view(tenant: Tenant, number: object, page: int) -> TopicView:
    """A topic and one page of its posts, as a client may see them."""
    topic = await find_topic(tenant, number)
    if topic.hidden:
        raise not_found("board.unknown_topic", topic=label(topic.number))
    posts = await Post.of_topic(topic.id)
    page_posts = posts[(page - 1) * PAGE : page * PAGE]
    names: dict[UserID, str] = {}
    for post in page_posts:
        if post.is_answer:
            assert post.operator_id
            state = await OperatorState.get(tenant.id, post.operator_id)
            names[post.operator_id] = state.profile_name or ""
    answers = sum(1 for p in posts if p.is_answer)
    return TopicView(
        attr.evolve(topic, body=shown_text(tenant, topic.body)),
        [attr.evolve(post, body=shown_text(tenant, post.body)) for post in page_posts],
        answers,
        len(posts) > page * PAGE,
        names,
    )


async def shown(
    room_id: RoomID, event_id: EventID, topic: Topic, post: Post | None = None
) -> None:
    """An event of a client's board room shows this topic (or post): replying to it refers to
    the topic, and hiding the topic (or post) redacts it."""
    await Shown(room_id, event_id, topic.id, post.id if post else None).add()


async def member_profile(tenant: Tenant, operator: UserID) -> OperatorState:
    """The profile of a member who answered, while they are a member with a profile."""
    state = await OperatorState.get(tenant.id, operator)
    if not await tenant.has_member(operator, OPERATOR) or not state.profile_name:
        raise not_found("board.member_gone")
    return state
