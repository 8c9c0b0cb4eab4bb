"""Texts shown to users, in every language a tenant (or the platform) can choose.

The texts live in gettext catalogs, one per language: ``locale/<lang>/LC_MESSAGES/soudan.po``.
Each message id is a key that names the text (``refuse.unknown_command``); ``{name}`` marks a
value filled in when the text is shown. A text that shows a count is a plural entry and is
asked for with ``count=``: the catalog's plural rule picks the form. A catalog is read once,
the first time its language is needed.

Dates, numbers and money shown in a text are formatted here too, for the same language.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

# The languages soudan speaks, each the name of its catalog. A new language is one more name
# here and its catalog file.
Lang = Literal["ja", "en"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)

DOMAIN = "soudan"
LOCALE_DIR = Path(__file__).with_name("locale")


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Catalog:
    """One language's texts: a plural entry has one text per plural form."""

    texts: dict[str, str | tuple[str, ...]]
    plural: Callable[[int], int]


@cache
def catalog(lang: str) -> Catalog:
    with catalog_path(lang).open("rb") as file:
        po = read_po(file, domain=DOMAIN)
    texts: dict[str, str | tuple[str, ...]] = {}
    for message in po:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            string = message.string
            texts[key] = string if isinstance(string, str) else tuple(string or ())
    return Catalog(texts, gettext.c2py(po.plural_expr))


def t(lang: Lang, key: str, **params: object) -> str:
    """The text ``key`` in ``lang`` with ``params`` filled in; ``count`` picks a plural form."""
    messages = catalog(lang)
    text = messages.texts[key]
    if isinstance(text, tuple):
        count = params["count"]
        assert isinstance(count, int), key
        text = text[messages.plural(count)]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    """Whether a text named ``key`` exists (every language has the same keys)."""
    return key in catalog(LANGUAGES[0]).texts


def number(lang: Lang, value: float) -> str:
    """``12,345`` as the language groups digits."""
    return format_decimal(value, locale=lang)


def money(lang: Lang, amount: int, currency: str) -> str:
    """A whole amount of a currency: ``28,000 JPY``, digits grouped as the language does."""
    return format_currency(amount, currency, "#,##0 ¤¤", locale=lang, currency_digits=False)


def day(lang: Lang, value: dt.date) -> str:
    """A date with its weekday in the language: ``2026-11-27 (金)``, ``2026-11-27 (Fri)``."""
    return format_date(value, "yyyy-MM-dd (EEE)", locale=lang)


def moment(lang: Lang, value: dt.datetime) -> str:
    """A date and time of day: ``2026-11-27 14:30``."""
    return format_datetime(value, "yyyy-MM-dd HH:mm", locale=lang)
