"""Where soudan's files are does not depend on where it is started, and a database that is
not the one soudan ran on before is refused instead of quietly starting an empty system."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from appservice.dev.testbed import Service, free_port, http_json
from appservice.private_files import write_private

from .conftest import Stack

# SQLite is where a relative path means something; the refusal does not depend on the backend.
pytestmark = pytest.mark.parametrize("stack", ["sqlite"], indirect=True)


def _config(stack: Stack) -> dict[str, Any]:
    return YAML(typ="safe").load(stack.soudan.config_path.read_text(encoding="utf-8"))


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    with open(path, "w", encoding="utf-8") as out:
        yaml.dump(data, out)
    write_private(path, path.read_text(encoding="utf-8"))


def _run(config: Path, cwd: Path, log: Path, *args: str) -> Service:
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "appservice", "run", "-c", os.path.relpath(config, cwd), *args],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Service("soudan", process, log)


def _bot_rooms(stack: Stack) -> set[str]:
    status, body = http_json(
        "GET",
        stack.hs.url + "/_matrix/client/v3/joined_rooms",
        token=stack.config["appservice.as_token"],
    )
    assert status == 200, body
    return set(body["joined_rooms"])


def _control_room(url: str, token: str) -> str:
    status, body = http_json("GET", url + "/_soudan/provision/v1/status", token=token)
    assert status == 200, body
    return str(body["control_room"])


def test_started_from_another_directory_it_opens_the_same_database(
    stack: Stack, tmp_path: Path
) -> None:
    control_room = stack.control_room()
    database = Path(str(stack.config.database_path))
    directory = stack.soudan.directory
    # The same settings with paths relative to the config file, as the example config has.
    data = _config(stack)
    data["database"]["url"] = f"sqlite:{os.path.relpath(database, directory)}"
    data["logging"]["file"] = "relative.log"
    config = directory / "relative.yaml"
    _write(config, data)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stack.soudan_service.stop()
    try:
        service = _run(config, elsewhere, directory / "soudan.log")
        service.wait_ready(stack.soudan.ready_url)
        assert _control_room(stack.soudan.url, stack.config["provisioning.shared_secret"]) == (
            control_room
        )
        assert service.stop() == 0
    finally:
        stack.soudan_service = stack.soudan.start()
        stack.soudan_service.wait_ready(stack.soudan.ready_url)
    assert list(elsewhere.iterdir()) == []  # no database, no log where it was started
    log = (directory / "relative.log").read_text(encoding="utf-8")
    assert f"Database: {database}\n" in log


def test_an_empty_database_is_refused_while_the_bot_has_rooms(
    stack: Stack, tmp_path: Path
) -> None:
    rooms = _bot_rooms(stack)
    assert rooms  # the control room and the tenants' rooms of this session
    data = _config(stack)
    data["database"]["url"] = "sqlite:fresh.db"
    port = free_port()
    data["appservice"]["port"] = port
    data["platform"]["admins"] = []  # the start allowed below invites no one
    data["metrics"]["port"] = free_port()  # the shared soudan serves its own
    config = tmp_path / "other" / "config.yaml"
    _write(config, data)
    fresh = tmp_path / "other" / "fresh.db"
    log = tmp_path / "soudan.log"

    refused = _run(config, tmp_path, log)
    assert refused.process.wait(120) == 5
    text = log.read_text(encoding="utf-8")
    assert (
        f"Refusing to start: the database {fresh} is empty, but {stack.config.bot_mxid} is "
        f"already in {len(rooms)} rooms on the homeserver" in text
    )
    assert f"Check database.url in {config} (" in text
    assert "run `soudan run` with --allow-empty-database" in text
    assert "Traceback" not in text
    assert not fresh.exists()  # no empty database left behind
    assert _bot_rooms(stack) == rooms  # nothing was created

    # Asked to, it starts anew: a control room of its own.
    allowed = _run(config, tmp_path, log, "--allow-empty-database")
    try:
        allowed.wait_ready(f"http://127.0.0.1:{port}/_matrix/mau/ready")
        new_room = _control_room(f"http://127.0.0.1:{port}", data["provisioning"]["shared_secret"])
    finally:
        allowed.process.send_signal(signal.SIGTERM)
        assert allowed.process.wait(60) == 0
    assert new_room not in rooms and fresh.exists()
    assert "--allow-empty-database" in log.read_text(encoding="utf-8")
    # The session's homeserver goes on as it was: the bot leaves the room that start made.
    quoted = urllib.parse.quote(new_room)
    status, _ = http_json(
        "POST",
        f"{stack.hs.url}/_matrix/client/v3/rooms/{quoted}/leave",
        {},
        token=stack.config["appservice.as_token"],
    )
    assert status == 200
    assert _bot_rooms(stack) == rooms


def test_a_metrics_port_in_use_stops_the_start_with_its_reason(
    stack: Stack, tmp_path: Path
) -> None:
    data = _config(stack)
    data["appservice"]["port"] = free_port()
    data["metrics"]["enabled"] = True
    data["metrics"]["port"] = stack.config["metrics.port"]  # the shared soudan's own
    data["database"]["url"] = f"sqlite:{stack.config.database_path}"
    config = tmp_path / "busy.yaml"
    _write(config, data)
    log = tmp_path / "soudan.log"
    started = _run(config, tmp_path, log)
    assert started.process.wait(120) == 4  # it stops instead of running half-started
    text = log.read_text(encoding="utf-8")
    assert f"Cannot serve metrics on 127.0.0.1:{stack.config['metrics.port']}" in text
    assert "Traceback" not in text
