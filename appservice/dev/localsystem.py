"""The local system: Synapse + soudan on SQLite in `.local/`, a platform admin and its room."""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import time
import urllib.parse
from pathlib import Path
from types import FrameType

from ..private_files import write_private
from .testbed import Homeserver, Service, Soudan, http_json

SERVER_NAME = "localhost"
ADMIN = "admin"


# From a tenant to its first consultation, every account made by soudan (the README says the
# same). No line here may look like "  name: value": the fields above are read by that form.
FIRST_STEPS = """
First steps, with no account made by hand:
    1. In the control room:  !create-tenant demo counseling en "Demo Desk"
                             !create-admin demo Hanako   (her login is shown once)
    2. Log in as Hanako; in her admin room:  !create-operator Taro   !add-client Yuki
    3. Log in as Taro; in the staff room:  !status online
       Yuki writes in her desk conversation; Taro sends !take 1 and answers."""


class _Stop(Exception):
    pass


def _on_signal(_signum: int, _frame: FrameType | None) -> None:
    raise _Stop


def _admin_password(directory: Path) -> str:
    path = directory / "admin.json"
    if path.exists():
        return str(json.loads(path.read_text())["password"])
    password = secrets.token_urlsafe(12)
    write_private(path, json.dumps({"password": password}))
    return password


def _join_invites(hs: Homeserver, token: str, inviter: str) -> None:
    """Accept the bot's invites for the admin, so the control room is open at first login."""
    _, sync = http_json("GET", hs.url + "/_matrix/client/v3/sync?timeout=0", token=token)
    for room_id, room in sync.get("rooms", {}).get("invite", {}).items():
        senders = {e.get("sender") for e in room.get("invite_state", {}).get("events", [])}
        if inviter in senders:
            quoted = urllib.parse.quote(room_id)
            http_json("POST", f"{hs.url}/_matrix/client/v3/rooms/{quoted}/join", {}, token=token)


def run_local_system() -> int:
    started = time.monotonic()
    directory = Path(os.environ.get("SOUDAN_LOCAL_DIR", ".local")).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    hs = Homeserver(
        directory=directory / "synapse",
        server_name=SERVER_NAME,
        port=int(os.environ.get("SOUDAN_HS_PORT", "8008")),
        registration_path=directory / "registration.yaml",
        client_prefix="c-",
    )
    admin_id = f"@{ADMIN}:{SERVER_NAME}"
    soudan = Soudan(
        directory=directory / "soudan",
        port=int(os.environ.get("SOUDAN_AS_PORT", "29340")),
        homeserver=hs,
        database_url="sqlite:soudan.db",
        admins=[admin_id],
        language=os.environ.get("SOUDAN_LANGUAGE", "ja"),
    )
    config = soudan.write_config()
    hs.write_config()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    services: list[Service] = []
    try:
        print("Starting Synapse ...", flush=True)
        services.append(hs.start())
        services[-1].wait_ready(hs.ready_url)
        password = _admin_password(directory)
        if not (directory / "admin.registered").exists():
            hs.register(ADMIN, password, admin=True)
            (directory / "admin.registered").touch()
        print("Starting soudan ...", flush=True)
        services.append(soudan.start())
        services[-1].wait_ready(soudan.ready_url)
        token = hs.login(admin_id, password)
        # The bot uses the Synapse admin API to manage client accounts.
        hs.make_admin(token, config.bot_mxid)
        _join_invites(hs, token, config.bot_mxid)
        _, status = http_json(
            "GET",
            f"{soudan.url}/_soudan/provision/v1/status",
            token=config["provisioning.shared_secret"],
        )
        print(
            f"""
soudan local system is running (started in {time.monotonic() - started:.1f} s)
  homeserver:    {hs.url}   (server name: {SERVER_NAME})
  admin login:   {admin_id}
  password:      {password}
  control room:  {status.get("control_room")}   (send !help there)
  provisioning:  {soudan.url}/_soudan/provision/v1
                 (token: provisioning.shared_secret in {soudan.config_path})
  logs:          {directory}/soudan/soudan.log, {directory}/synapse/homeserver.log
{FIRST_STEPS}
Press Ctrl-C to stop.""",
            flush=True,
        )
        while True:
            for service in services:
                if service.process.poll() is not None:
                    print(f"{service.name} stopped unexpectedly; see {service.log_path}")
                    return 1
            time.sleep(0.5)
    except _Stop:
        print("\nStopping ...", flush=True)
        return 0
    except RuntimeError as e:
        print(f"soudan local system: {e}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for service in reversed(services):
            service.stop()
