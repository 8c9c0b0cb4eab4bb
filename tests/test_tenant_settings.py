"""Hours, closed dates and the tenant's settings (greeting, queue preview, personal personas)
through both doors: the same change by command on one tenant and through the API on another
comes out the same, and bad input is refused with a clear reason and changes nothing."""

from __future__ import annotations

from typing import Any

from .conftest import OpenUser, Stack
from .tenants import Api, TenantFixture, new_tenant

HOURS_FIELDS = ("timezone", "hours", "closed_dates")


async def _stored(api: Api, tenant: TenantFixture) -> dict[str, Any]:
    hours = await api.ok("GET", f"/tenants/{tenant.slug}/hours")
    settings = await api.ok("GET", f"/tenants/{tenant.slug}/settings")
    return {**{key: hours[key] for key in HOURS_FIELDS}, **settings}


async def _refused(api: Api, method: str, path: str, body: Any) -> str:
    status, data = await api.call(method, path, body)
    assert (status, data["errcode"]) == (400, "M_INVALID_PARAM"), data
    return str(data["error"])


async def test_hours_and_settings_are_the_same_through_the_command_and_the_api(
    stack: Stack, users: OpenUser
) -> None:
    api = Api(stack)
    by_command = await new_tenant(stack, api, users)
    by_api = await new_tenant(stack, api, users)
    hours, settings = f"/tenants/{by_api.slug}/hours", f"/tenants/{by_api.slug}/settings"
    assert await _stored(api, by_command) == await _stored(api, by_api)

    for text in (
        "!set-timezone Europe/Berlin",
        "!set-hours mon 09:00-12:00,13:00-17:00",
        "!set-hours sun closed",
        "!closed-date add 2026-12-29..2026-12-31",
        "!closed-date remove 2026-12-30",
        "!set-greeting Welcome to our desk.",
        "!set-preview on",
        "!set-personas on",
        "!set-group-chat on",
    ):
        answer = await by_command.command(text)
        assert answer.startswith(
            ("Open now.", "Closed", "The ", "Operators may", "Members of a group")
        ), (text, answer)
    await api.ok(
        "PUT",
        hours,
        {
            "timezone": "Europe/Berlin",
            "hours": {"mon": "09:00-12:00,13:00-17:00", "sun": "closed"},
            "closed_dates": ["2026-12-29", "2026-12-31"],
        },
    )
    changes = {"greeting": "Welcome to our desk.", "preview": True, "personas": "on"}
    changed = await api.ok("PATCH", settings, {**changes, "group_chat": "on"})
    assert changed == {**changes, "personas": True, "group_chat": True}
    stored = await _stored(api, by_api)
    assert stored == await _stored(api, by_command)
    assert stored["hours"] == {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "sun": []}
    assert stored["closed_dates"] == ["2026-12-29", "2026-12-31"]
    # What an admin reads back is the same too.
    assert await by_command.command("!hours") == await by_api.command("!hours")

    # The same bad input gets the same reason through either door, and changes nothing, not
    # even the good parts of the same change.
    for text, body in (
        ("!set-hours funday 09:00-10:00", {"timezone": "Asia/Tokyo", "hours": {"fun": "9-10"}}),
        (
            "!set-hours tue 17:00-09:00",
            {"timezone": "Asia/Tokyo", "hours": {"tue": "17:00-09:00"}},
        ),
        ("!set-timezone Nowhere/City", {"timezone": "Nowhere/City", "hours": {"tue": "closed"}}),
        ("!set-timezone " + "x" * 256, {"timezone": "x" * 256, "hours": {"tue": "closed"}}),
        ("!closed-date add 2026-13-01", {"closed_dates": ["2027-01-01", "2026-13-01"]}),
        (
            "!closed-date add 2026-01-01..2027-06-30",
            {"hours": {"tue": "closed"}, "closed_dates": ["2026-01-01..2027-06-30"]},
        ),
    ):
        answer = await by_command.command(text)
        assert answer == await _refused(api, "PUT", hours, body), text
    assert "is not a weekday" in await _refused(api, "PUT", hours, {"hours": {"fun": "closed"}})
    assert await by_command.command("!set-preview maybe") == "Say on or off."
    for body, reason in (
        ({"greeting": "Hello", "preview": "maybe"}, "preview cannot be “maybe”"),
        ({"greeting": "Hello", "group_chat": "maybe"}, "group_chat cannot be “maybe”"),
        ({"greeting": "Hello", "colour": "red"}, "There is no setting “colour”"),
        ({"greeting": " ", "personas": False}, "greeting"),
    ):
        assert reason in await _refused(api, "PATCH", settings, body), body
    assert await _stored(api, by_api) == stored
    assert await _stored(api, by_command) == stored
