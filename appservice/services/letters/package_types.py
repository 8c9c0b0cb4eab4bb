"""Package types: the terms a package is granted with (replies, days, characters, price)."""

from __future__ import annotations

from collections.abc import Mapping

from ...context import Context
from ...db import PackageType, Tenant
from ...i18n import t
from .. import validate
from ..errors import Refusal, not_found

DEFAULTS = {"replies": 4, "days": 2, "chars": 3000, "price": 0}
LIMITS = {"replies": (1, 100), "days": (1, 30), "chars": (1, 100_000), "price": (0, 100_000_000)}
TYPE_OPTIONS = tuple(DEFAULTS)


def type_terms(options: Mapping[str, object], base: Mapping[str, int] | None = None) -> dict:
    """The terms of a package type from ``replies= days= chars= price=``, each checked."""
    unknown = [key for key in options if key not in TYPE_OPTIONS]
    if unknown:
        raise Refusal("letters.unknown_option", option=unknown[0], options=", ".join(TYPE_OPTIONS))
    terms = dict(base or DEFAULTS)
    for key, value in options.items():
        low, high = LIMITS[key]
        terms[key] = validate.count(value, low=low, high=high, what=t("en", f"letters.term.{key}"))
    return terms


async def put_type(
    ctx: Context, tenant: Tenant, name: object, options: Mapping[str, object]
) -> PackageType:
    """Add a package type, or change the terms of one (packages granted keep theirs)."""
    type_name = validate.name(name, "package type")
    known = await PackageType.by_name(tenant.id, type_name)
    base = None
    if known is not None:
        base = {
            "replies": known.replies,
            "days": known.deadline_days,
            "chars": known.char_limit,
            "price": known.price,
        }
    terms = type_terms(options, base)
    return await PackageType.put(
        tenant.id,
        type_name,
        terms["replies"],
        terms["days"],
        terms["chars"],
        terms["price"],
        ctx.clock.now_ms(),
    )


async def find_type(tenant: Tenant, name: object) -> PackageType:
    kind = await PackageType.by_name(tenant.id, str(name).strip())
    if kind is None:
        known = ", ".join(k.name for k in await PackageType.all(tenant.id)) or "-"
        raise not_found("letters.unknown_type", name=str(name)[:64], known=known)
    return kind


async def remove_type(tenant: Tenant, name: object) -> None:
    await (await find_type(tenant, name)).delete()
