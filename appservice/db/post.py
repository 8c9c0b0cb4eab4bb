"""Board posts: follow-ups by a topic's author and operators' numbered answers."""

from __future__ import annotations

from typing import Any, ClassVar

from attr import dataclass
from mautrix.types import EventID, UserID
from mautrix.util.async_db import Database

POST_COLUMNS = (
    "id, topic_id, number, operator_id, body, created_at, hidden_at, hidden_by, source_event"
)


@dataclass
class Post:
    """A follow-up by the topic's author (no operator) or an operator's numbered answer."""

    db: ClassVar[Database]

    id: int
    topic_id: int
    number: int | None
    operator_id: UserID | None
    body: str
    created_at: int
    hidden_at: int | None
    hidden_by: str | None
    source_event: EventID

    @property
    def is_answer(self) -> bool:
        return self.operator_id is not None

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @classmethod
    def _from_row(cls, row: Any) -> Post | None:
        return cls(**dict(row)) if row else None

    @classmethod
    async def insert(
        cls, topic_id: int, operator: UserID | None, body: str, source: EventID, now: int
    ) -> Post:
        """A new post; an answer gets the next answer number of the topic. Posts to one topic
        come in one at a time (one worker per room), so the numbering cannot race."""
        number = None
        if operator is not None:
            number = await cls.db.fetchval(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM board_post WHERE topic_id=$1", topic_id
            )
        row = await cls.db.fetchrow(
            "INSERT INTO board_post (topic_id, number, operator_id, body, created_at, "
            f"source_event) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {POST_COLUMNS}",
            topic_id,
            number,
            operator,
            body,
            now,
            source,
        )
        post = cls._from_row(row)
        assert post is not None
        return post

    @classmethod
    async def by_source(cls, event_id: EventID) -> Post | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {POST_COLUMNS} FROM board_post WHERE source_event=$1", event_id
            )
        )

    @classmethod
    async def get(cls, post_id: int) -> Post | None:
        return cls._from_row(
            await cls.db.fetchrow(f"SELECT {POST_COLUMNS} FROM board_post WHERE id=$1", post_id)
        )

    @classmethod
    async def answer(cls, topic_id: int, number: int) -> Post | None:
        return cls._from_row(
            await cls.db.fetchrow(
                f"SELECT {POST_COLUMNS} FROM board_post WHERE topic_id=$1 AND number=$2",
                topic_id,
                number,
            )
        )

    @classmethod
    async def of_topic(cls, topic_id: int, *, hidden: bool = False) -> list[Post]:
        rows = await cls.db.fetch(
            f"SELECT {POST_COLUMNS} FROM board_post WHERE topic_id=$1"
            f"{'' if hidden else ' AND hidden_at IS NULL'} ORDER BY id",
            topic_id,
        )
        return [cls(**dict(row)) for row in rows]

    async def save(self) -> None:
        await self.db.execute(
            "UPDATE board_post SET body=$2, hidden_at=$3, hidden_by=$4 WHERE id=$1",
            self.id,
            self.body,
            self.hidden_at,
            self.hidden_by,
        )
