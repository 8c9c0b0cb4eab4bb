"""Staff accounts, end to end: from a new tenant to its first operator answering a client, with
every account made by soudan and no hand on the homeserver; removing staff ends only the
accounts soudan created; bad input changes nothing; a password is shown once."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.parse
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from appservice.config import Config, ConfigError
from appservice.i18n import t
from appservice.services.errors import Refusal
from appservice.services.staff_accounts import localpart_for

from .conftest import PUBLIC_ADDRESS, OpenUser, Stack
from .matrix import User, highlighted, notifications, reply_to
from .tenants import Api, bare_tenant, command, login_details, refused

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "example-config.yaml"
VANISHES = t("en", "secret.vanishes", minutes=10)


def _details(answer: str) -> tuple[str, str]:
    """User ID and password from an answer that created a staff account."""
    user_id = re.search(r"^User ID: (@s-[a-z0-9]+:\S+)$", answer, re.M)
    password = re.search(r"^Password: (\S+)$", answer, re.M)
    assert user_id and password, answer
    return user_id.group(1), password.group(1)


async def _login_status(stack: Stack, user_id: str, password: str) -> int:
    """The status of a password login through the ordinary client API."""
    body = {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": user_id},
        "password": password,
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{stack.hs.url}/_matrix/client/v3/login", json=body) as response,
    ):
        data = await response.json()
    if response.status == 200:  # end the session this login opened
        headers = {"Authorization": f"Bearer {data['access_token']}"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{stack.hs.url}/_matrix/client/v3/logout", headers=headers),
        ):
            pass
    return response.status


async def _event(stack: Stack, user: User, room_id: str, event_id: str) -> dict[str, Any]:
    path = f"/_matrix/client/v3/rooms/{room_id}/event/{event_id}"
    headers = {"Authorization": f"Bearer {user.client.access_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(stack.hs.url + path, headers=headers) as response,
    ):
        assert response.status == 200
        return dict(json.loads(await response.read()))


async def _until_redacted(stack: Stack, user: User, room_id: str, event_id: str) -> None:
    deadline = time.monotonic() + 30
    while (await _event(stack, user, room_id, event_id))["content"] != {}:
        assert time.monotonic() < deadline, f"{event_id} was not redacted"
        await asyncio.sleep(0.2)


def _body(room_id: str, text: str):  # type: ignore[no-untyped-def]
    return lambda r, e: r == room_id and text in str(e.get("content", {}).get("body", ""))


async def test_from_a_new_tenant_to_its_first_operator(
    stack: Stack, users: OpenUser, admin: User
) -> None:
    """The platform makes a tenant and its admin's account; the admin logs in with the
    password shown and makes an operator's account; the operator logs in, goes online, hears
    of a client's new case and talks with the client. Nothing here calls the homeserver's
    admin API: every account is soudan's doing."""
    api = Api(stack)
    control = stack.control_room()
    slug = f"n{int(time.time() * 1000) % 10**8}"
    created = await command(admin, control, f"!create-tenant {slug} counseling en Newcomer Desk")
    assert slug in created
    rooms = (await api.ok("GET", f"/tenants/{slug}"))["rooms"]

    answer = await command(admin, control, f"!create-admin {slug} Hanako")
    assert answer.startswith("Created the admin account “Hanako” of “Newcomer Desk”"), answer
    assert answer.endswith(VANISHES)
    admin_id, admin_password = _details(answer)
    assert PUBLIC_ADDRESS in answer and stack.hs.url not in answer  # the address clients reach
    tenant_admin = await users(stack.hs.url, admin_id, admin_password)
    joined = set((await tenant_admin.client.joined_rooms()).rooms)
    assert {rooms["admin"], rooms["space"]} <= joined  # open at the first login
    assert rooms["staff"] not in joined

    answer = await command(tenant_admin, rooms["admin"], "!create-operator Taro")
    assert answer.startswith("Created the operator account “Taro”"), answer
    operator_id, operator_password = _details(answer)
    assert operator_id != admin_id
    operator = await users(stack.hs.url, operator_id, operator_password)
    assert rooms["staff"] in (await operator.client.joined_rooms()).rooms
    status = await command(operator, rooms["staff"], "!status online")
    assert "Open now." in status

    client_id, client_password = login_details(
        await command(tenant_admin, rooms["admin"], "!add-client Yuki")
    )
    client = await users(stack.hs.url, client_id, client_password)
    client_room = (await client.client.joined_rooms()).rooms[0]
    await client.send_text(client_room, "Is anyone there?")
    alert = await operator.wait_for(_body(rooms["staff"], "Case #1"))
    assert "is waiting" in alert["content"]["body"]
    # It rings: the homeserver's own push rules list it for the operator, as a mention.
    listed = (await notifications(stack.hs.url, operator)).get(alert["event_id"])
    assert listed is not None and highlighted(listed), listed
    assert await command(operator, rooms["staff"], "!take 1") == "Case #1 has been taken."
    case_room = await operator.wait_for_invite(ignore=(rooms["space"],))
    await operator.join(case_room)
    await operator.wait_for(_body(case_room, "Is anyone there?"))
    await operator.send_text(case_room, "Yes, I am listening.")
    reply = await client.wait_for(_body(client_room, "Yes, I am listening."))
    assert reply["sender"] != operator_id  # the client sees the desk, never the operator

    listed = await api.ok("GET", f"/tenants/{slug}/staff-accounts")
    assert [(a["nickname"], a["role"]) for a in listed["accounts"]] == [
        ("Hanako", "admin"),
        ("Taro", "operator"),
    ]


async def test_removal_ends_only_the_accounts_soudan_created(
    stack: Stack, users: OpenUser, admin: User
) -> None:
    api = Api(stack)
    control = stack.control_room()
    slug, other = await bare_tenant(api, prefix="sa"), await bare_tenant(api, prefix="sb")

    # A created operator, removed by nickname: the account ends.
    made = await api.ok("POST", f"/tenants/{slug}/operator-accounts", {"nickname": "Mio"})
    assert made["homeserver"] == PUBLIC_ADDRESS != stack.config["homeserver.address"]
    assert await _login_status(stack, made["user_id"], made["password"]) == 200
    message = await refused(
        api, "DELETE", f"/tenants/{slug}/operators/Mia", None, 404, "M_NOT_FOUND"
    )
    assert message.startswith("There is no staff account called “Mia”")
    await api.ok("DELETE", f"/tenants/{slug}/operators/Mio")
    assert await _login_status(stack, made["user_id"], made["password"]) == 403
    (account,) = (await api.ok("GET", f"/tenants/{slug}/staff-accounts"))["accounts"]
    assert account["deactivated_at"] is not None
    # The nickname is free again, under a new account.
    again = await api.ok("POST", f"/tenants/{slug}/operator-accounts", {"nickname": "Mio"})
    assert again["user_id"] != made["user_id"]

    # An appointed user is only taken off the staff: their account is their own.
    appointed, password = stack.new_user("appointed")
    await api.ok("POST", f"/tenants/{slug}/operators", {"user_id": appointed})
    await api.ok("DELETE", f"/tenants/{slug}/operators/{urllib.parse.quote(appointed)}")
    assert await _login_status(stack, appointed, password) == 200
    await api.ok("POST", f"/tenants/{slug}/admins", {"user_id": appointed})
    answer = await command(admin, control, f"!remove-admin {slug} {appointed}")
    assert "deactivated" not in answer
    assert await _login_status(stack, appointed, password) == 200

    # A created account ends with its last role, whichever tenant that is in.
    kept = await api.ok("POST", f"/tenants/{slug}/operator-accounts", {"nickname": "Sora"})
    await api.ok("POST", f"/tenants/{other}/admins", {"user_id": kept["user_id"]})
    await api.ok("DELETE", f"/tenants/{slug}/operators/Sora")
    assert await _login_status(stack, kept["user_id"], kept["password"]) == 200
    answer = await command(admin, control, f"!remove-admin {other} {kept['user_id']}")
    assert answer.endswith(t("en", "staff.account_ended", nickname="Sora")), answer
    assert await _login_status(stack, kept["user_id"], kept["password"]) == 403


async def test_bad_input_is_refused_and_changes_nothing(
    stack: Stack, users: OpenUser, admin: User
) -> None:
    api = Api(stack)
    control = stack.control_room()
    slug = await bare_tenant(api, prefix="sc")
    path = f"/tenants/{slug}/operator-accounts"
    await api.ok("POST", path, {"nickname": "Kai"})

    async def unchanged() -> None:
        accounts = (await api.ok("GET", f"/tenants/{slug}/staff-accounts"))["accounts"]
        assert [a["nickname"] for a in accounts] == ["Kai"]
        assert len((await api.ok("GET", f"/tenants/{slug}/operators"))["operators"]) == 1

    assert await refused(api, "POST", path, {"nickname": "  "}, 400, "M_INVALID_PARAM") == (
        "The nickname is empty."
    )
    assert await refused(api, "POST", path, {}, 400, "M_BAD_JSON") == (
        "The field nickname is required."
    )
    long_name = "x" * 65
    message = await refused(api, "POST", path, {"nickname": long_name}, 400, "M_INVALID_PARAM")
    assert message == "The nickname is too long (65 characters, at most 64)."
    message = await refused(api, "POST", path, {"nickname": "Kai"}, 409, "SOUDAN_CONFLICT")
    assert message == "There is a staff account called “Kai” already."
    await api.ok("PUT", f"/tenants/{slug}/seats", {"limit": 1})
    message = await refused(api, "POST", path, {"nickname": "Lea"}, 403, "M_FORBIDDEN")
    assert message == "All 1 seats are taken; no operator can be added."
    await refused(
        api,
        "POST",
        f"/tenants/{slug}/admin-accounts",
        {"nickname": "Kai"},
        409,
        "SOUDAN_CONFLICT",
    )
    await unchanged()

    # The same refusals in the rooms, each a clear answer.
    usage = await command(admin, control, f"!create-admin {slug}")
    assert usage == "Usage: !create-admin <slug> <nickname>"
    answer = await command(admin, control, f"!create-admin {slug} Kai")
    assert answer == "There is a staff account called “Kai” already."
    answer = await command(admin, control, f"!create-admin {slug} {long_name}")
    assert answer == "The nickname is too long (65 characters, at most 64)."
    answer = await command(admin, control, "!create-admin no-such-tenant Kai")
    assert answer == "There is no tenant “no-such-tenant”."
    await unchanged()


async def test_the_password_is_in_the_api_answer_and_the_room_message_vanishes(
    stack: Stack, users: OpenUser, admin: User
) -> None:
    api = Api(stack)
    control = stack.control_room()
    slug = await bare_tenant(api, prefix="sd")
    made = await api.ok("POST", f"/tenants/{slug}/admin-accounts", {"nickname": "Rin"})
    assert set(made) == {"user_id", "nickname", "password", "homeserver"}
    assert made["nickname"] == "Rin" and made["user_id"].startswith("@s-")
    tenant_admin = await users(stack.hs.url, made["user_id"], made["password"])
    admin_room = (await api.ok("GET", f"/tenants/{slug}"))["rooms"]["admin"]
    assert admin_room in (await tenant_admin.client.joined_rooms()).rooms
    # Nothing in the admin room shows the password the API handed out.
    await tenant_admin.sync()
    assert not [e for _, e in tenant_admin.events if made["password"] in json.dumps(e)]

    event_id = await tenant_admin.send_text(admin_room, "!create-operator Nao")
    answer = await tenant_admin.wait_for(reply_to(event_id, admin_room), timeout=60)
    body = answer["content"]["body"]
    assert body.endswith(VANISHES)
    _, password = _details(body)
    await tenant_admin.client.update_receipt_marker(admin_room, answer["event_id"])
    await _until_redacted(stack, tenant_admin, admin_room, answer["event_id"])

    event_id = await admin.send_text(control, f"!create-admin {slug} Aki")
    answer = await admin.wait_for(reply_to(event_id, control), timeout=60)
    assert answer["content"]["body"].endswith(VANISHES)
    await admin.client.update_receipt_marker(control, answer["event_id"])
    await _until_redacted(stack, admin, control, answer["event_id"])
    # The operator's password worked once shown, and is gone from the room now.
    assert await _login_status(stack, _details(body)[0], password) == 200


def test_nickname_based_ids() -> None:
    assert localpart_for("s-", "acme", "Tanaka.K") == "s-acme.tanaka.k"
    with pytest.raises(Refusal) as refusal:
        localpart_for("s-", "acme", "田中")
    assert refusal.value.key == "staff.nickname_not_id"
    with pytest.raises(Refusal):
        localpart_for("s-", "acme", "two words")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("staff.localpart_prefix", "c-", "staff.localpart_prefix: 'c-' overlaps clients."),
        ("staff.localpart_prefix", "c-staff-", "staff.localpart_prefix: 'c-staff-' overlaps"),
        ("clients.localpart_prefix", "s", "staff.localpart_prefix: 's-' overlaps clients."),
        ("staff.localpart_prefix", "_", "staff.localpart_prefix: '_' overlaps appservice."),
        ("staff.localpart", "chosen", "staff.localpart: expected one of random, nickname"),
    ],
)
def test_staff_config_is_checked(tmp_path: Path, key: str, value: str, message: str) -> None:
    config = Config.load(EXAMPLE)
    config.set(key, value)
    config.path = tmp_path / "config.yaml"
    config.save()
    with pytest.raises(ConfigError) as error:
        Config.load(config.path)
    assert str(error.value).startswith(message), str(error.value)


def test_the_local_system_printout_names_real_commands() -> None:
    """The first steps the local system prints are commands of the rooms it names."""
    from appservice.commands import Place, get_command
    from appservice.dev.localsystem import FIRST_STEPS

    rooms = {"control room": Place.CONTROL, "admin room": Place.ADMIN, "staff room": Place.STAFF}
    place = None
    named = []
    for line in FIRST_STEPS.splitlines():
        place = next((p for room, p in rooms.items() if room in line), place)
        for name in re.findall(r"!([a-z-]+)", line):
            cmd = get_command(name)
            assert cmd is not None and place is not None and cmd.runs_in(place), (name, line)
            named.append(name)
    assert named[:3] == ["create-tenant", "create-admin", "create-operator"]
    assert {"add-client", "status", "take"} <= set(named)
