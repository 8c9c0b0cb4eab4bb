"""The provisioning API's front door: tokens, errors as JSON, the OpenAPI document."""

from __future__ import annotations

import aiohttp

from appservice import __version__

from .conftest import Stack

PREFIX = "/_soudan/provision/v1"


async def _get(stack: Stack, path: str, token: str | None) -> tuple[int, str, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as session,
        session.get(stack.soudan.url + PREFIX + path, headers=headers) as response,
    ):
        return response.status, response.content_type, await response.text()


async def test_status_needs_the_platform_token(stack: Stack) -> None:
    secret = stack.config["provisioning.shared_secret"]
    status, kind, text = await _get(stack, "/status", secret)
    assert (status, kind) == (200, "application/json")
    assert f'"version": "{__version__}"' in text
    assert stack.control_room() in text
    status, _, text = await _get(stack, "/status", None)
    assert status == 401 and "M_MISSING_TOKEN" in text
    status, _, text = await _get(stack, "/status", secret + "x")
    assert status == 401 and "M_UNKNOWN_TOKEN" in text


async def test_unknown_path_is_a_json_error(stack: Stack) -> None:
    status, kind, text = await _get(
        stack, "/nothing-here", stack.config["provisioning.shared_secret"]
    )
    assert (status, kind) == (404, "application/json")
    assert '"errcode": "M_UNRECOGNIZED"' in text


async def test_openapi_document_is_public(stack: Stack) -> None:
    status, _, text = await _get(stack, "/openapi.yaml", None)
    assert status == 200 and text.startswith("openapi: 3.1.0")
