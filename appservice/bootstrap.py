"""A new homeserver's first admin, and soudan's bot made a server admin (`soudan bootstrap`).

Before anyone on a fresh Synapse is an admin, its registration shared secret is the one way in:
it creates the first platform admin as a server admin, whose token then gives soudan's bot the
admin flag it needs to manage client accounts through the admin API. Running it again changes
nothing: an existing admin logs in with the same password instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .config import Config


class BootstrapError(Exception):
    """One line saying what failed and what to do."""


def http_json(
    method: str, url: str, body: Any = None, token: str | None = None, timeout: float = 10
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def register(
    homeserver: str, shared_secret: str, localpart: str, password: str, admin: bool = False
) -> tuple[int, Any]:
    """Create an account with Synapse's shared-secret registration; the answer as it came."""
    url = homeserver + "/_synapse/admin/v1/register"
    status, body = http_json("GET", url)
    if status != 200:
        return status, body
    nonce = body["nonce"]
    mac = hmac.new(shared_secret.encode(), digestmod=hashlib.sha1)
    mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode()]))
    mac.update(b"\x00admin" if admin else b"\x00notadmin")
    body = {
        "nonce": nonce,
        "username": localpart,
        "password": password,
        "admin": admin,
        "mac": mac.hexdigest(),
    }
    return http_json("POST", url, body)


def login(homeserver: str, user_id: str, password: str) -> tuple[int, Any]:
    return http_json(
        "POST",
        homeserver + "/_matrix/client/v3/login",
        {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user_id},
            "password": password,
        },
    )


def make_admin(homeserver: str, admin_token: str, user_id: str) -> tuple[int, Any]:
    """Give ``user_id`` the homeserver admin flag (any admin's token)."""
    quoted = urllib.parse.quote(user_id)
    url = f"{homeserver}/_synapse/admin/v2/users/{quoted}"
    return http_json("PUT", url, {"admin": True}, admin_token)


def shared_secret_of(homeserver_config: Path) -> str:
    """The registration shared secret of a Synapse config file (inline or in its own file)."""
    try:
        data = YAML(typ="safe", pure=True).load(homeserver_config.read_text(encoding="utf-8"))
    except OSError as e:
        raise BootstrapError(f"cannot read {homeserver_config}: {e.strerror}") from None
    data = data if isinstance(data, dict) else {}
    secret = data.get("registration_shared_secret")
    secret_path = data.get("registration_shared_secret_path")
    if not secret and secret_path:
        try:
            secret = Path(secret_path).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise BootstrapError(f"cannot read {secret_path}: {e.strerror}") from None
    if not isinstance(secret, str) or not secret:
        raise BootstrapError(f"{homeserver_config} has no registration_shared_secret")
    return secret


def platform_admin(config: Config) -> str:
    """The first platform admin on soudan's own homeserver: the account this creates."""
    suffix = ":" + config["homeserver.domain"]
    for user_id in config["platform.admins"]:
        if user_id.endswith(suffix):
            return str(user_id)
    raise BootstrapError(f"platform.admins names nobody on {config['homeserver.domain']}")


def bootstrap(config: Config, shared_secret: str, password: str) -> list[str]:
    """Create the platform admin if missing and make the bot a server admin; what was done."""
    homeserver = str(config["homeserver.address"]).rstrip("/")
    admin_id = platform_admin(config)
    localpart = admin_id[1:].split(":", 1)[0]
    done: list[str] = []
    status, body = register(homeserver, shared_secret, localpart, password, admin=True)
    if status == 200:
        token = str(body["access_token"])
        done.append(f"created {admin_id} as a server admin")
    elif body.get("errcode") == "M_USER_IN_USE":
        status, body = login(homeserver, admin_id, password)
        if status != 200:
            raise BootstrapError(
                f"{admin_id} exists and the given password does not log in ({status} "
                f"{body.get('errcode')}); make {config.bot_mxid} a server admin with an admin's "
                "token instead (README.md)"
            )
        token = str(body["access_token"])
        done.append(f"{admin_id} exists already")
    else:
        raise BootstrapError(
            f"registering {admin_id} failed: {status} {body.get('errcode')} {body.get('error')}"
        )
    try:
        status, body = make_admin(homeserver, token, config.bot_mxid)
        if status != 200:
            raise BootstrapError(
                f"making {config.bot_mxid} a server admin failed: {status} {body.get('errcode')} "
                f"{body.get('error')}"
            )
        done.append(f"{config.bot_mxid} is a server admin")
    finally:
        # The token was only for this: log it out rather than leave a session behind.
        http_json("POST", homeserver + "/_matrix/client/v3/logout", {}, token)
    return done
