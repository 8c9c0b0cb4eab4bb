"""Loading and validating soudan's YAML config.

Every key is declared once in ``SCHEMA``: its type, its default (or that it is required) and
what is expected of it. ``config/example-config.yaml`` documents the same keys; a test keeps
the two equal. Unknown keys are errors too, so a typo is caught at start instead of being a
setting that silently does nothing.

A value may name environment variables as ``${NAME}`` (Docker Compose passes secrets and the
server name this way); a variable that is not set is an error naming the key.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from yarl import URL

from .i18n import LANGUAGES
from .private_files import write_private

GENERATE = "generate"
_REQUIRED = object()


class ConfigError(Exception):
    """One line naming the bad key and what is expected."""


Check = Callable[[Any], str | None]  # returns what was expected, or None when the value is fine


def _str(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "a non-empty string"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def _port(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536
    return None if ok else "a port number between 1 and 65535"


def _http_url(value: Any) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"https?://[^\s/]+(/\S*)?", value)
    return None if ok else "an http:// or https:// URL"


def _server_name(value: Any) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9.\-]+(:\d{1,5})?", value)
    return None if ok else "a server name such as example.org"


def _localpart(value: Any) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[a-z0-9._=\-/]+", value)
    return None if ok else "a Matrix localpart (lowercase letters, digits, . _ = - /)"


def _secret(value: Any) -> str | None:
    ok = isinstance(value, str) and (value == GENERATE or len(value) >= 16)
    return None if ok else f'"{GENERATE}" or a random string of at least 16 characters'


def _db_url(value: Any) -> str | None:
    ok = isinstance(value, str) and re.match(r"(sqlite:.+|postgres(ql)?://.+)", value)
    return None if ok else "sqlite:<file path> or postgres://user:password@host/database"


def _user_ids(value: Any) -> str | None:
    ok = isinstance(value, list) and all(
        isinstance(v, str) and re.fullmatch(r"@[^:\s]+:\S+", v) for v in value
    )
    return None if ok else "a list of Matrix user IDs such as @alice:example.org"


def _timezone(value: Any) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
        return None if isinstance(value, str) else "an IANA time zone such as Asia/Tokyo"
    except (ZoneInfoNotFoundError, ValueError):
        return "an IANA time zone such as Asia/Tokyo"


def _choice(*options: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in options else "one of " + ", ".join(options)

    return check


def _optional(check: Check) -> Check:
    def wrapped(value: Any) -> str | None:
        return None if value is None else check(value)

    return wrapped


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand(path: str, value: Any) -> Any:
    """``value`` with each ``${NAME}`` replaced by that environment variable."""
    if isinstance(value, list):
        return [_expand(path, item) for item in value]
    if not isinstance(value, str):
        return value

    def variable(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConfigError(f"{path}: the environment variable {name} is not set")
        return os.environ[name]

    return _VARIABLE.sub(variable, value)


@dataclass(frozen=True)
class Key:
    path: str
    check: Check
    default: Any = _REQUIRED


SCHEMA: tuple[Key, ...] = (
    Key("homeserver.address", _http_url),
    # The address clients and staff type into their Matrix app, printed on every login and
    # voucher card; homeserver.address (soudan's own way in) if unset.
    Key("homeserver.public_address", _optional(_http_url), None),
    Key("homeserver.domain", _server_name),
    Key("homeserver.verify_ssl", _bool, True),
    Key("appservice.address", _http_url),
    Key("appservice.hostname", _str, "127.0.0.1"),
    Key("appservice.port", _port, 29340),
    Key("appservice.id", _localpart, "soudan"),
    Key("appservice.bot_username", _localpart, "soudan"),
    Key("appservice.bot_displayname", _str, "soudan"),
    Key("appservice.ghost_prefix", _localpart, "_soudan_"),
    Key("appservice.as_token", _secret, GENERATE),
    Key("appservice.hs_token", _secret, GENERATE),
    Key("database.url", _db_url, "sqlite:soudan.db"),
    Key("clients.localpart_prefix", _localpart, "c-"),
    Key("staff.localpart", _choice("random", "nickname"), "random"),
    Key("staff.localpart_prefix", _localpart, "s-"),
    Key("platform.admins", _user_ids),
    Key("platform.language", _choice(*LANGUAGES), "ja"),
    Key("platform.timezone", _timezone, "Asia/Tokyo"),
    Key("provisioning.enabled", _bool, True),
    Key("provisioning.shared_secret", _secret, GENERATE),
    # Where calendar apps reach the provisioning API (calendar feeds); appservice.address if unset.
    Key("provisioning.public_url", _optional(_http_url), None),
    Key("debug.clock_control", _bool, False),
    Key("logging.level", _choice("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"),
    Key("logging.file", _optional(_str), None),
    Key("metrics.enabled", _bool, False),
    Key("metrics.hostname", _str, "127.0.0.1"),
    Key("metrics.port", _port, 29341),
)
_SECTIONS = {key.path.split(".")[0] for key in SCHEMA}
# Localpart prefixes that must never cover each other: the guard module tells clients by
# theirs, and the ghosts' namespace is soudan's alone.
_PREFIXES = ("appservice.ghost_prefix", "clients.localpart_prefix", "staff.localpart_prefix")

# Names no one outside this machine or network can reach (RFC 6761, 6762, 8375).
_INTERNAL_SUFFIXES = (".local", ".internal", ".home.arpa")


def internal_host(url: str) -> str | None:
    """Why the host of ``url`` cannot be reached from outside, or None if it may be."""
    host = (URL(url).host or "").rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            return "this machine's own name"
        if host.endswith(_INTERNAL_SUFFIXES):
            return "a name on the local network"
        if "." not in host:
            return "an internal name (no dot)"
        return None
    if ip.is_loopback or ip.is_unspecified:
        return "this machine's own address"
    if ip.is_private or ip.is_link_local:
        return "a private network address"
    return None


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode keeps the user's comments and key order on save
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _walk(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, value in data.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict) and path in _SECTIONS:
            yield from _walk(value, path + ".")
        else:
            yield path, value


class Config:
    """A validated config; read values with dotted keys: ``config["appservice.port"]``."""

    def __init__(self, path: Path, data: Any) -> None:
        self.path = path
        self._data = data
        self._values: dict[str, Any] = {}

    @classmethod
    def load(cls, path: str | Path) -> Config:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None
        try:
            data = _yaml().load(text)
        except YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark else ""
            raise ConfigError(f"config file {path} is not valid YAML{where}") from None
        config = cls(path, data if data is not None else {})
        config.validate()
        config._resolve_paths()
        return config

    def validate(self) -> None:
        if not isinstance(self._data, dict):
            raise ConfigError("the config file must be a mapping of sections (homeserver: ...)")
        known = {key.path: key for key in SCHEMA}
        found: dict[str, Any] = {}
        for path, value in _walk(self._data):
            if path in _SECTIONS:
                raise ConfigError(f"{path}: expected a section (a mapping of keys)")
            if path not in known:
                raise ConfigError(f"{path}: unknown key (check the spelling against the example)")
            found[path] = value
        for key in SCHEMA:
            if key.path not in found:
                if key.default is _REQUIRED:
                    raise ConfigError(f"{key.path}: missing; expected {key.check(None)}")
                self._values[key.path] = key.default
                continue
            value = _expand(key.path, found[key.path])
            expected = key.check(value)
            if expected:
                # A value from the environment may be a secret: name the variable instead.
                got = _describe(value if value == found[key.path] else found[key.path])
                raise ConfigError(f"{key.path}: expected {expected}, got {got}")
            self._values[key.path] = value
        self._check_prefixes()

    def _check_prefixes(self) -> None:
        for i, first in enumerate(_PREFIXES):
            for second in _PREFIXES[i + 1 :]:
                a, b = self._values[first], self._values[second]
                if a.startswith(b) or b.startswith(a):
                    raise ConfigError(
                        f"{second}: {b!r} overlaps {first} ({a!r}); neither may start with "
                        "the other"
                    )

    @property
    def directory(self) -> Path:
        """The config file's directory: relative paths in the config start from here."""
        return Path(os.path.abspath(self.path)).parent

    def _resolve_paths(self) -> None:
        """Relative file paths are taken from the config file's directory, not from wherever
        soudan was started. Only the values read are absolute: ``save`` keeps what was typed."""
        url = URL(self["database.url"])
        if url.scheme == "sqlite" and url.path != ":memory:":
            path = self.directory / os.path.expanduser(url.path)
            query = f"?{url.query_string}" if url.query_string else ""
            self._values["database.url"] = f"sqlite:{os.path.normpath(path)}{query}"
        if self["logging.file"]:
            path = self.directory / os.path.expanduser(self["logging.file"])
            self._values["logging.file"] = os.path.normpath(path)

    @property
    def database_path(self) -> str | None:
        """The SQLite database file (absolute), or None for PostgreSQL and memory."""
        url = URL(self["database.url"])
        return url.path if url.scheme == "sqlite" and url.path != ":memory:" else None

    @property
    def public_address(self) -> str:
        """The homeserver address to give people (clients, staff) for logging in."""
        return str(self["homeserver.public_address"] or self["homeserver.address"])

    def warnings(self) -> list[str]:
        """Settings that work but are likely mistakes; one line each, naming the key."""
        found = []
        address = self.public_address
        why = internal_host(address)
        if why:
            source = (
                f"homeserver.public_address: {address} is {why}"
                if self["homeserver.public_address"]
                else f"homeserver.public_address: not set, so logins and voucher cards show "
                f"homeserver.address, {address}, which is {why}"
            )
            found.append(
                f"{source}; clients and staff on other devices cannot reach it. Set "
                "homeserver.public_address to the address their Matrix apps use, such as "
                "https://matrix.example.org"
            )
        return found

    def __getitem__(self, path: str) -> Any:
        return self._values[path]

    def set(self, path: str, value: Any) -> None:
        """Change one value in memory and in the YAML document (saved by ``save``)."""
        section, name = path.split(".", 1)
        self._data.setdefault(section, {})[name] = value
        self._values[path] = value

    def save(self) -> None:
        out = StringIO()
        _yaml().dump(self._data, out)
        write_private(self.path, out.getvalue())  # it holds the appservice's tokens

    @property
    def bot_mxid(self) -> str:
        return f"@{self['appservice.bot_username']}:{self['homeserver.domain']}"

    def ghost_mxid(self, name: str) -> str:
        return f"@{self['appservice.ghost_prefix']}{name}:{self['homeserver.domain']}"

    def is_client(self, user_id: str) -> bool:
        return user_id.startswith("@" + self["clients.localpart_prefix"]) and user_id.endswith(
            ":" + self["homeserver.domain"]
        )

    def require_tokens(self) -> None:
        for path in ("appservice.as_token", "appservice.hs_token"):
            if self[path] == GENERATE:
                raise ConfigError(
                    f"{path}: still {GENERATE!r}; run `soudan generate-registration "
                    f"-c {self.path}` first"
                )
