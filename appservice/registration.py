"""The appservice registration file that the homeserver loads."""

from __future__ import annotations

import re
import secrets
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .config import GENERATE, Config
from .private_files import write_private


def _token() -> str:
    return secrets.token_urlsafe(32)


def fill_generated_secrets(config: Config) -> bool:
    """Replace every ``generate`` secret with a random one; True when something changed."""
    changed = False
    for path in ("appservice.as_token", "appservice.hs_token", "provisioning.shared_secret"):
        if config[path] == GENERATE:
            config.set(path, _token())
            changed = True
    return changed


def registration(config: Config) -> dict[str, Any]:
    domain = re.escape(config["homeserver.domain"])
    bot = re.escape(config["appservice.bot_username"])
    ghosts = re.escape(config["appservice.ghost_prefix"])
    return {
        "id": config["appservice.id"],
        "url": config["appservice.address"],
        "as_token": config["appservice.as_token"],
        "hs_token": config["appservice.hs_token"],
        "sender_localpart": config["appservice.bot_username"],
        "rate_limited": False,
        "receive_ephemeral": True,
        "de.sorunome.msc2409.push_ephemeral": True,
        "namespaces": {
            "users": [
                {"regex": f"@{bot}:{domain}", "exclusive": True},
                {"regex": f"@{ghosts}.*:{domain}", "exclusive": True},
            ],
            "aliases": [{"regex": f"#{ghosts}.*:{domain}", "exclusive": True}],
            "rooms": [],
        },
    }


def write_registration(config: Config, path: str | Path) -> None:
    """Fill in the config's secrets (saving it) and write the registration to ``path``."""
    if fill_generated_secrets(config):
        config.save()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = StringIO()
    yaml.dump(registration(config), out)
    write_private(path, out.getvalue())  # it holds both tokens
