"""Client and staff accounts on the homeserver, through Synapse's admin API.

One small class, so that another account backend (Matrix Authentication Service, say) can
replace it. The bot must be a homeserver admin for any of this to work.
"""

from __future__ import annotations

import logging
import secrets
import string
from typing import cast

from mautrix.api import HTTPAPI, Method, Path, SynapseAdminPath
from mautrix.appservice import IntentAPI
from mautrix.errors import MatrixRequestError
from mautrix.types import RoomID, UserID
from mautrix.util.logging import TraceLogger

log = cast(TraceLogger, logging.getLogger("soudan.accounts"))

_ID_ALPHABET = string.ascii_lowercase + string.digits
# No 0/O, 1/l/I: passwords are typed from paper.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AccountError(Exception):
    """The homeserver refused an account operation."""

    def __init__(self, action: str, error: MatrixRequestError) -> None:
        super().__init__(f"{action}: {error}")
        self.forbidden = error.http_status in (401, 403)


class LocalpartTaken(Exception):
    """The chosen user ID belongs to an account already (active or not)."""

    def __init__(self, user_id: UserID) -> None:
        super().__init__(user_id)
        self.user_id = user_id


def random_localpart(prefix: str) -> str:
    # Random, never derived from the nickname: the ID must say nothing about the person.
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


def random_password() -> str:
    groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


class SynapseAccounts:
    def __init__(self, bot: IntentAPI, domain: str, prefix: str) -> None:
        self.bot = bot
        self.domain = domain
        self.prefix = prefix

    async def create(
        self, displayname: str | None, *, prefix: str | None = None, localpart: str | None = None
    ) -> tuple[UserID, str]:
        """A new account with a random password, and a random ID under ``prefix`` (the
        clients' prefix unless given) or exactly ``localpart``; returns both."""
        password = random_password()
        for _ in range(5):
            user_id = UserID(
                f"@{localpart or random_localpart(prefix or self.prefix)}:{self.domain}"
            )
            if await self._exists(user_id):
                if localpart:
                    raise LocalpartTaken(user_id)
                continue  # taken (practically never): draw again
            body: dict[str, object] = {"password": password, "admin": False}
            if displayname:
                body["displayname"] = displayname
            try:
                await self.bot.api.request(Method.PUT, SynapseAdminPath.v2.users[user_id], body)
            except MatrixRequestError as e:
                raise AccountError("creating an account", e) from e
            return user_id, password
        raise RuntimeError("could not draw a free user ID")

    async def _exists(self, user_id: UserID) -> bool:
        # The same PUT would change an existing account (its password too): look first.
        try:
            await self.bot.api.request(Method.GET, SynapseAdminPath.v2.users[user_id])
        except MatrixRequestError as e:
            if e.http_status != 404:
                raise AccountError("checking a new user ID", e) from e
            return False
        return True

    async def is_active(self, user_id: UserID) -> bool:
        """Whether an account of this homeserver exists and is not deactivated.

        Asked through the admin API: the homeserver answers profile look-ups only between
        users who share a room, so a profile says nothing about a stranger's account."""
        try:
            user = await self.bot.api.request(Method.GET, SynapseAdminPath.v2.users[user_id])
        except MatrixRequestError as e:
            if e.http_status == 404:
                return False
            raise AccountError("looking up an account", e) from e
        return not user.get("deactivated", False)

    async def reset_password(self, user_id: UserID) -> str:
        """A new password; every device of the account is logged out."""
        password = random_password()
        try:
            await self.bot.api.request(
                Method.POST,
                SynapseAdminPath.v1.reset_password[user_id],
                {"new_password": password, "logout_devices": True},
            )
        except MatrixRequestError as e:
            raise AccountError("resetting a password", e) from e
        return password

    async def deactivate(self, user_id: UserID, erase: bool = False) -> None:
        """The account leaves its rooms and can never log in again. Its messages stay as they
        are unless ``erase``: erasing a person's content is a deliberate operation of its own."""
        try:
            await self.bot.api.request(
                Method.POST, SynapseAdminPath.v1.deactivate[user_id], {"erase": erase}
            )
        except MatrixRequestError as e:
            raise AccountError("removing an account", e) from e

    async def memberships(self, user_id: UserID) -> dict[RoomID, str]:
        """The user's membership (join, invite, leave…) of every room the homeserver is in
        with them; for a user of another homeserver too."""
        try:
            response = await self.bot.api.request(
                Method.GET, SynapseAdminPath.v1.users[user_id].memberships
            )
        except MatrixRequestError as e:
            raise AccountError("reading the rooms of a user", e) from e
        found = response.get("memberships") or {}
        return {RoomID(room): str(membership) for room, membership in found.items()}

    async def room_members(self, room_id: RoomID) -> list[UserID]:
        """Everyone joined to a room of this homeserver, whoever can see into it."""
        try:
            response = await self.bot.api.request(
                Method.GET, SynapseAdminPath.v1.rooms[room_id].members
            )
        except MatrixRequestError as e:
            if e.http_status == 404:
                return []  # a room the homeserver no longer knows
            raise AccountError("reading the members of a room", e) from e
        return [UserID(user) for user in response.get("members") or []]

    async def join(self, user_id: UserID, *room_ids: RoomID) -> None:
        """Accept invites for the user, so their rooms are open at their first login."""
        try:
            response = await self.bot.api.request(
                Method.POST, SynapseAdminPath.v1.users[user_id].login, {}
            )
        except MatrixRequestError as e:
            raise AccountError("joining a room for a user", e) from e
        # A short session of the user's own, ended at once: the appservice cannot act as
        # client or staff accounts (they are outside its namespace on purpose).
        api = HTTPAPI(
            base_url=self.bot.api.base_url,
            token=response["access_token"],
            client_session=self.bot.api.session,
            log=log,
        )
        try:
            for room_id in room_ids:
                await api.request(Method.POST, Path.v3.join[room_id], {})
        except MatrixRequestError as e:
            raise AccountError("joining a room for a user", e) from e
        finally:
            try:
                await api.request(Method.POST, Path.v3.logout, {})
            except MatrixRequestError:
                log.warning("Could not end the temporary session of a user")
