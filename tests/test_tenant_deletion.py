"""Deleting a tenant: platform only, confirmed by a code (command) or by the slug written out
(API). Refusals change nothing; a deletion exports the records to the control room, ends the
client accounts, takes soudan out of the tenant's rooms and leaves nothing relayed or
scheduled, and the slug is not given again."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any
from urllib.parse import quote

import aiohttp
from mautrix.util.async_db import Database

from .conftest import OpenUser, Stack
from .matrix import User, settle
from .tenants import (
    Api,
    TenantFixture,
    add_operators,
    command,
    login_details,
    new_tenant,
    refused,
)
from .test_sessions import _starts
from .test_tenants import login_fails


async def _http(stack: Stack, user: User, method: str, path: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {user.client.access_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, stack.hs.url + path, headers=headers) as response,
    ):
        return response.status, await response.json()


async def _members(stack: Stack, admin: User, room_id: str) -> list[str]:
    status, found = await _http(
        stack, admin, "GET", f"/_synapse/admin/v1/rooms/{quote(room_id)}/members"
    )
    assert status == 200, found
    return list(found["members"])


async def _bodies(stack: Stack, admin: User, room_id: str) -> list[str]:
    """Every message body in the room, as the homeserver holds it (server admin API)."""
    status, found = await _http(
        stack, admin, "GET", f"/_synapse/admin/v1/rooms/{quote(room_id)}/messages?dir=b&limit=100"
    )
    assert status == 200, found
    return [str(e.get("content", {}).get("body", "")) for e in found["chunk"]]


async def _pending_timers(stack: Stack, slug: str) -> list[str]:
    """The kinds of the timers still to run that name the tenant."""
    db = Database.create(str(stack.config["database.url"]))
    await db.start()
    try:
        tenant_id = await db.fetchval("SELECT id FROM tenant WHERE slug=$1", slug)
        rows = await db.fetch("SELECT kind, payload FROM timer WHERE done_at IS NULL")
    finally:
        await db.stop()
    return [r["kind"] for r in rows if json.loads(r["payload"]).get("tenant") == tenant_id]


async def _consultation(
    stack: Stack, api: Api, users: OpenUser, tenant: TenantFixture
) -> tuple[User, User, str, str, str, str]:
    """An operator and a client in a taken case: (operator, client, client ID, password,
    client room, case room)."""
    (operator,) = await add_operators(stack, api, users, tenant, 1)
    client_id, password = login_details(await tenant.command("!add-client Mei"))
    client = await users(stack.hs.url, client_id, password)
    room = (await client.client.joined_rooms()).rooms[0]  # type: ignore[union-attr]
    await client.send_text(room, "Hello, is anyone there?")
    await command(operator, tenant.staff_room, "!take 1")
    case_room = await operator.wait_for_invite(ignore=(tenant.space_room,))
    await operator.join(case_room)
    await operator.wait_for(_starts(case_room, "Hello, is anyone there?"), timeout=30)
    await operator.send_text(case_room, "Yes, I am here")
    await client.wait_for(_starts(room, "Yes, I am here"), timeout=30)
    return operator, client, client_id, password, room, case_room


async def test_the_platform_deletes_a_tenant_after_confirming(
    stack: Stack, users: OpenUser, admin: User
) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    slug = tenant.slug
    operator, client, client_id, password, room, case_room = await _consultation(
        stack, api, users, tenant
    )
    await api.ok("PUT", f"/tenants/{slug}/trial", {"last_day": "2099-12-31"})
    timers = sorted(await _pending_timers(stack, slug))
    assert timers == ["monthly_statements", "monthly_summary", "trial_end"], timers
    control = stack.control_room()

    # Refusals: in a tenant's own admin room, an unknown slug, no code asked yet, a wrong one.
    assert await tenant.command(f"!delete-tenant {slug}") == (
        "!delete-tenant is for platform administrators, in the control room."
    )
    assert await command(admin, control, "!delete-tenant nosuch") == (
        "There is no tenant “nosuch”."
    )
    assert await command(admin, control, f"!delete-tenant {slug} CONFIRM-ABCDEF") == (
        f"No deletion of “{slug}” is waiting for confirmation (or the code has expired). "
        f"Send “!delete-tenant {slug}” first; nothing changed."
    )
    asked = await command(admin, control, f"!delete-tenant {slug}")
    code = re.search(rf"“!delete-tenant {slug} (CONFIRM-[A-Z0-9]+)” within 10 minutes", asked)
    assert code, asked
    assert await command(admin, control, f"!delete-tenant {slug} CONFIRM-WRONG0") == (
        f"“CONFIRM-WRONG0” is not the confirmation code for deleting “{slug}”; nothing changed."
    )
    assert await command(admin, control, "!delete-tenant") == (
        "Usage: !delete-tenant <slug> [confirmation code]"
    )
    # Nothing changed: the case still relays both ways, the timers still wait.
    await client.send_text(room, "Still there?")
    await operator.wait_for(_starts(case_room, "Still there?"), timeout=30)
    await operator.send_text(case_room, "Still here")
    await client.wait_for(_starts(room, "Still here"), timeout=30)
    assert sorted(await _pending_timers(stack, slug)) == timers
    assert slug in await command(admin, control, "!tenants")

    # Confirmed: the records arrive in the control room first.
    since = len(admin.events)
    done = await command(admin, control, f"!delete-tenant {slug} {code[1].lower()}")
    assert done.startswith(f"Deleted the tenant “{slug}”. Files with its records above: 2."), done
    assert "Accounts deactivated: 1." in done, done
    exported = {}
    for suffix in (".csv", ".xlsx"):
        event = await admin.wait_for(
            lambda r, e, s=suffix: (
                r == control
                and e.get("content", {}).get("msgtype") == "m.file"
                and str(e["content"].get("body", "")).startswith(f"cases-{slug}-")
                and e["content"]["body"].endswith(s)
            ),
            since=since,
        )
        response = await admin.client.download(mxc=event["content"]["url"])
        exported[suffix] = bytes(response.body)  # type: ignore[union-attr]
    rows = list(csv.reader(io.StringIO(exported[".csv"].decode("utf-8-sig"))))
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [("1", operator.user_id, "Mei")], rows
    assert exported[".xlsx"].startswith(b"PK")

    # The client's account is ended; soudan's users are out of the tenant's rooms.
    assert await login_fails(stack.hs.url, client_id, password)
    ours = f"@{stack.config['appservice.ghost_prefix']}"
    for room_id in (room, case_room, tenant.admin_room, tenant.staff_room, tenant.space_room):
        members = await _members(stack, admin, room_id)
        assert not [m for m in members if m.startswith(ours) or m == stack.config.bot_mxid], (
            room_id,
            members,
        )
    # Nothing is relayed or scheduled any more.
    assert await _pending_timers(stack, slug) == []
    await operator.send_text(case_room, "Anyone after the deletion?")
    await settle(operator)
    assert "Anyone after the deletion?" in await _bodies(stack, admin, case_room)
    assert "Anyone after the deletion?" not in await _bodies(stack, admin, room)
    await api.ok("POST", "/debug/clock", {"advance_seconds": 0})  # runs what is due
    assert await _pending_timers(stack, slug) == []
    # The tenant is gone from every list, and its slug is not given again.
    assert slug not in await command(admin, control, "!tenants")
    assert await command(admin, control, f"!delete-tenant {slug}") == (
        f"There is no tenant “{slug}”."
    )
    assert await command(admin, control, f"!create-tenant {slug} counseling en Again") == (
        f"The slug “{slug}” belonged to a tenant that was deleted; a slug is never given "
        "twice, so choose another."
    )


async def test_the_api_deletes_a_tenant_when_the_slug_is_written_out(
    stack: Stack, users: OpenUser
) -> None:
    api = Api(stack)
    tenant = await new_tenant(stack, api, users)
    slug = tenant.slug
    client_id, password = login_details(await tenant.command("!add-client Yui"))
    token = (await api.ok("POST", f"/tenants/{slug}/tokens", {"label": "ops"}))["token"]
    path = f"/tenants/{slug}"
    # Refusals: the tenant's own token, no confirmation, a wrong one, an unknown tenant.
    await refused(api, "DELETE", path, {"confirm": slug}, 403, "M_FORBIDDEN", token=token)
    message = await refused(api, "DELETE", path, None, 400, "SOUDAN_NOT_CONFIRMED")
    assert (
        message == f'To delete the tenant “{slug}”, send {{"confirm": "{slug}"}}; nothing changed.'
    )
    await refused(api, "DELETE", path, {"confirm": "other"}, 400, "SOUDAN_NOT_CONFIRMED")
    await refused(api, "DELETE", "/tenants/nosuch", {"confirm": "nosuch"}, 404, "M_NOT_FOUND")
    assert (await api.ok("GET", path))["slug"] == slug
    await users(stack.hs.url, client_id, password)  # still logs in

    done = await api.ok("DELETE", path, {"confirm": slug})
    assert done["slug"] == slug and done["deleted"] and done["complete"], done
    assert done["accounts_deactivated"] == 1 and done["rooms_left"] >= 3, done
    assert [name.rsplit(".", 1)[1] for name in done["exported_files"]] == ["csv", "xlsx"]
    assert await login_fails(stack.hs.url, client_id, password)
    await refused(api, "GET", path, None, 404, "M_NOT_FOUND")
    await refused(api, "DELETE", path, {"confirm": slug}, 404, "M_NOT_FOUND")
    # The tenant's token no longer reaches anything.
    await refused(api, "GET", f"{path}/clients", None, 403, "M_FORBIDDEN", token=token)
    assert slug not in [t["slug"] for t in (await api.ok("GET", "/tenants"))["tenants"]]
    body = {"slug": slug, "preset": "counseling", "language": "en", "name": "Again"}
    message = await refused(api, "POST", "/tenants", body, 409, "SOUDAN_CONFLICT")
    assert "belonged to a tenant that was deleted" in message
