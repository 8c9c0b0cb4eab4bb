"""The days a counselor does not count: their weekly days off, own days off and the
tenant's closed dates, and whether they take letters at all."""

from __future__ import annotations

from mautrix.types import UserID

from ... import business_days, hours
from ...db import OPERATOR, LetterOperator, Tenant
from .. import validate
from ..errors import Refusal, not_found

MAX_DAYS_OFF = 400


def working_days(tenant: Tenant, state: LetterOperator) -> business_days.WorkingDays:
    return business_days.WorkingDays.of(
        state.weekly_off, state.days_off, tenant.closed_dates, tenant.country or None
    )


def weekly(value: str) -> list[int]:
    """``sat,sun`` (or ``none``) as weekday numbers, Monday 0."""
    if value.lower() == "none":
        return []
    days = []
    for part in value.lower().split(","):
        if part.strip() not in hours.WEEKDAYS:
            raise Refusal("letters.bad_weekday", value=part[:10], options=",".join(hours.WEEKDAYS))
        days.append(hours.WEEKDAYS.index(part.strip()))
    if len(set(days)) == 7:
        raise Refusal("letters.every_day_off")
    return sorted(set(days))


def date_span(value: str) -> list[str]:
    """Own days off as typed: a date or a period."""
    return validate.date_span(value, MAX_DAYS_OFF)


async def letter_operator(tenant: Tenant, value: object) -> UserID:
    operator = validate.user_id(value)
    if not await tenant.has_member(operator, OPERATOR):
        raise not_found("operator.unknown", user_id=operator)
    return operator


async def operator_days(tenant: Tenant, operator: object) -> LetterOperator:
    """An operator's letter settings and days off; refused for anyone not an operator."""
    return await LetterOperator.get(tenant.id, await letter_operator(tenant, operator))


async def change_days_off(
    tenant: Tenant,
    operator: object,
    *,
    accepts: bool | None = None,
    weekly_off: list[int] | None = None,
    add: list[str] = (),  # type: ignore[assignment]
    remove: list[str] = (),  # type: ignore[assignment]
) -> LetterOperator:
    state = await operator_days(tenant, operator)
    if accepts is not None:
        state.accepts = accepts
    if weekly_off is not None:
        state.weekly_off = weekly_off
    days = (set(state.days_off) | set(add)) - set(remove)
    if len(days) > MAX_DAYS_OFF:
        raise Refusal("letters.too_many_days_off", max=MAX_DAYS_OFF)
    state.days_off = sorted(days)
    await state.save()
    return state
