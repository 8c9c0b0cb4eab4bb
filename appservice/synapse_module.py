"""soudan's guard inside Synapse: rules that hold even while the appservice is down.

Loaded by Synapse from homeserver.yaml::

    modules:
      - module: appservice.synapse_module.SoudanGuard
        config:
          client_localpart_prefix: "c-"

Only the standard library and Synapse's stable module API (``synapse.module_api`` and
``synapse.module_api.errors``) are imported here, so the file can be mounted into a Synapse
image on its own and keeps working across Synapse releases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from synapse.module_api import NOT_SPAM, ModuleApi
from synapse.module_api.errors import Codes, ConfigError

Verdict = Literal["NOT_SPAM"] | tuple[Codes, dict[str, Any]]


@dataclass(frozen=True)
class GuardConfig:
    client_localpart_prefix: str


class SoudanGuard:
    def __init__(self, config: GuardConfig, api: ModuleApi) -> None:
        self.config = config
        self.server_name = api.server_name
        api.register_spam_checker_callbacks(
            user_may_create_room=self.user_may_create_room,
            user_may_invite=self.user_may_invite,
            user_may_join_room=self.user_may_join_room,
        )

    @staticmethod
    def parse_config(config: dict[str, Any]) -> GuardConfig:
        prefix = config.get("client_localpart_prefix")
        if not isinstance(prefix, str) or not prefix:
            raise ConfigError("client_localpart_prefix: expected a non-empty string such as c-")
        return GuardConfig(client_localpart_prefix=prefix)

    def is_client(self, user_id: str) -> bool:
        return user_id.startswith("@" + self.config.client_localpart_prefix) and user_id.endswith(
            ":" + self.server_name
        )

    def _refuse(self, reason: str) -> Verdict:
        # Synapse puts these fields beside its own message in the 403 response body.
        return Codes.FORBIDDEN, {"soudan_reason": reason}

    async def user_may_create_room(self, user_id: str, _request: Any) -> Verdict:
        if self.is_client(user_id):
            return self._refuse(
                "Client accounts cannot create rooms; write to the desk in the room "
                "that is already open for you."
            )
        return NOT_SPAM

    async def user_may_invite(self, inviter: str, _invitee: str, _room_id: str) -> Verdict:
        if self.is_client(inviter):
            return self._refuse("Client accounts cannot invite anyone.")
        return NOT_SPAM

    async def user_may_join_room(self, user_id: str, _room_id: str, is_invited: bool) -> Verdict:
        if self.is_client(user_id) and not is_invited:
            return self._refuse("Client accounts can only join rooms they are invited to.")
        return NOT_SPAM
