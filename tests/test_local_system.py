"""The README's run command, as a person would use it: start, log in, !help, Ctrl-C, again."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

from appservice.dev.testbed import free_port

from .conftest import TIMINGS, OpenUser
from .matrix import reply_to

ROOT = Path(__file__).resolve().parents[1]


def _start(env: dict[str, str]) -> tuple[subprocess.Popen[str], dict[str, str]]:
    started = time.monotonic()
    process = subprocess.Popen(
        ["python3", "-m", "appservice.dev"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or []]).start()
    output = ""
    while "Press Ctrl-C to stop." not in output:
        if time.monotonic() - started > 120 or process.poll() is not None:
            process.kill()
            raise AssertionError(f"the local system did not come up:\n{output}")
        with contextlib.suppress(queue.Empty):
            output += lines.get(timeout=1)
    TIMINGS.setdefault("local system (first start)", time.monotonic() - started)
    fields = dict(re.findall(r"^  ([a-z ]+):\s+(\S+)", output, re.M))
    return process, fields


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0


def _port_closed(url: str) -> bool:
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


async def test_readme_run_command(tmp_path: Path, users: OpenUser) -> None:
    env = {
        **os.environ,
        "SOUDAN_LOCAL_DIR": str(tmp_path / "local"),
        "SOUDAN_HS_PORT": str(free_port()),
        "SOUDAN_AS_PORT": str(free_port()),
    }
    process, fields = _start(env)
    try:
        homeserver, admin_id, password = (
            fields["homeserver"],
            fields["admin login"],
            fields["password"],
        )
        room_id = fields["control room"]
        admin = await users(homeserver, admin_id, password)
        joined = await admin.client.joined_rooms()
        assert room_id in joined.rooms  # the control room is open at first login
        event_id = await admin.send_text(room_id, "!help")
        answer = await admin.wait_for(reply_to(event_id, room_id))
        assert answer["content"]["body"].startswith("使えるコマンド:")  # the platform speaks ja
        await admin.close()
    finally:
        _stop(process)
    assert _port_closed(homeserver) and _port_closed(fields["provisioning"])
    local = tmp_path / "local"
    for secret in (
        "admin.json",  # the admin's password
        "registration.yaml",  # the appservice's tokens
        "soudan/config.yaml",
        "soudan/soudan.db",
        "synapse/homeserver.yaml",  # shared secrets
        "synapse/signing.key",
        "synapse/homeserver.db",  # accounts, access tokens
    ):
        assert stat.S_IMODE((local / secret).stat().st_mode) == 0o600, secret

    again, fields_again = _start(env)
    try:
        assert fields_again["password"] == password
        assert fields_again["control room"] == room_id
    finally:
        _stop(again)
