"""A tenant's letter settings: country (for holidays), currency, prices, the month a package
counts in, and when a counselor is reminded of a reply due."""

from __future__ import annotations

from collections.abc import Mapping

from ... import business_days
from ...db import Tenant
from .. import validate
from ..errors import Refusal
from .package_types import LIMITS

PACKAGE_MONTHS = ("started", "completed")
MAX_REMIND_H = 72


def settings_of(tenant: Tenant) -> dict[str, object]:
    return {
        "country": tenant.country,
        "currency": tenant.currency,
        "session_price": tenant.session_price,
        "package_month": tenant.package_month,
        "letter_reminder": tenant.letter_reminder,
    }


def reminder_setting(value: object) -> str:
    """``start`` (09:00 on a reply's last business day) or ``<hours>h`` before it is due."""
    text = str(value).strip().lower()
    hours_before = text.removesuffix("h")
    if text == "start" or (
        text.endswith("h") and hours_before.isdigit() and 1 <= int(hours_before) <= MAX_REMIND_H
    ):
        return text
    raise Refusal("letters.bad_reminder", value=text[:20], max=MAX_REMIND_H)


async def change_settings(tenant: Tenant, changes: Mapping[str, object]) -> None:
    """``country``, ``currency``, ``session_price``, ``package_month``: all checked first."""
    new = settings_of(tenant)
    for key, value in changes.items():
        key = key.replace("-", "_")
        if key not in new:
            raise Refusal("letters.unknown_setting", setting=key[:40], options=", ".join(new))
        if key == "country":
            code = str(value).upper()
            if code not in ("", "NONE") and not business_days.country_known(code):
                raise Refusal("letters.bad_country", value=str(value)[:10])
            new[key] = "" if code in ("", "NONE") else code
        elif key == "currency":
            code = str(value).upper()
            if len(code) != 3 or not code.isalpha():
                raise Refusal("letters.bad_currency", value=str(value)[:10])
            new[key] = code
        elif key == "letter_reminder":
            new[key] = reminder_setting(value)
        elif key == "session_price":
            new[key] = validate.count(value, low=0, high=LIMITS["price"][1], what="session price")
        else:
            if value not in PACKAGE_MONTHS:
                raise Refusal(
                    "letters.bad_package_month",
                    value=str(value)[:20],
                    options=", ".join(PACKAGE_MONTHS),
                )
            new[key] = value
    tenant.country = str(new["country"])
    tenant.currency = str(new["currency"])
    tenant.session_price = int(str(new["session_price"]))
    tenant.package_month = str(new["package_month"])
    tenant.letter_reminder = str(new["letter_reminder"])
    await tenant.save()
