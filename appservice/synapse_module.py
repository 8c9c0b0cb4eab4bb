"""soudan's guard inside Synapse: rules that hold even while the appservice is down.

Loaded by Synapse from homeserver.yaml::

    modules:
      - module: appservice.synapse_module.SoudanGuard
        config:
          client_localpart_prefix: "c-"
          bot_localpart: "soudan"
          ghost_localpart_prefix: "_soudan_"

Client accounts reach nobody but the desk: they cannot create rooms, invite anyone, join a
room soudan did not invite them to, knock, create room aliases or publish rooms, nobody but
soudan's own users (its bot and ghosts) may invite them, and the user directory shows them
nobody and shows them to nobody. Profile look-ups of strangers are
closed by Synapse's own settings (see config/homeserver-snippet.yaml); to-device messages
have no module callback in Synapse (see the README).

Only the standard library and Synapse's stable module API (``synapse.module_api`` and
``synapse.module_api.errors``) are imported here, so the file can be mounted into a Synapse
image on its own and keeps working across Synapse releases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from synapse.module_api import NOT_SPAM, ModuleApi
from synapse.module_api.errors import Codes, ConfigError, SynapseError

Verdict = Literal["NOT_SPAM"] | tuple[Codes, dict[str, Any]]

# Every refusal, in English and Japanese: the module does not know the tenant's language.
REASONS: dict[str, tuple[str, str]] = {
    "create_room": (
        "Client accounts cannot create rooms; write to the desk in the room that is already "
        "open for you.",
        "利用者アカウントはルームを作れません。すでに用意されている窓口のルームに書いてください。",
    ),
    "invite": (
        "Client accounts cannot invite anyone.",
        "利用者アカウントは誰も招待できません。",
    ),
    "invited_by_stranger": (
        "Client accounts can only be invited by the desk.",
        "利用者アカウントを招待できるのは窓口だけです。",
    ),
    "join": (
        "Client accounts can only join rooms they are invited to.",
        "利用者アカウントは招待されたルームにしか参加できません。",
    ),
    "join_stranger": (
        "Client accounts can only join rooms the desk invited them to.",
        "利用者アカウントは窓口から招待されたルームにしか参加できません。",
    ),
    "knock": (
        "Client accounts cannot knock on rooms; write to the desk in the room that is already "
        "open for you.",
        "利用者アカウントはルームへの参加をリクエストできません。"
        "すでに用意されている窓口のルームに書いてください。",
    ),
    "alias": (
        "Client accounts cannot create room addresses (aliases).",
        "利用者アカウントはルームのアドレス（エイリアス）を作れません。",
    ),
    "publish": (
        "Client accounts cannot publish rooms in the room directory.",
        "利用者アカウントはルームをルーム一覧に公開できません。",
    ),
}


@dataclass(frozen=True)
class GuardConfig:
    client_localpart_prefix: str
    # soudan's own users: its bot and its ghosts (the desk, the board, client aliases). The
    # same values as appservice.bot_username and appservice.ghost_prefix in soudan's config.
    bot_localpart: str = "soudan"
    ghost_localpart_prefix: str = "_soudan_"


def _localpart(config: dict[str, Any], key: str, default: str | None, example: str) -> str:
    value = config.get(key, default)
    if not isinstance(value, str) or not value or ":" in value or "@" in value:
        raise ConfigError(f"{key}: expected a non-empty localpart such as {example}")
    return value


class SoudanGuard:
    def __init__(self, config: GuardConfig, api: ModuleApi) -> None:
        self.config = config
        self.api = api
        self.server_name = api.server_name
        api.register_spam_checker_callbacks(
            user_may_create_room=self.user_may_create_room,
            user_may_invite=self.user_may_invite,
            user_may_join_room=self.user_may_join_room,
            user_may_create_room_alias=self.user_may_create_room_alias,
            user_may_publish_room=self.user_may_publish_room,
            check_username_for_spam=self.check_username_for_spam,
        )
        # A knock is a membership event with no spam-checker callback of its own: only the
        # third-party rules see it before it is made.
        api.register_third_party_rules_callbacks(check_event_allowed=self.check_event_allowed)

    @staticmethod
    def parse_config(config: dict[str, Any]) -> GuardConfig:
        return GuardConfig(
            client_localpart_prefix=_localpart(config, "client_localpart_prefix", None, "c-"),
            bot_localpart=_localpart(config, "bot_localpart", "soudan", "soudan"),
            ghost_localpart_prefix=_localpart(
                config, "ghost_localpart_prefix", "_soudan_", "_soudan_"
            ),
        )

    def _local(self, user_id: str) -> str | None:
        """The localpart of a user of this homeserver, None for anyone else."""
        suffix = ":" + self.server_name
        if not user_id.startswith("@") or not user_id.endswith(suffix):
            return None
        return user_id[1 : -len(suffix)]

    def is_client(self, user_id: str) -> bool:
        local = self._local(user_id)
        return local is not None and local.startswith(self.config.client_localpart_prefix)

    def is_soudan(self, user_id: str) -> bool:
        """soudan's bot or one of its ghosts (the appservice's own namespace)."""
        local = self._local(user_id)
        return local is not None and (
            local == self.config.bot_localpart
            or local.startswith(self.config.ghost_localpart_prefix)
        )

    @staticmethod
    def _fields(reason: str) -> dict[str, Any]:
        english, japanese = REASONS[reason]
        # Synapse puts these fields beside its own message in the 403 response body.
        return {"soudan_reason": english, "soudan_reason_ja": japanese}

    def _refuse(self, reason: str) -> Verdict:
        return Codes.FORBIDDEN, self._fields(reason)

    async def user_may_create_room(self, user_id: str, _request: Any) -> Verdict:
        if self.is_client(user_id):
            return self._refuse("create_room")
        return NOT_SPAM

    async def user_may_invite(self, inviter: str, invitee: str, _room_id: str) -> Verdict:
        # Synapse asks this for invites by anyone but homeserver admins.
        if self.is_client(inviter):
            return self._refuse("invite")
        if self.is_client(invitee) and not self.is_soudan(inviter):
            return self._refuse("invited_by_stranger")
        return NOT_SPAM

    async def user_may_join_room(self, user_id: str, room_id: str, is_invited: bool) -> Verdict:
        if not self.is_client(user_id):
            return NOT_SPAM
        if not is_invited:
            return self._refuse("join")
        # An invite that came from elsewhere (from a homeserver admin, who passes the invite
        # check, or from before this rule) does not open the room either.
        state = await self.api.get_room_state(room_id, [("m.room.member", user_id)])
        invite = state.get(("m.room.member", user_id))
        if invite is None or not self.is_soudan(invite.sender):
            return self._refuse("join_stranger")
        return NOT_SPAM

    async def user_may_create_room_alias(self, user_id: str, _alias: Any) -> Verdict:
        if self.is_client(user_id):
            return self._refuse("alias")
        return NOT_SPAM

    async def user_may_publish_room(self, user_id: str, _room_id: str) -> Verdict:
        if self.is_client(user_id):
            return self._refuse("publish")
        return NOT_SPAM

    async def check_username_for_spam(self, profile: Mapping[str, Any], requester: str) -> bool:
        """True hides a user from a user directory search: a client finds nobody but soudan's
        own users, and nobody finds a client."""
        user_id = str(profile.get("user_id", ""))
        if self.is_client(requester):
            return not self.is_soudan(user_id)
        return self.is_client(user_id) and not self.is_soudan(requester)

    async def check_event_allowed(
        self, event: Any, _state: Mapping[tuple[str, str], Any]
    ) -> tuple[bool, dict[str, Any] | None]:
        if (
            event.type == "m.room.member"
            and event.content.get("membership") == "knock"
            and self.is_client(event.sender)
        ):
            fields = self._fields("knock")
            raise SynapseError(403, fields["soudan_reason"], Codes.FORBIDDEN, fields)
        return True, None
