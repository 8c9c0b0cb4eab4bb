"""A Synapse and a soudan on this machine, wired together: the local system and the tests.

Synapse comes from its pip package, on SQLite, with registration off, soudan's registration
and the soudan guard module loaded. Everything lives in one directory, so running again reuses
the same accounts and rooms.
"""

from __future__ import annotations

import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .. import bootstrap
from ..bootstrap import http_json as http_json  # the tests and benchmarks use it from here
from ..config import Config
from ..private_files import write_private
from ..registration import write_registration

_BIG = {"per_second": 10000, "burst_count": 100000}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dump(data: Any, path: Path) -> None:
    """Configs hold secrets (tokens, the homeserver's shared secrets): owner only."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(data, out)
    write_private(path, out.getvalue())


@dataclass
class Service:
    """A child process with its log in a file; stopped with SIGTERM, then SIGKILL."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def wait_ready(self, url: str, timeout: float = 60) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited ({self.process.returncode}); see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return time.monotonic() - start
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s; see {self.log_path}")

    def stop(self, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def _spawn(name: str, args: list[str], cwd: Path, log_path: Path) -> Service:
    log = open(log_path, "ab")  # the child keeps its own copy
    # A process group of its own: Ctrl-C in the terminal reaches the launcher only, which then
    # stops the children in order.
    # Whatever the homeserver and soudan create (their databases, media, logs) is for the
    # owner only.
    process = subprocess.Popen(
        args,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        umask=0o077,
    )
    log.close()
    return Service(name, process, log_path)


@dataclass
class Homeserver:
    directory: Path
    server_name: str
    port: int
    registration_path: Path
    client_prefix: str
    # Password hashing rounds: the tests create many accounts and need no strong hashes.
    bcrypt_rounds: int = 12
    # soudan's own users, whom the guard lets invite clients (appservice.bot_username and
    # appservice.ghost_prefix of soudan's config).
    bot_localpart: str = "soudan"
    ghost_prefix: str = "_soudan_"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.directory / "homeserver.yaml"

    def shared_secret(self) -> str:
        return str(_load(self.config_path)["registration_shared_secret"])

    def write_config(self) -> None:
        """Write homeserver.yaml and a signing key once; later runs keep them (and the port)."""
        d = self.directory
        d.mkdir(parents=True, exist_ok=True)
        key_path = d / "signing.key"
        if not key_path.exists():
            from signedjson.key import generate_signing_key, write_signing_keys

            key = io.StringIO()
            write_signing_keys(key, [generate_signing_key("a_1")])
            write_private(key_path, key.getvalue())
        previous = _load(self.config_path) if self.config_path.exists() else {}
        secret = previous.get("registration_shared_secret") or secrets.token_urlsafe(32)
        macaroon = previous.get("macaroon_secret_key") or secrets.token_urlsafe(32)
        _dump(
            {
                "version": 1,
                "disable_existing_loggers": False,
                "formatters": {"f": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
                "handlers": {
                    "file": {
                        "class": "logging.FileHandler",
                        "filename": str(d / "homeserver.log"),
                        "formatter": "f",
                    }
                },
                "root": {"level": "WARNING", "handlers": ["file"]},
            },
            d / "log.yaml",
        )
        config = {
            "server_name": self.server_name,
            "pid_file": str(d / "homeserver.pid"),
            "public_baseurl": self.url + "/",
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(d / "homeserver.db")}},
            "log_config": str(d / "log.yaml"),
            "media_store_path": str(d / "media"),
            "signing_key_path": str(key_path),
            "registration_shared_secret": secret,
            "macaroon_secret_key": macaroon,
            "form_secret": previous.get("form_secret") or secrets.token_urlsafe(32),
            "report_stats": False,
            "enable_registration": False,
            "bcrypt_rounds": self.bcrypt_rounds,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "presence": {"enabled": False},
            # As the homeserver snippet: redacted passwords leave the database after an hour.
            "redaction_retention_period": "1h",
            "app_service_config_files": [str(self.registration_path)],
            "modules": [
                {
                    "module": "appservice.synapse_module.SoudanGuard",
                    "config": {
                        "client_localpart_prefix": self.client_prefix,
                        "bot_localpart": self.bot_localpart,
                        "ghost_localpart_prefix": self.ghost_prefix,
                    },
                }
            ],
            # As in config/homeserver-snippet.yaml: no profile look-ups of strangers.
            "require_auth_for_profile_requests": True,
            "limit_profile_requests_to_users_who_share_rooms": True,
            # A local system and a test suite act faster than any person: no rate limits.
            "rc_message": _BIG,
            "rc_registration": _BIG,
            "rc_login": {"address": _BIG, "account": _BIG, "failed_attempts": _BIG},
            "rc_joins": {"local": _BIG, "remote": _BIG},
            "rc_joins_per_room": _BIG,
            "rc_room_creation": _BIG,
            "rc_invites": {"per_room": _BIG, "per_user": _BIG, "per_issuer": _BIG},
            "rc_admin_redaction": _BIG,
        }
        _dump(config, self.config_path)

    def start(self) -> Service:
        """Start Synapse; call ``wait_ready`` on the result before using it."""
        return _spawn(
            "synapse",
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
            self.directory,
            self.directory / "homeserver.out",
        )

    @property
    def ready_url(self) -> str:
        return self.url + "/_matrix/client/versions"

    def register(self, localpart: str, password: str, admin: bool = False) -> str:
        """Create an account with the shared-secret admin API; returns its user ID."""
        status, body = bootstrap.register(
            self.url, self.shared_secret(), localpart, password, admin
        )
        if status != 200:
            raise RuntimeError(f"registering {localpart} failed: {status} {body}")
        return str(body["user_id"])

    def make_admin(self, admin_token: str, user_id: str) -> None:
        """Make a user a homeserver admin (soudan's bot manages accounts as one)."""
        status, body = bootstrap.make_admin(self.url, admin_token, user_id)
        if status != 200:
            raise RuntimeError(f"making {user_id} an admin failed: {status} {body}")

    def login(self, user_id: str, password: str) -> str:
        status, body = bootstrap.login(self.url, user_id, password)
        if status != 200:
            raise RuntimeError(f"login of {user_id} failed: {status} {body}")
        return str(body["access_token"])


def _load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@dataclass
class Soudan:
    directory: Path
    port: int
    homeserver: Homeserver
    database_url: str
    admins: list[str]
    language: str = "en"
    clock_control: bool = False
    # Serve Prometheus metrics on this port (off when None).
    metrics_port: int | None = None
    # The homeserver address printed for clients and staff (homeserver.public_address), when
    # it is not the one soudan itself uses.
    public_address: str | None = None

    @property
    def config_path(self) -> Path:
        return self.directory / "config.yaml"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> Config:
        """Write config.yaml (keeping its secrets on later runs) and the registration."""
        self.directory.mkdir(parents=True, exist_ok=True)
        previous = _load(self.config_path) if self.config_path.exists() else {}
        kept = previous.get("appservice", {})
        data = {
            "homeserver": {
                "address": self.homeserver.url,
                "public_address": self.public_address,
                "domain": self.homeserver.server_name,
            },
            "appservice": {
                "address": self.url,
                "hostname": "127.0.0.1",
                "port": self.port,
                "as_token": kept.get("as_token", "generate"),
                "hs_token": kept.get("hs_token", "generate"),
            },
            "database": {"url": self.database_url},
            "clients": {"localpart_prefix": self.homeserver.client_prefix},
            "platform": {"admins": self.admins, "language": self.language},
            "provisioning": {
                "shared_secret": previous.get("provisioning", {}).get("shared_secret", "generate")
            },
            "debug": {"clock_control": self.clock_control},
            "logging": {"level": os.environ.get("SOUDAN_LOG_LEVEL", "INFO")},
            "metrics": {
                "enabled": self.metrics_port is not None,
                "hostname": "127.0.0.1",
                "port": self.metrics_port or 29341,
            },
        }
        _dump(data, self.config_path)
        config = Config.load(self.config_path)
        write_registration(config, self.homeserver.registration_path)
        return config

    def start(self, *args: str, cwd: Path | None = None) -> Service:
        """Start soudan (in its directory unless ``cwd`` is given, with any further arguments
        of ``soudan run``); call ``wait_ready`` on the result before using it."""
        return _spawn(
            "soudan",
            [sys.executable, "-m", "appservice", "run", "-c", str(self.config_path), *args],
            cwd or self.directory,
            self.directory / "soudan.log",
        )

    @property
    def ready_url(self) -> str:
        return self.url + "/_matrix/mau/ready"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics"
