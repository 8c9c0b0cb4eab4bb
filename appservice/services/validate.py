"""Checks on names people type: every refusal names what was wrong."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from mautrix.types import UserID

from ..i18n import LANGUAGES, Lang
from .errors import Refusal

MAX_NAME = 64
PRESETS = ("counseling", "workplace", "club")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
_USER_ID = re.compile(r"@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(:\d{1,5})?")


def name(value: object, what: str) -> str:
    """A display name: 1 to 64 characters, no control characters, trimmed."""
    if not isinstance(value, str) or not value.strip():
        raise Refusal("bad.name_empty", what=what)
    value = unicodedata.normalize("NFC", value.strip())
    if len(value) > MAX_NAME:
        raise Refusal("bad.name_long", what=what, max=MAX_NAME, length=len(value))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        raise Refusal("bad.name_control", what=what)
    if value.startswith(("@", "!")):
        raise Refusal("bad.name_prefix", what=what)
    return value


def slug(value: object) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise Refusal("bad.slug", value=str(value)[:40])
    return value


def preset(value: object) -> str:
    if value not in PRESETS:
        raise Refusal("bad.preset", value=str(value)[:40], options=", ".join(PRESETS))
    return str(value)


def language(value: object) -> Lang:
    for lang in LANGUAGES:
        if value == lang:
            return lang
    raise Refusal("bad.language", value=str(value)[:40])


def user_id(value: object) -> UserID:
    if not isinstance(value, str) or not _USER_ID.fullmatch(value):
        raise Refusal("bad.user_id", value=str(value)[:80])
    return UserID(value)


def count(value: object, *, low: int, high: int, what: str) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise Refusal("bad.number", what=what, value=str(value)[:20]) from None
    if not low <= number <= high:
        raise Refusal("bad.range", what=what, low=low, high=high, value=number)
    return number


def number(value: object, what: str) -> int:
    """A case or ticket number, written with or without a leading #."""
    return count(str(value).lstrip("#"), low=1, high=2**31 - 1, what=what)


def text(value: object, what: str, limit: int) -> str:
    """Free text (a notice, a message): 1 to ``limit`` characters, line breaks allowed."""
    if not isinstance(value, str) or not value.strip():
        raise Refusal("bad.name_empty", what=what)
    value = value.strip()
    if len(value) > limit:
        raise Refusal("bad.name_long", what=what, max=limit, length=len(value))
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise Refusal("bad.name_control", what=what)
    return value


def parse_date(value: object) -> date:
    """A calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Refusal("bad.date", value=str(value)[:40]) from None


def date_span(value: str, longest: int) -> list[str]:
    """``YYYY-MM-DD``, or every date of ``YYYY-MM-DD..YYYY-MM-DD`` (``longest`` days at most),
    as ISO dates."""
    first, sep, last = value.partition("..")
    start = parse_date(first)
    end = parse_date(last) if sep else start
    span = (end - start).days + 1
    if not 1 <= span <= longest:
        raise Refusal("bad.period", first=first, last=last, max=longest)
    return [(start + timedelta(days=n)).isoformat() for n in range(span)]
