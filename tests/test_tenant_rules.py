"""Who may do what, and bad input: each refused with a clear reason and no change."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .conftest import OpenUser, Stack
from .matrix import User
from .tenants import Api, TenantFixture, command, new_tenant


@dataclass
class World:
    api: Api
    a: TenantFixture
    b: TenantFixture
    operator: User
    client: User
    client_room: str
    control: User
    control_room: str
    token_a: str
    token_b: str


@pytest.fixture
async def world(stack: Stack, users: OpenUser, admin: User) -> World:
    api = Api(stack)
    a = await new_tenant(stack, api, users, preset="workplace")
    b = await new_tenant(stack, api, users)
    operator_id, password = stack.new_user("operator")
    await api.ok("POST", f"/tenants/{a.slug}/operators", {"user_id": operator_id})
    operator = await users(stack.hs.url, operator_id, password)
    await operator.join(a.staff_room)
    created = await api.ok("POST", f"/tenants/{a.slug}/clients", {"nickname": "Client A"})
    client = await users(stack.hs.url, created["user_id"], created["password"])
    joined = await client.client.joined_rooms()
    tokens = [
        (await api.ok("POST", f"/tenants/{t.slug}/tokens", {"label": "test"}))["token"]
        for t in (a, b)
    ]
    return World(
        api, a, b, operator, client, joined.rooms[0], admin, stack.control_room(), *tokens
    )


async def _snapshot(world: World) -> tuple[object, ...]:
    a = await world.api.ok("GET", f"/tenants/{world.a.slug}")
    clients = await world.api.ok("GET", f"/tenants/{world.a.slug}/clients")
    return a["suspended"], a["admins"], a["operators"], clients["clients"]


# (who, where they type, command, expected answer) — every line must be refused.
COMMAND_REFUSALS = [
    (
        "operator",
        "staff",
        "!add-client Mallory",
        "!add-client is for tenant admins, in the admin room.",
    ),
    (
        "operator",
        "staff",
        "!suspend {a}",
        "!suspend is for platform administrators, in the control room.",
    ),
    ("operator", "staff", "!vouchers 3", "!vouchers is for tenant admins, in the admin room."),
    (
        "admin_b",
        "admin_b",
        "!suspend {a}",
        "!suspend is for platform administrators, in the control room.",
    ),
    (
        "admin_b",
        "admin_b",
        "!add-admin {a} @x:soudan.test",
        "!add-admin is for platform administrators, in the control room.",
    ),
    (
        "admin_a",
        "admin_a",
        "!create-tenant x counseling en X",
        "!create-tenant is for platform administrators, in the control room.",
    ),
]


async def test_commands_are_refused_outside_the_role(world: World) -> None:
    before = await _snapshot(world)
    people = {
        "operator": (world.operator, world.a.staff_room),
        "admin_a": (world.a.admin, world.a.admin_room),
        "admin_b": (world.b.admin, world.b.admin_room),
        "client": (world.client, world.client_room),
    }
    for who, _, text, expected in COMMAND_REFUSALS:
        user, room = people[who]
        text = text.format(a=world.a.slug)
        assert await command(user, room, text) == expected, (who, text)
    assert await _snapshot(world) == before


async def test_a_tenant_admin_elsewhere_is_refused(world: World, stack: Stack) -> None:
    # B's admin opens a room of their own with the bot to act on A from there: the bot does
    # not come.
    bot = stack.config.bot_mxid
    before = await _snapshot(world)
    created = await world.b.admin.client.room_create(invite=[bot])
    room_id = created.room_id
    refusal = await world.b.admin.wait_for(
        lambda r, e: (
            r == room_id
            and e["type"] == "m.room.member"
            and e.get("state_key") == bot
            and e["content"]["membership"] in ("join", "leave")
        )
    )
    assert refusal["content"]["membership"] == "leave"
    assert refusal["content"]["reason"].startswith("This bot only takes part in the rooms")
    answer = await command(world.b.admin, world.b.admin_room, "!tenants")
    assert answer == "!tenants is for platform administrators, in the control room."
    assert await _snapshot(world) == before


# (token, method, path, body, status, errcode) — the API side of the same table.
API_REFUSALS = [
    (
        "a",
        "POST",
        "/tenants",
        {"slug": "zz", "preset": "club", "language": "en", "name": "Z"},
        403,
        "M_FORBIDDEN",
    ),
    ("a", "POST", "/tenants/{a}/suspend", None, 403, "M_FORBIDDEN"),
    ("a", "POST", "/tenants/{a}/admins", {"user_id": "@x:soudan.test"}, 403, "M_FORBIDDEN"),
    ("b", "POST", "/tenants/{a}/clients", {"nickname": "Mallory"}, 403, "M_FORBIDDEN"),
    ("b", "GET", "/tenants/{a}/clients", None, 403, "M_FORBIDDEN"),
    ("b", "DELETE", "/tenants/{a}/clients/Client%20A", None, 403, "M_FORBIDDEN"),
    ("b", "POST", "/tenants/{a}/operators", {"user_id": "@x:soudan.test"}, 403, "M_FORBIDDEN"),
    ("none", "POST", "/tenants/{a}/clients", {"nickname": "Mallory"}, 401, "M_MISSING_TOKEN"),
    ("wrong", "POST", "/tenants/{a}/clients", {"nickname": "Mallory"}, 401, "M_UNKNOWN_TOKEN"),
    ("wrong", "GET", "/tenants", None, 401, "M_UNKNOWN_TOKEN"),
]


async def test_api_refuses_outside_the_token(world: World) -> None:
    before = await _snapshot(world)
    tokens = {"a": world.token_a, "b": world.token_b, "none": None, "wrong": "sdn_nope"}
    for who, method, path, body, status, errcode in API_REFUSALS:
        got, data = await world.api.call(
            method, path.format(a=world.a.slug), body, token=tokens[who]
        )
        assert (got, data["errcode"]) == (status, errcode), (who, method, path, data)
        assert data["error"]
    assert await _snapshot(world) == before
    # The tenant's own token does work on its own tenant.
    ok, data = await world.api.call("GET", f"/tenants/{world.a.slug}/clients", token=world.token_a)
    assert ok == 200 and data["clients"][0]["nickname"] == "Client A"


async def test_a_revoked_token_stops_working(world: World) -> None:
    issued = await world.api.ok("POST", f"/tenants/{world.b.slug}/tokens", {"label": "temp"})
    path = f"/tenants/{world.b.slug}/clients"
    assert (await world.api.call("GET", path, token=issued["token"]))[0] == 200
    await world.api.ok("DELETE", f"/tenants/{world.b.slug}/tokens/{issued['id']}")
    status, data = await world.api.call("GET", path, token=issued["token"])
    assert (status, data["errcode"]) == (401, "M_UNKNOWN_TOKEN")


BAD_NICKNAMES = [
    ('!add-client ""', "The nickname is empty."),
    ("!add-client " + "x" * 65, "The nickname is too long (65 characters, at most 64)."),
    ("!add-client @someone", "The nickname must not start with @ or !."),
    ("!add-client Client A", "There is a client called “Client A” already."),
    ("!vouchers 0", "The vouchers must be between 1 and 200 (got 0)."),
    ("!vouchers 201", "The vouchers must be between 1 and 200 (got 201)."),
    ("!vouchers many", "The vouchers must be a number, not “many”."),
    ("!add-client", "Usage: !add-client <nickname> [group]"),
    ("!group-add NoSuchGroup Client", "There is no group “NoSuchGroup”."),
    ("!reset-password Nobody", "There is no client “Nobody”."),
    (
        "!add-operator not-a-user",
        "“not-a-user” is not a Matrix user ID (such as @alice:example.org).",
    ),
]


async def test_bad_input_in_commands(world: World) -> None:
    before = await _snapshot(world)
    for text, expected in BAD_NICKNAMES:
        if text == "!add-client Client A":
            text = '!add-client "Client A"'
        assert await world.a.command(text) == expected, text
    assert await _snapshot(world) == before
    assert (
        await command(world.control, world.control_room, "!suspend nosuchtenant")
        == "There is no tenant “nosuchtenant”."
    )


BAD_BODIES = [
    ("POST", "/tenants/{a}/clients", {"nickname": ""}, 400, "The nickname is empty."),
    (
        "POST",
        "/tenants/{a}/clients",
        {"nickname": "bell\u0007"},
        400,
        "The nickname must not contain control characters.",
    ),
    (
        "POST",
        "/tenants/{a}/clients",
        {"nickname": "y" * 65},
        400,
        "The nickname is too long (65 characters, at most 64).",
    ),
    (
        "POST",
        "/tenants/{a}/clients",
        {"nickname": "Client A"},
        409,
        "There is a client called “Client A” already.",
    ),
    ("POST", "/tenants/{a}/clients", {}, 400, "The field nickname is required."),
    ("POST", "/tenants/{a}/clients", [1, 2], 400, "The request body must be a JSON object."),
    (
        "POST",
        "/tenants/{a}/vouchers",
        {"count": 0},
        400,
        "The vouchers must be between 1 and 200 (got 0).",
    ),
    (
        "POST",
        "/tenants/{a}/vouchers",
        {"count": 100000},
        400,
        "The vouchers must be between 1 and 200 (got 100000).",
    ),
    ("POST", "/tenants/nosuch/clients", {"nickname": "X"}, 404, "There is no tenant “nosuch”."),
    (
        "POST",
        "/tenants",
        {"slug": "UPPER", "preset": "club", "language": "en", "name": "X"},
        400,
        "“UPPER” is not a valid slug (2–32 lowercase letters, digits, hyphens).",
    ),
    (
        "POST",
        "/tenants",
        {"slug": "okslug", "preset": "spa", "language": "en", "name": "X"},
        400,
        "There is no preset “spa” (choose counseling, workplace, club).",
    ),
]


async def test_bad_input_in_the_api(world: World) -> None:
    before = await _snapshot(world)
    for method, path, body, status, message in BAD_BODIES:
        got, data = await world.api.call(method, path.format(a=world.a.slug), body)
        assert (got, data["error"]) == (status, message), (path, body, data)
    got, data = await world.api.call(
        "POST", f"/tenants/{world.a.slug}/clients", raw=b'{"nickname": '
    )
    assert (got, data["errcode"]) == (400, "M_NOT_JSON")
    huge = b'{"nickname": "' + b"x" * 70_000 + b'"}'
    got, data = await world.api.call("POST", f"/tenants/{world.a.slug}/clients", raw=huge)
    assert (got, data["errcode"]) == (413, "M_TOO_LARGE")
    got, data = await world.api.call("POST", "/debug/clock", raw=b'{"advance_seconds": NaN}')
    assert got == 400 and "advance_seconds" in data["error"]
    got, data = await world.api.call("GET", "/status", token=world.token_a)
    assert (got, data["errcode"]) == (403, "M_FORBIDDEN")
    assert await _snapshot(world) == before
    tenants = await world.api.ok("GET", "/tenants")
    assert "okslug" not in {t["slug"] for t in tenants["tenants"]}


async def test_vouchers_need_a_workplace_tenant(world: World) -> None:
    assert (
        await world.b.command("!vouchers 2") == "Vouchers can be issued by workplace tenants only."
    )


async def test_seat_limit(world: World, stack: Stack) -> None:
    await world.api.ok("PUT", f"/tenants/{world.a.slug}/seats", {"limit": 1})
    extra, _ = stack.new_user("operator")
    answer = await world.a.command(f"!add-operator {extra}")
    assert answer == "All 1 seats are taken; no operator can be added."
    await world.api.ok("PUT", f"/tenants/{world.a.slug}/seats", {"limit": 2})
    assert (await world.a.command(f"!add-operator {extra}")).startswith(
        f"{extra} is now an operator"
    )
    status, data = await world.api.call("PUT", f"/tenants/{world.a.slug}/seats", {"limit": 1})
    assert (status, data["error"]) == (400, "There are 2 operators, so the seats cannot be 1.")
