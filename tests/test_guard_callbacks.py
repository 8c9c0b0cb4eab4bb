"""The guard's callbacks, awaited directly on a module built with a stand-in ModuleApi.

The end-to-end tests in test_guard.py show Synapse calling them; these pin each rule down,
including the cases a real homeserver makes awkward to reach.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import pytest
from synapse.module_api import NOT_SPAM
from synapse.module_api.errors import Codes, ConfigError

from appservice import synapse_module
from appservice.synapse_module import GuardConfig, SoudanGuard


class StubModuleApi:
    """Only what the guard touches: the server name and the callback registration."""

    server_name = "example.org"

    def __init__(self) -> None:
        self.callbacks: dict[str, Any] = {}

    def register_spam_checker_callbacks(self, **callbacks: Any) -> None:
        self.callbacks.update(callbacks)


@pytest.fixture
def guard() -> tuple[SoudanGuard, StubModuleApi]:
    api = StubModuleApi()
    config = SoudanGuard.parse_config({"client_localpart_prefix": "c-"})
    return SoudanGuard(config, api), api  # type: ignore[arg-type]


def test_registers_the_three_callbacks(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    _, api = guard
    assert set(api.callbacks) == {
        "user_may_create_room",
        "user_may_invite",
        "user_may_join_room",
    }


def test_parse_config() -> None:
    assert SoudanGuard.parse_config({"client_localpart_prefix": "x-"}) == GuardConfig("x-")
    for bad in ({}, {"client_localpart_prefix": ""}, {"client_localpart_prefix": 3}):
        with pytest.raises(ConfigError, match="client_localpart_prefix"):
            SoudanGuard.parse_config(bad)


def test_who_is_a_client(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, _ = guard
    assert module.is_client("@c-abc:example.org")
    assert not module.is_client("@c-abc:other.org")  # a namesake on another homeserver
    assert not module.is_client("@alice:example.org")
    assert not module.is_client("@xc-abc:example.org")


async def test_room_creation(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, api = guard
    refused = await api.callbacks["user_may_create_room"]("@c-abc:example.org", {})
    assert refused[0] == Codes.FORBIDDEN
    assert "cannot create rooms" in refused[1]["soudan_reason"]
    assert await module.user_may_create_room("@op:example.org", {}) == NOT_SPAM


async def test_invites(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, _ = guard
    refused = await module.user_may_invite("@c-abc:example.org", "@x:example.org", "!r:x")
    assert refused[0] == Codes.FORBIDDEN
    # Staff may invite clients: that is how their rooms are opened.
    assert await module.user_may_invite("@op:example.org", "@c-abc:example.org", "!r:x") == (
        NOT_SPAM
    )


async def test_joins(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, _ = guard
    refused = await module.user_may_join_room("@c-abc:example.org", "!r:x", False)
    assert refused[0] == Codes.FORBIDDEN
    assert await module.user_may_join_room("@c-abc:example.org", "!r:x", True) == NOT_SPAM
    assert await module.user_may_join_room("@op:example.org", "!r:x", False) == NOT_SPAM


def test_imports_only_the_standard_library_and_the_stable_module_api() -> None:
    # import-linter sees a third-party package only as a whole ("synapse"), so the exact
    # rule — Synapse's stable module API and nothing else of it — is checked here.
    tree = ast.parse(Path(synapse_module.__file__).read_text())
    allowed = {"synapse.module_api", "synapse.module_api.errors", "__future__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "the guard must not import soudan's own modules"
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.partition(".")[0]
            assert name in allowed or top in sys.stdlib_module_names, name
