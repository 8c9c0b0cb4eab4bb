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


async def _desk(api: Api, tenant: TenantFixture) -> dict[str, Any]:
    """The notices' wording, the intake question and each operator's team, as read back."""
    path = f"/tenants/{tenant.slug}"
    teams = (await api.ok("GET", f"{path}/teams"))["operators"]
    return {
        "texts": await api.ok("GET", f"{path}/texts"),
        **await api.ok("GET", f"{path}/intake"),
        "teams": [operator["team"] for operator in teams],
    }


async def test_texts_intake_and_teams_are_the_same_through_the_command_and_the_api(
    stack: Stack, users: OpenUser
) -> None:
    api = Api(stack)
    by_command = await new_tenant(stack, api, users)
    by_api = await new_tenant(stack, api, users)
    operator: dict[str, str] = {}
    for tenant in (by_command, by_api):
        operator[tenant.slug], _ = stack.new_user("operator")
        await api.ok(
            "POST", f"/tenants/{tenant.slug}/operators", {"user_id": operator[tenant.slug]}
        )
    path = f"/tenants/{by_api.slug}"
    team_path = f"{path}/operators/{operator[by_api.slug]}/team"
    before = await _desk(api, by_api)
    assert before == await _desk(api, by_command)
    assert before["texts"]["absent"] == {
        "text": "Nobody can answer right now. Your message is kept as an inquiry and someone "
        "will answer as soon as they are back.",
        "custom": False,
    }
    assert (before["intake"], before["teams"]) == (None, [None])

    # The same bad input gets the same reason through either door, and changes nothing.
    for text, method, where, body in (
        ("!set-text goodbye Bye", "PUT", f"{path}/texts/goodbye", {"text": "Bye"}),
        ("!set-text absent " + "x" * 2001, "PUT", f"{path}/texts/absent", {"text": "x" * 2001}),
        (
            "!set-intake Why? | @work=work | Family=family",
            "PUT",
            f"{path}/intake",
            {"question": "Why?", "answers": [{"label": "@work", "team": "work"}] * 2},
        ),
        (
            "!set-intake Why? | Work=work | Family=" + "f" * 65,
            "PUT",
            f"{path}/intake",
            {
                "question": "Why?",
                "answers": [{"label": "Work", "team": "work"}, {"label": "F", "team": "f" * 65}],
            },
        ),
        (f"!set-team {operator[by_command.slug]} !team", "PUT", team_path, {"team": "!team"}),
    ):
        assert await by_command.command(text) == await _refused(api, method, where, body), text
    assert "team" in await _refused(api, "PUT", team_path, {"team": 7})
    assert await by_command.command(f"!set-team {stack.admin_id} work") == (
        f"{stack.admin_id} is not an operator."
    )
    status, data = await api.call("PUT", f"{path}/operators/{stack.admin_id}/team", {"team": "a"})
    assert (status, data) == (
        404,
        {"errcode": "M_NOT_FOUND", "error": f"{stack.admin_id} is not an operator."},
    )
    one = {"question": "Why?", "answers": [{"label": "Work", "team": "work"}]}
    assert "needs 2 to 20 answers (got 1)" in await _refused(api, "PUT", f"{path}/intake", one)
    many = {**one, "answers": one["answers"] * 21}
    assert "needs 2 to 20 answers (got 21)" in await _refused(api, "PUT", f"{path}/intake", many)
    for body in ({"question": "Why?", "answers": "Work=work"}, {"question": "Why?"}, {}):
        status, data = await api.call("PUT", f"{path}/intake", body)
        assert (status, data["errcode"]) == (400, "M_BAD_JSON"), body
    for where, body in ((f"{path}/texts/absent", {}), (team_path, {"colour": "red"})):
        status, data = await api.call("PUT", where, body)
        assert (status, data["errcode"]) == (400, "M_BAD_JSON"), where
    # Another tenant's token, and a tenant that does not exist.
    token = (await api.ok("POST", f"/tenants/{by_command.slug}/tokens", {"label": "t"}))["token"]
    for method, where, body in (
        ("PUT", f"{path}/texts/absent", {"text": "Hi"}),
        ("PUT", f"{path}/intake", one),
        ("DELETE", f"{path}/intake", None),
        ("PUT", team_path, {"team": "work"}),
        ("GET", f"{path}/teams", None),
    ):
        status, data = await api.call(method, where, body, token=token)
        assert (status, data["errcode"]) == (403, "M_FORBIDDEN"), where
        status, data = await api.call(method, where.replace(by_api.slug, "nosuchdesk"), body)
        assert (status, data["errcode"]) == (404, "M_NOT_FOUND"), where
    assert await _desk(api, by_api) == before
    assert await _desk(api, by_command) == before

    # The same changes through either door read back the same.
    for text, answer in (
        ("!set-text absent Back soon. Write to us any time.", "The “absent” text is set."),
        (
            "!set-intake What is it about? | Work=work | Family=family",
            "The intake question is set.",
        ),
        (
            f"!set-team {operator[by_command.slug]} work",
            f"{operator[by_command.slug]} is in team: work",
        ),
    ):
        assert await by_command.command(text) == answer
    set_text = await api.ok(
        "PUT", f"{path}/texts/absent", {"text": " Back soon. Write to us any time. "}
    )
    assert set_text == {
        "kind": "absent",
        "text": "Back soon. Write to us any time.",
        "custom": True,
    }
    intake = {
        "question": "What is it about?",
        "answers": [{"label": "Work", "team": "work"}, {"label": " Family", "team": "family "}],
    }
    assert (await api.ok("PUT", f"{path}/intake", intake))["intake"] == {
        "question": "What is it about?",
        "answers": [{"label": "Work", "team": "work"}, {"label": "Family", "team": "family"}],
    }
    assert await api.ok("PUT", team_path, {"team": "work"}) == {
        "user_id": operator[by_api.slug],
        "team": "work",
    }
    after = await _desk(api, by_api)
    assert after == await _desk(api, by_command)
    assert after["texts"]["absent"]["custom"] and not after["texts"]["halt"]["custom"]
    assert after["teams"] == ["work"]

    # And undone the same way.
    assert await by_command.command("!set-intake none") == "The intake question is removed."
    assert await api.ok("DELETE", f"{path}/intake") == {"intake": None}
    await by_command.command(f"!set-team {operator[by_command.slug]} none")
    assert (await api.ok("PUT", team_path, {"team": None}))["team"] is None
    undone = await _desk(api, by_api)
    assert undone == await _desk(api, by_command)
    assert (undone["intake"], undone["teams"]) == (None, [None])
