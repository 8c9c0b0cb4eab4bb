"""No password left behind, end to end: a password shown in the admin room is redacted once the
admin has read it or after ten minutes (also across a restart of soudan), and voucher files
leave the homeserver's media store after a day or as soon as they are fetched through the API.
What is checked is what a real admin's client can still fetch: /messages, /context, the media."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from ruamel.yaml import YAML

from appservice.dev.testbed import Homeserver, free_port, http_json
from appservice.i18n import t

from .conftest import OpenUser, Stack
from .matrix import User, history, reply_to
from .tenants import PREFIX, Api, bare_tenant, refused

ROOT = Path(__file__).resolve().parents[1]
TEN_MINUTES_S = 10 * 60
A_DAY_S = 24 * 3600


@dataclass
class Office:
    """One workplace tenant for the module, with its admin's account."""

    slug: str
    admin_id: str
    password: str
    admin_room: str


@pytest.fixture(scope="module")
def office(stack: Stack) -> Office:
    token = str(stack.config["provisioning.shared_secret"])

    def call(method: str, path: str, body: Any = None) -> Any:
        status, data = http_json(method, stack.soudan.url + PREFIX + path, body, token, 60)
        assert status in (200, 201), (method, path, status, data)
        return data

    slug = f"p{secrets.token_hex(4)}"
    created = call(
        "POST", "/tenants", {"slug": slug, "preset": "workplace", "language": "en", "name": slug}
    )
    admin_id, password = stack.new_user("tadmin")
    call("POST", f"/tenants/{slug}/admins", {"user_id": admin_id})
    return Office(slug, admin_id, password, created["rooms"]["admin"])


async def _admin(stack: Stack, users: OpenUser, office: Office) -> User:
    admin = await users(stack.hs.url, office.admin_id, office.password)
    await admin.join(office.admin_room)
    return admin


async def _ask(admin: User, room_id: str, text: str) -> dict[str, Any]:
    """Send a command and return the bot's answer (the whole event)."""
    event_id = await admin.send_text(room_id, text)
    return await admin.wait_for(reply_to(event_id, room_id), timeout=60)


async def _get(stack: Stack, user: User, path: str, **params: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {user.client.access_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(stack.hs.url + path, params=params, headers=headers) as response,
    ):
        return response.status, await response.read()


async def _fetchable(stack: Stack, user: User, room_id: str, event_id: str) -> list[Any]:
    """Every event the user can fetch around ``event_id``: the room's whole history through
    /messages, and the event with its neighbours through /context."""
    events: list[Any] = await history(stack.hs.url, user, room_id)
    status, data = await _get(
        stack, user, f"/_matrix/client/v3/rooms/{room_id}/context/{event_id}", limit="100"
    )
    assert status == 200, data
    context = json.loads(data)
    events += [context["event"], *context["events_before"], *context["events_after"]]
    return events


def _password(answer: dict[str, Any]) -> str:
    """The password an answer shows (four groups of four, as soudan makes them)."""
    found = re.search(r"\b([A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3})\b", answer["content"]["body"])
    assert found, answer
    return found.group(1)


def _redacted(event: dict[str, Any]) -> bool:
    return event["content"] == {} and "redacted_because" in event.get("unsigned", {})


async def _event(stack: Stack, user: User, room_id: str, event_id: str) -> dict[str, Any]:
    status, data = await _get(stack, user, f"/_matrix/client/v3/rooms/{room_id}/event/{event_id}")
    assert status == 200, data
    return dict(json.loads(data))


async def _until_redacted(
    stack: Stack, user: User, room_id: str, event_id: str, timeout: float = 30
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while not _redacted(event := await _event(stack, user, room_id, event_id)):
        if time.monotonic() > deadline:
            raise AssertionError(f"{event_id} not redacted within {timeout} s")
        await asyncio.sleep(0.2)
    return event


async def _advance(api: Api, seconds: float) -> int:
    """Move soudan's clock on; the timers due by then have run when this returns."""
    return int((await api.ok("POST", "/debug/clock", {"advance_seconds": seconds}))["now"])


async def _assert_gone(
    stack: Stack, admin: User, room_id: str, event_id: str, secret: str
) -> None:
    events = await _fetchable(stack, admin, room_id, event_id)
    assert event_id in {e["event_id"] for e in events}
    assert not [e for e in events if secret in json.dumps(e)]


def test_the_homeserver_forgets_redacted_text_within_an_hour(tmp_path: Path) -> None:
    """Synapse keeps a redacted event's text for ``redaction_retention_period`` (7 days by
    default): the snippet shortens it, and the local system and the tests run with it."""
    from synapse.config._base import Config as SynapseConfig

    snippet = YAML(typ="safe").load((ROOT / "config" / "homeserver-snippet.yaml").read_text())
    period = snippet["redaction_retention_period"]
    assert SynapseConfig.parse_duration(period) <= 3600 * 1000
    hs = Homeserver(tmp_path, "example.test", free_port(), tmp_path / "reg.yaml", "c-")
    hs.write_config()
    written = YAML(typ="safe").load(hs.config_path.read_text())
    assert written["redaction_retention_period"] == period


async def test_a_password_shown_goes_after_ten_minutes(
    stack: Stack, users: OpenUser, office: Office
) -> None:
    api = Api(stack)
    admin = await _admin(stack, users, office)
    answer = await _ask(admin, office.admin_room, "!add-client Aoi")
    body = answer["content"]["body"]
    assert body.endswith(t("en", "secret.vanishes", minutes=10))
    password = _password(answer)
    # The scan finds the password while it is there, and nine minutes change nothing.
    events = await _fetchable(stack, admin, office.admin_room, answer["event_id"])
    assert [e for e in events if password in json.dumps(e)]
    await _advance(api, TEN_MINUTES_S - 60)
    assert not _redacted(await _event(stack, admin, office.admin_room, answer["event_id"]))

    await _advance(api, 61)
    redacted = await _event(stack, admin, office.admin_room, answer["event_id"])
    assert _redacted(redacted)
    reason = redacted["unsigned"]["redacted_because"]["content"]["reason"]
    assert reason == t("en", "secret.redacted")
    await _assert_gone(stack, admin, office.admin_room, answer["event_id"], password)


async def test_a_password_shown_goes_once_read(
    stack: Stack, users: OpenUser, office: Office
) -> None:
    admin = await _admin(stack, users, office)
    await _ask(admin, office.admin_room, "!add-client Ren")

    # A receipt on the answer itself.
    answer = await _ask(admin, office.admin_room, "!reset-password Ren")
    password = _password(answer)
    assert not _redacted(await _event(stack, admin, office.admin_room, answer["event_id"]))
    await admin.client.update_receipt_marker(office.admin_room, answer["event_id"])
    await _until_redacted(stack, admin, office.admin_room, answer["event_id"])
    await _assert_gone(stack, admin, office.admin_room, answer["event_id"], password)

    # A receipt on a later event: everything before it was read too.
    answer = await _ask(admin, office.admin_room, "!reset-password Ren")
    password = _password(answer)
    later = await admin.send_text(office.admin_room, "noted")
    await admin.client.update_receipt_marker(office.admin_room, later)
    await _until_redacted(stack, admin, office.admin_room, answer["event_id"])
    await _assert_gone(stack, admin, office.admin_room, answer["event_id"], password)


async def test_a_pending_redaction_survives_a_restart(
    stack: Stack, users: OpenUser, office: Office
) -> None:
    api = Api(stack)
    admin = await _admin(stack, users, office)
    answer = await _ask(admin, office.admin_room, "!add-client Sora")
    password = _password(answer)
    # The admin room's commands are handled in order: once this one is answered, the one
    # before has finished, its timer included.
    await _ask(admin, office.admin_room, "!clients")
    before = await _advance(api, 0)
    stack.restart_soudan(hard=True)
    # A restarted soudan's clock starts from the real time again: catch up with the old one.
    after = await _advance(api, 0)
    assert not _redacted(await _event(stack, admin, office.admin_room, answer["event_id"]))
    await _advance(api, (before - after) / 1000 + TEN_MINUTES_S + 1)
    assert _redacted(await _event(stack, admin, office.admin_room, answer["event_id"]))
    await _assert_gone(stack, admin, office.admin_room, answer["event_id"], password)


def _media_path(uri: str) -> str:
    return "/_matrix/client/v1/media/download/" + uri.removeprefix("mxc://")


def _files(admin: User, room_id: str, since: int) -> list[dict[str, Any]]:
    return [
        e
        for r, e in admin.events[since:]
        if r == room_id and e.get("content", {}).get("msgtype") == "m.file"
    ]


async def test_voucher_files_leave_after_a_day(
    stack: Stack, users: OpenUser, office: Office
) -> None:
    api = Api(stack)
    admin = await _admin(stack, users, office)
    since = len(admin.events)
    answer = await _ask(admin, office.admin_room, "!vouchers 1")
    assert answer["content"]["body"].endswith(t("en", "secret.files_vanish", hours=24))
    await _ask(admin, office.admin_room, "!clients")  # the files are posted and timed by now
    files = _files(admin, office.admin_room, since)
    assert sorted(f["content"]["body"].rsplit(".", 1)[1] for f in files) == ["csv", "pdf"]
    for file in files:
        assert (await _get(stack, admin, _media_path(file["content"]["url"])))[0] == 200

    await _advance(api, A_DAY_S - 60)
    for file in files:
        assert (await _get(stack, admin, _media_path(file["content"]["url"])))[0] == 200
    await _advance(api, 61)
    for file in files:
        status, _ = await _get(stack, admin, _media_path(file["content"]["url"]))
        assert status == 404
        assert _redacted(await _event(stack, admin, office.admin_room, file["event_id"]))


async def test_voucher_files_fetched_through_the_api_leave_at_once(
    stack: Stack, users: OpenUser, office: Office
) -> None:
    api = Api(stack)
    admin = await _admin(stack, users, office)
    since = len(admin.events)
    issued = await api.ok("POST", f"/tenants/{office.slug}/vouchers", {"count": 1})
    (voucher,) = issued["vouchers"]
    files, downloads = issued["files"], issued["downloads"]
    assert set(files) == set(downloads) == {"pdf", "csv"}
    while len(_files(admin, office.admin_room, since)) < 2:
        await admin.sync()
    posted = {f["content"]["url"]: f["event_id"] for f in _files(admin, office.admin_room, since)}
    assert set(posted) == set(files.values())

    # Another tenant's slug finds nothing, and takes nothing away.
    other = await bare_tenant(api, "workplace")
    wrong = downloads["csv"].replace(f"/tenants/{office.slug}/", f"/tenants/{other}/")
    await refused(api, "GET", wrong.removeprefix(PREFIX), None, 404, "M_NOT_FOUND")
    assert (await _get(stack, admin, _media_path(files["csv"])))[0] == 200

    for kind, mime, start in (("pdf", "application/pdf", b"%PDF"), ("csv", "text/csv", b"")):
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                stack.soudan.url + downloads[kind],
                headers={"Authorization": f"Bearer {api.platform_token}"},
            ) as response,
        ):
            assert response.status == 200
            assert response.content_type == mime
            data = await response.read()
        assert data.startswith(start)
        if kind == "csv":
            assert voucher["password"] in data.decode()
        # Gone from the media store, its message redacted, and a second fetch finds nothing.
        assert (await _get(stack, admin, _media_path(files[kind])))[0] == 404
        assert _redacted(await _event(stack, admin, office.admin_room, posted[files[kind]]))
        path = downloads[kind].removeprefix(PREFIX)
        error = await refused(api, "GET", path, None, 404, "M_NOT_FOUND")
        assert error == t("en", "voucher.file_gone")
