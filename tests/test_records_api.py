"""The records API end to end: operator settings, templates, categories, client and case
records, tickets, search, export and the summary, through a real soudan and Synapse."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import aiohttp
import openpyxl

from .conftest import OpenUser, Stack
from .tenants import PREFIX, Api, bare_tenant, refused


async def _download(
    stack: Stack, path: str, token: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    token = token or str(stack.config["provisioning.shared_secret"])
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            stack.soudan.url + PREFIX + path, headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        return response.status, dict(response.headers), await response.read()


def _enc(text: str) -> str:
    return quote(text, safe="")


async def test_templates(stack: Stack) -> None:
    api = Api(stack)
    base = f"/tenants/{await bare_tenant(api)}/templates"
    assert await api.ok("GET", base) == {"templates": []}
    made = await api.call(
        "POST", base, {"name": "hello", "body": "Hello {nickname}, this is {operator}."}
    )
    assert made[0] == 201 and made[1]["name"] == "hello"
    await refused(api, "POST", base, {"name": "hello", "body": "again"}, 409, "SOUDAN_CONFLICT")
    error = await refused(
        api, "POST", base, {"name": "bad", "body": "Hi {name}"}, 400, "M_INVALID_PARAM"
    )
    assert "{nickname}" in error  # the refusal names the placeholders there are
    await refused(api, "POST", base, {"name": "bad", "body": "Hi {"}, 400, "M_INVALID_PARAM")
    await refused(api, "POST", base, {"name": "two words", "body": "x"}, 400, "M_INVALID_PARAM")
    await refused(api, "POST", base, {"name": "bad"}, 400, "M_BAD_JSON")
    await refused(api, "PUT", f"{base}/hello", {"body": "Bye {oops}"}, 400, "M_INVALID_PARAM")
    await refused(api, "PUT", f"{base}/nothing", {"body": "Hi"}, 404, "M_NOT_FOUND")
    await refused(api, "GET", f"{base}/nothing", None, 404, "M_NOT_FOUND")
    await refused(api, "DELETE", f"{base}/nothing", None, 404, "M_NOT_FOUND")
    # Nothing refused changed anything.
    listed = (await api.ok("GET", base))["templates"]
    assert [(t["name"], t["body"]) for t in listed] == [
        ("hello", "Hello {nickname}, this is {operator}.")
    ]

    changed = await api.ok("PUT", f"{base}/hello", {"body": "Hi {nickname} (case {case})"})
    assert changed["body"] == "Hi {nickname} (case {case})"
    assert (await api.ok("GET", f"{base}/hello"))["body"] == changed["body"]
    assert await api.ok("DELETE", f"{base}/hello") == {}
    assert await api.ok("GET", base) == {"templates": []}


async def test_categories(stack: Stack) -> None:
    api = Api(stack)
    base = f"/tenants/{await bare_tenant(api)}/categories"
    made = await api.call("POST", base, {"path": "Billing > Refund > Card"})
    assert made == (201, {"path": "Billing > Refund > Card"})
    expected = ["Billing", "Billing > Refund", "Billing > Refund > Card"]
    assert (await api.ok("GET", base))["categories"] == expected  # parents came with it

    await refused(api, "POST", base, {"path": "A > B > C > D"}, 400, "M_INVALID_PARAM")
    await refused(api, "POST", base, {"path": "Billing/Refund"}, 409, "SOUDAN_CONFLICT")
    await refused(api, "POST", base, {"path": "  "}, 400, "M_INVALID_PARAM")
    await refused(api, "POST", base, {"path": 7}, 400, "M_INVALID_PARAM")
    await refused(api, "POST", base, {}, 400, "M_BAD_JSON")
    await refused(
        api, "DELETE", f"{base}/{_enc('Billing > Refund')}", None, 409, "SOUDAN_CONFLICT"
    )
    await refused(api, "DELETE", f"{base}/Nothing", None, 404, "M_NOT_FOUND")
    await refused(api, "DELETE", f"{base}/{_enc('A>B>C>D')}", None, 400, "M_INVALID_PARAM")
    assert (await api.ok("GET", base))["categories"] == expected  # "A" was never made

    await api.ok("DELETE", f"{base}/{_enc('Billing > Refund > Card')}")
    await api.ok("DELETE", f"{base}/{_enc('Billing/Refund')}")  # "/" works as ">" too
    assert (await api.ok("GET", base))["categories"] == ["Billing"]


async def test_operator_settings(stack: Stack) -> None:
    api = Api(stack)
    slug = await bare_tenant(api)
    operator, _ = stack.new_user("operator")
    await api.ok("POST", f"/tenants/{slug}/operators", {"user_id": operator})
    path = f"/tenants/{slug}/operators/{_enc(operator)}/settings"
    defaults = await api.ok("GET", path)
    assert defaults["user_id"] == operator
    assert (defaults["scope"], defaults["notes"], defaults["mode"]) == ("all", True, "send")

    stranger, _ = stack.new_user("user")
    await refused(
        api,
        "GET",
        f"/tenants/{slug}/operators/{_enc(stranger)}/settings",
        None,
        404,
        "M_NOT_FOUND",
    )
    await refused(
        api, "PATCH", f"/tenants/{slug}/operators/nobody/settings", {}, 400, "M_INVALID_PARAM"
    )

    changes = {"scope": "tags:vip,night", "intake": False, "mode": "view", "notify-message": "off"}
    changed = await api.ok("PATCH", path, changes)
    assert changed == {
        **defaults,
        "scope": "tags",
        "tags": ["night", "vip"],
        "intake": False,
        "mode": "view",
        "notify_message": False,
    }
    # Each of these is refused whole: the good changes in them are not made either.
    for bad in (
        {"intake": True, "mode": "shout"},
        {"notes": False, "intake": "maybe"},
        {"notes": False, "scope": "tags", "tags": []},
        {"notes": False, "tags": ["has space"]},
        {"notes": False, "colour": "red"},
        {"notes": False, "user_id": operator},
    ):
        await refused(api, "PATCH", path, bad, 400, "M_INVALID_PARAM")
    await refused(api, "PATCH", path, None, 400, "M_BAD_JSON", raw=b"[1]")
    assert await api.ok("GET", path) == changed


async def test_a_tenant_token_stays_in_its_tenant(stack: Stack) -> None:
    api = Api(stack)
    a, b = await bare_tenant(api), await bare_tenant(api)
    token_b = (await api.ok("POST", f"/tenants/{b}/tokens", {"label": "records"}))["token"]
    operator, _ = stack.new_user("operator")
    await api.ok("POST", f"/tenants/{a}/operators", {"user_id": operator})
    settings = f"/operators/{_enc(operator)}/settings"
    for method, path, body in (
        ("GET", "/templates", None),
        ("POST", "/templates", {"name": "x", "body": "y"}),
        ("POST", "/categories", {"path": "Stolen"}),
        ("GET", settings, None),
        ("PATCH", settings, {"mode": "view"}),
        ("GET", "/cases", None),
        ("GET", "/tickets", None),
        ("GET", "/summary", None),
        ("GET", "/clients/anyone/record", None),
    ):
        await refused(api, method, f"/tenants/{a}{path}", body, 403, "M_FORBIDDEN", token=token_b)
    status, _, data = await _download(stack, f"/tenants/{a}/cases/export", token_b)
    assert status == 403 and b"M_FORBIDDEN" in data
    # Nothing changed in tenant a; the token works in its own tenant.
    assert await api.ok("GET", f"/tenants/{a}/templates") == {"templates": []}
    assert await api.ok("GET", f"/tenants/{a}/categories") == {"categories": []}
    assert (await api.ok("GET", f"/tenants/{a}{settings}"))["mode"] == "send"
    assert await api.ok("GET", f"/tenants/{b}/templates", token=token_b) == {"templates": []}


async def _wait_for_cases(api: Api, path: str, count: int, timeout: float = 30) -> list[Any]:
    """At least ``count`` cases, each with its client's alias (made just after the case)."""
    deadline = time.monotonic() + timeout
    while True:
        found = (await api.ok("GET", path))["cases"]
        ready = len(found) >= count and all(case["client"] for case in found)
        if ready or time.monotonic() > deadline:
            return list(found)
        await asyncio.sleep(0.2)


async def test_case_records_history_and_export(stack: Stack, users: OpenUser) -> None:
    api = Api(stack)
    slug = await bare_tenant(api, preset="workplace")
    t = f"/tenants/{slug}"
    operator, _ = stack.new_user("operator")
    await api.ok("POST", f"{t}/operators", {"user_id": operator})
    created = await api.ok("POST", f"{t}/clients", {"nickname": "Yuki"})
    client_id = created["user_id"]
    client = await users(stack.hs.url, client_id, created["password"])
    client_room = (await client.client.joined_rooms()).rooms[0]
    await client.send_text(client_room, "My bill is wrong")
    found = await _wait_for_cases(api, f"{t}/cases", 1)
    assert len(found) == 1, found
    case = found[0]
    assert (case["number"], case["status"], case["handled"]) == (1, "waiting", False)
    assert case["client"] and client_id not in str(case)
    assert "intake_answer" in case

    # The client's record, by nickname or by Matrix ID
    record = f"{t}/clients/Yuki"
    assert await api.ok("GET", f"{record}/record") == {
        "client": case["client"],
        "tags": [],
        "notes": [],
    }
    assert (await api.ok("PUT", f"{record}/tags/vip"))["tags"] == ["vip"]
    await refused(api, "PUT", f"{record}/tags/vip", None, 409, "SOUDAN_CONFLICT")
    await refused(api, "PUT", f"{record}/tags/{_enc('a b')}", None, 400, "M_INVALID_PARAM")
    await refused(api, "PUT", f"{t}/clients/Nobody/tags/vip", None, 404, "M_NOT_FOUND")
    noted = await api.call("POST", f"{record}/notes", {"body": "Prefers mornings"})
    assert noted[0] == 201
    assert [(n["author"], n["body"]) for n in noted[1]["notes"]] == [
        (stack.config.bot_mxid, "Prefers mornings")
    ]
    await refused(api, "POST", f"{record}/notes", {"body": " "}, 400, "M_INVALID_PARAM")
    by_id = await api.ok("GET", f"{t}/clients/{_enc(client_id)}/record")
    assert (by_id["tags"], len(by_id["notes"])) == (["vip"], 1)

    # Assignment, category, notes, tickets
    await api.ok("POST", f"{t}/categories", {"path": "Billing > Refund"})
    stranger, _ = stack.new_user("user")
    await refused(api, "POST", f"{t}/cases/1/assign", {"user_id": stranger}, 403, "M_FORBIDDEN")
    await refused(api, "POST", f"{t}/cases/9/assign", {"user_id": operator}, 404, "M_NOT_FOUND")
    assigned = await api.ok("POST", f"{t}/cases/1/assign", {"user_id": operator})
    assert (assigned["status"], assigned["operator"]) == ("assigned", operator)
    await refused(
        api, "POST", f"{t}/cases/1/assign", {"user_id": operator}, 409, "SOUDAN_CONFLICT"
    )
    await refused(api, "PUT", f"{t}/cases/1/category", {"path": "Nope"}, 404, "M_NOT_FOUND")
    await refused(api, "PUT", f"{t}/cases/x/category", {"path": "Billing"}, 400, "M_INVALID_PARAM")
    categorised = await api.ok("PUT", f"{t}/cases/1/category", {"path": "Billing/Refund"})
    assert categorised["category"] == "Billing > Refund"
    noted = await api.call("POST", f"{t}/cases/1/notes", {"body": "Called back"})
    assert noted[0] == 201 and noted[1]["notes"] == ["Called back"]

    tickets = f"{t}/cases/1/tickets"
    await refused(api, "POST", tickets, {"title": ""}, 400, "M_INVALID_PARAM")
    opened = await api.call("POST", tickets, {"title": "Refund card", "body": "Ask the bank"})
    assert opened[0] == 201
    ticket = opened[1]
    assert (ticket["number"], ticket["case"], ticket["status"]) == (1, 1, "open")
    assert (ticket["title"], ticket["body"]) == ("Refund card", "Ask the bank")
    assert (await api.ok("GET", f"{t}/tickets"))["tickets"] == [ticket]
    assert (await api.ok("GET", f"{t}/tickets?status=closed"))["tickets"] == []
    await refused(api, "GET", f"{t}/tickets?status=bogus", None, 400, "M_INVALID_PARAM")
    await refused(api, "PATCH", f"{t}/tickets/1", {"status": "gone"}, 400, "M_INVALID_PARAM")
    await refused(api, "PATCH", f"{t}/tickets/1", {"status": "open"}, 409, "SOUDAN_CONFLICT")
    await refused(api, "GET", f"{t}/tickets/7", None, 404, "M_NOT_FOUND")
    closed = await api.ok("PATCH", f"{t}/tickets/1", {"status": "closed"})
    assert closed["status"] == "closed" and closed["closed_at"]
    assert await api.ok("GET", f"{t}/tickets/1") == closed

    # Search
    cases = f"{t}/cases"
    for query, count in (
        ("status=assigned", 1),
        ("status=waiting", 0),
        ("category=Billing", 1),  # subcategories included
        ("text=BILL", 1),
        ("text=refund", 1),  # the ticket's title
        ("text=nothing-like-this", 0),
        (f"operator={_enc(operator)}", 1),
    ):
        assert len((await api.ok("GET", f"{cases}?{query}"))["cases"]) == count, query
    full = (await api.ok("GET", cases))["cases"][0]
    assert (full["tickets"], full["notes"], full["category"]) == (
        1,
        ["Called back"],
        "Billing > Refund",
    )
    reversed_range = f"{cases}?from=2030-01-02&to=2030-01-01"
    await refused(api, "GET", reversed_range, None, 400, "M_INVALID_PARAM")
    error = await refused(api, "GET", f"{cases}?colour=red", None, 400, "M_INVALID_PARAM")
    assert "colour" in error
    await refused(api, "GET", f"{cases}?category=Nope", None, 404, "M_NOT_FOUND")
    await refused(api, "GET", f"{cases}?as_operator={_enc(stranger)}", None, 404, "M_NOT_FOUND")
    await refused(api, "GET", f"{cases}?as_operator=nobody", None, 400, "M_INVALID_PARAM")
    settings = f"{t}/operators/{_enc(operator)}/settings"
    await api.ok("PATCH", settings, {"intake": "off", "scope": "assigned"})
    as_operator = (await api.ok("GET", f"{cases}?as_operator={_enc(operator)}"))["cases"]
    assert [c["number"] for c in as_operator] == [1]  # the operator was given the case
    assert "intake_answer" not in as_operator[0]

    # Export: the same filters, a file, no Matrix ID of the client
    status, headers, data = await _download(stack, f"{cases}/export?format=csv")
    assert status == 200, data
    assert headers["Content-Type"].startswith("text/csv")
    assert headers["Content-Disposition"].startswith(f'attachment; filename="cases-{slug}-')
    assert headers["Content-Disposition"].endswith('.csv"')
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and "Intake answer" in rows[0]
    line = dict(zip(rows[0], rows[1], strict=True))
    assert (line["Case"], line["Client"], line["Category"]) == (
        "1",
        case["client"],
        "Billing > Refund",
    )
    assert (line["Notes"], line["Tickets"]) == ("Called back", "1")
    assert client_id not in text

    status, headers, data = await _download(
        stack, f"{cases}/export?format=xlsx&as_operator={_enc(operator)}&status=assigned"
    )
    assert status == 200, data
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert headers["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and "Intake answer" not in values[0]  # the operator may not see it
    assert values[1][0] == 1 and case["client"] in values[1]
    assert client_id not in str(values)

    for query in ("format=pdf", "format=csv&from=2030-01-02&to=2030-01-01", "format=csv&x=1"):
        status, _, data = await _download(stack, f"{cases}/export?{query}")
        assert status == 400 and b"M_INVALID_PARAM" in data, query

    # The monthly summary
    zone = ZoneInfo((await api.ok("GET", f"{t}/hours"))["timezone"])
    month = datetime.fromtimestamp(case["opened_at"] / 1000, zone).strftime("%Y-%m")
    figures = await api.ok("GET", f"{t}/summary?month={month}")
    assert (figures["month"], figures["opened"], figures["handled"]) == (month, 1, 0)
    assert figures["by_category"][0]["category"] == "Billing > Refund"
    assert figures["by_operator"][0]["operator"] == operator
    await refused(api, "GET", f"{t}/summary?month=2025-13", None, 400, "M_INVALID_PARAM")
    assert "month" in await api.ok("GET", f"{t}/summary")
