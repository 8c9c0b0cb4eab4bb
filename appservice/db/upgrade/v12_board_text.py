from __future__ import annotations

import re

from mautrix.util.async_db import Connection, Scheme

from . import upgrade_table

# The word every reader of the board knows an unnamed user by, as the catalogs say it at this
# version ("relay.someone"). A migration keeps its own copy: it must do the same later.
SOMEONE = {"ja": "だれか", "en": "someone"}

# The first line of an old-form reply fallback names the original sender: "> <@a:b> …".
_FALLBACK = re.compile(r"^> (?:\* )?<@[^>\s]+>")
# A server name: a bracketed IPv6 address or dotted labels (not ending in a dot, so that
# "ask @a:example.org." keeps its full stop), and a port.
_SERVER = r"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+)(?::\d{1,5})?"
_USER_ID = rf"@[A-Za-z0-9._=/+-]+:{_SERVER}"
# Links to users (matrix.to, matrix: URIs, percent-encoded or not), then bare user IDs.
_USER_LINK = re.compile(
    r"https?://matrix\.to/#/(?:@|%40)[^\s<>\"']*|\bmatrix:(?:u|user)/[^\s<>\"']+", re.I
)
_BARE_USER = re.compile(rf"(?<![\w@]){_USER_ID}")


def clean_text(body: str, someone: str) -> str:
    """A stored board text as the leak filter would have stored it: without the reply fallback
    it starts with, and naming no user by their Matrix ID."""
    text = body.lstrip()
    if _FALLBACK.match(text):
        lines = text.split("\n")
        while lines and lines[0].startswith(">"):
            lines.pop(0)
        rest = "\n".join(lines).strip()
        # Nothing but the quote: it stays, naming nobody, rather than leave an empty post.
        text = rest or text
    else:
        text = body
    text = _USER_LINK.sub(someone, text)
    return _BARE_USER.sub(someone, text).strip()


# Version 12 (from 11): registered at its place whatever migrations come before it.
@upgrade_table.register(index=11, description="Board texts without reply fallbacks or user IDs")  # type: ignore[call-arg,arg-type]
async def upgrade_v12(conn: Connection, scheme: Scheme) -> None:
    for table, query in (
        (
            "board_topic",
            "SELECT t.id, t.body, n.language FROM board_topic t JOIN tenant n ON n.id=t.tenant_id",
        ),
        (
            "board_post",
            "SELECT p.id, p.body, n.language FROM board_post p "
            "JOIN board_topic t ON t.id=p.topic_id JOIN tenant n ON n.id=t.tenant_id",
        ),
    ):
        for row in await conn.fetch(query):
            body = row["body"]
            clean = clean_text(body, SOMEONE.get(row["language"], SOMEONE["en"]))
            if clean != body:
                await conn.execute(f"UPDATE {table} SET body=$1 WHERE id=$2", clean, row["id"])
