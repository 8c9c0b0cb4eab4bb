"""The guard's callbacks, awaited directly on a module built with a stand-in ModuleApi.

The end-to-end tests in test_guard.py show Synapse calling them; these pin each rule down,
including the cases a real homeserver makes awkward to reach.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from synapse.module_api import NOT_SPAM
from synapse.module_api.errors import Codes, ConfigError, SynapseError

from appservice import synapse_module
from appservice.synapse_module import GuardConfig, SoudanGuard


@dataclass
class StubEvent:
    type: str
    sender: str
    content: dict[str, Any]


class StubModuleApi:
    """Only what the guard touches: the server name, the callback registration, and the
    member events of rooms (as ``(room, user) -> inviter``)."""

    server_name = "example.org"

    def __init__(self) -> None:
        self.callbacks: dict[str, Any] = {}
        self.rules: dict[str, Any] = {}
        self.invites: dict[tuple[str, str], str] = {}

    def register_spam_checker_callbacks(self, **callbacks: Any) -> None:
        self.callbacks.update(callbacks)

    def register_third_party_rules_callbacks(self, **callbacks: Any) -> None:
        self.rules.update(callbacks)

    async def get_room_state(
        self, room_id: str, event_filter: list[tuple[str, str]]
    ) -> dict[tuple[str, str], StubEvent]:
        state = {}
        for kind, user_id in event_filter:
            inviter = self.invites.get((room_id, user_id))
            if kind == "m.room.member" and inviter:
                state[(kind, user_id)] = StubEvent(kind, inviter, {"membership": "invite"})
        return state


@pytest.fixture
def guard() -> tuple[SoudanGuard, StubModuleApi]:
    api = StubModuleApi()
    config = SoudanGuard.parse_config({"client_localpart_prefix": "c-"})
    return SoudanGuard(config, api), api  # type: ignore[arg-type]


def test_registers_its_callbacks(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    _, api = guard
    assert set(api.callbacks) == {
        "user_may_create_room",
        "user_may_invite",
        "user_may_join_room",
        "user_may_create_room_alias",
        "user_may_publish_room",
        "check_username_for_spam",
    }
    assert set(api.rules) == {"check_event_allowed"}


def test_parse_config() -> None:
    assert SoudanGuard.parse_config({"client_localpart_prefix": "x-"}) == GuardConfig(
        "x-", "soudan", "_soudan_"
    )
    assert SoudanGuard.parse_config(
        {"client_localpart_prefix": "x-", "bot_localpart": "b", "ghost_localpart_prefix": "_g_"}
    ) == GuardConfig("x-", "b", "_g_")
    for bad in ({}, {"client_localpart_prefix": ""}, {"client_localpart_prefix": 3}):
        with pytest.raises(ConfigError, match="client_localpart_prefix"):
            SoudanGuard.parse_config(bad)
    for key in ("bot_localpart", "ghost_localpart_prefix"):
        for value in ("", 3, "@soudan:example.org"):
            with pytest.raises(ConfigError, match=key):
                SoudanGuard.parse_config({"client_localpart_prefix": "c-", key: value})


def test_who_is_a_client(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, _ = guard
    assert module.is_client("@c-abc:example.org")
    assert not module.is_client("@c-abc:other.org")  # a namesake on another homeserver
    assert not module.is_client("@alice:example.org")
    assert not module.is_client("@xc-abc:example.org")


def test_who_is_soudan(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, _ = guard
    assert module.is_soudan("@soudan:example.org")
    assert module.is_soudan("@_soudan_desk_t1:example.org")
    assert not module.is_soudan("@soudan:other.org")
    assert not module.is_soudan("@_soudan_desk_t1:other.org")
    assert not module.is_soudan("@soudan2:example.org")
    assert not module.is_soudan("@alice:example.org")
    assert not module.is_soudan("@c-abc:example.org")


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
    assert refused[1]["soudan_reason"] == "Client accounts cannot invite anyone."
    assert refused[1]["soudan_reason_ja"]
    # soudan's ghosts and bot invite clients: that is how their rooms are opened.
    for inviter in ("@_soudan_desk_t1:example.org", "@soudan:example.org"):
        assert await module.user_may_invite(inviter, "@c-abc:example.org", "!r:x") == NOT_SPAM
    # Nobody else does: not staff, not another homeserver's namesake of the desk.
    for inviter in ("@op:example.org", "@_soudan_desk_t1:other.org"):
        refused = await module.user_may_invite(inviter, "@c-abc:example.org", "!r:x")
        assert refused[0] == Codes.FORBIDDEN
        assert "only be invited by the desk" in refused[1]["soudan_reason"]
    # Staff invite each other as they like.
    assert await module.user_may_invite("@op:example.org", "@op2:example.org", "!r:x") == (
        NOT_SPAM
    )


async def test_joins(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, api = guard
    refused = await module.user_may_join_room("@c-abc:example.org", "!r:x", False)
    assert refused[0] == Codes.FORBIDDEN
    api.invites[("!r:x", "@c-abc:example.org")] = "@_soudan_desk_t1:example.org"
    assert await module.user_may_join_room("@c-abc:example.org", "!r:x", True) == NOT_SPAM
    assert await module.user_may_join_room("@op:example.org", "!r:x", False) == NOT_SPAM
    # An invite from someone else (a homeserver admin passes the invite check) opens nothing.
    api.invites[("!s:x", "@c-abc:example.org")] = "@admin:example.org"
    refused = await module.user_may_join_room("@c-abc:example.org", "!s:x", True)
    assert refused[0] == Codes.FORBIDDEN
    assert "the desk invited them to" in refused[1]["soudan_reason"]


async def test_aliases_and_the_directory(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, _ = guard
    refused = await module.user_may_create_room_alias("@c-abc:example.org", "#a:example.org")
    assert refused[0] == Codes.FORBIDDEN
    assert "aliases" in refused[1]["soudan_reason"]
    assert await module.user_may_create_room_alias("@op:example.org", "#a:example.org") == (
        NOT_SPAM
    )
    refused = await module.user_may_publish_room("@c-abc:example.org", "!r:x")
    assert refused[0] == Codes.FORBIDDEN
    assert await module.user_may_publish_room("@op:example.org", "!r:x") == NOT_SPAM


async def test_knocks(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, _ = guard
    knock = StubEvent("m.room.member", "@c-abc:example.org", {"membership": "knock"})
    with pytest.raises(SynapseError) as refused:
        await module.check_event_allowed(knock, {})
    assert refused.value.code == 403
    assert refused.value.errcode == Codes.FORBIDDEN
    assert "cannot knock" in str(refused.value.msg)
    staff_knock = StubEvent("m.room.member", "@op:example.org", {"membership": "knock"})
    assert await module.check_event_allowed(staff_knock, {}) == (True, None)
    leave = StubEvent("m.room.member", "@c-abc:example.org", {"membership": "leave"})
    assert await module.check_event_allowed(leave, {}) == (True, None)
    message = StubEvent("m.room.message", "@c-abc:example.org", {"body": "knock"})
    assert await module.check_event_allowed(message, {}) == (True, None)


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


async def test_user_directory(guard: tuple[SoudanGuard, StubModuleApi]) -> None:
    module, _ = guard

    def profile(user_id: str) -> dict[str, Any]:
        return {"user_id": user_id, "display_name": "x", "avatar_url": None}

    hidden = module.check_username_for_spam
    # A client finds nobody but soudan's own users.
    assert await hidden(profile("@op:example.org"), "@c-abc:example.org")
    assert await hidden(profile("@c-other:example.org"), "@c-abc:example.org")
    assert not await hidden(profile("@_soudan_desk_t1:example.org"), "@c-abc:example.org")
    # Nobody finds a client; staff find each other.
    assert await hidden(profile("@c-abc:example.org"), "@op:example.org")
    assert not await hidden(profile("@op2:example.org"), "@op:example.org")
