"""Config validation and the `soudan` command's refusals: one line, naming the key."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from appservice.config import SCHEMA, Config, ConfigError
from appservice.registration import write_registration

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config" / "example-config.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _example_with(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, text.replace(old, new, 1))


def test_example_config_is_valid_and_documents_every_key() -> None:
    config = Config.load(EXAMPLE)
    assert config["appservice.port"] == 29340
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in SCHEMA:
        section, name = key.path.split(".")
        assert re.search(rf"^{section}:$", text, re.M), section
        # Every key has a comment line somewhere above it within its section.
        assert re.search(rf"#.*\n(?:  .*\n)*?  {name}:", text), key.path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  port: 29340", "  port: lots", "appservice.port: expected a port number"),
        ("  port: 29340", "  prot: 29340", "appservice.prot: unknown key"),
        ("  verify_ssl: true", "  verify_ssl: maybe", "homeserver.verify_ssl: expected true"),
        ("  language: ja", "  language: fr", "platform.language: expected one of ja, en"),
        ('    - "@admin:localhost"', "    - admin", "platform.admins: expected a list"),
        ("  url: sqlite:soudan.db", "  url: mysql://x", "database.url: expected sqlite:"),
        ("  domain: localhost\n", "", "homeserver.domain: missing; expected a server name"),
        ("logging:", "logs:", "logs: unknown key"),
    ],
)
def test_bad_key_is_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        Config.load(_example_with(tmp_path, old, new))
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not valid YAML \(line 3\)"):
        Config.load(_write(tmp_path, "homeserver:\n  address: [\n"))
    with pytest.raises(ConfigError, match="cannot read config file"):
        Config.load(tmp_path / "absent.yaml")


def _soudan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "appservice", *args], capture_output=True, text=True, timeout=60
    )


def test_run_stops_with_one_line_naming_the_key(tmp_path: Path) -> None:
    path = _example_with(tmp_path, "  port: 29340", "  port: '29340'")
    result = _soudan("run", "-c", str(path))
    assert result.returncode == 2
    assert result.stderr == (
        "soudan: appservice.port: expected a port number between 1 and 65535, got '29340'\n"
    )
    assert result.stdout == ""


def test_run_refuses_ungenerated_tokens(tmp_path: Path) -> None:
    result = _soudan("run", "-c", str(_write(tmp_path, EXAMPLE.read_text())))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "appservice.as_token: still 'generate'" in result.stderr


def test_generate_registration_keeps_the_users_config(tmp_path: Path) -> None:
    path = _example_with(tmp_path, "  port: 29340", "  port: 31000  # my port")
    registration = tmp_path / "registration.yaml"
    result = _soudan("generate-registration", "-c", str(path), "-r", str(registration))
    assert result.returncode == 0, result.stderr
    saved = path.read_text(encoding="utf-8")
    assert "  port: 31000  # my port" in saved
    assert "# Tokens shared with the homeserver." in saved
    config = Config.load(path)
    reg = YAML(typ="safe").load(registration.read_text())
    assert reg["as_token"] == config["appservice.as_token"] != "generate"
    assert reg["hs_token"] == config["appservice.hs_token"] != reg["as_token"]
    assert config["provisioning.shared_secret"] != "generate"
    assert reg["url"] == "http://localhost:29340"
    assert reg["sender_localpart"] == "soudan"
    assert all(ns["exclusive"] for ns in reg["namespaces"]["users"])
    assert re.fullmatch(reg["namespaces"]["users"][1]["regex"], "@_soudan_desk_acme:localhost")
    assert not re.fullmatch(reg["namespaces"]["users"][1]["regex"], "@c-abc:localhost")
    # A second run keeps the tokens the homeserver already has.
    write_registration(Config.load(path), registration)
    assert YAML(typ="safe").load(registration.read_text())["as_token"] == reg["as_token"]


def test_files_holding_secrets_are_for_their_owner_only(tmp_path: Path) -> None:
    # A config written world-readable by hand: filling in its secrets narrows it first.
    path = _example_with(tmp_path, "  port: 29340", "  port: 31000")
    path.chmod(0o644)
    registration = tmp_path / "registration.yaml"
    result = _soudan("generate-registration", "-c", str(path), "-r", str(registration))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(registration.stat().st_mode) == 0o600
    # An existing registration with wider modes is narrowed too when written again.
    registration.chmod(0o666)
    write_registration(Config.load(path), registration)
    assert stat.S_IMODE(registration.stat().st_mode) == 0o600


def test_environment_variables_in_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _example_with(tmp_path, "  domain: localhost", "  domain: ${SOUDAN_TEST_DOMAIN}")
    with pytest.raises(ConfigError) as error:
        Config.load(path)
    assert str(error.value) == (
        "homeserver.domain: the environment variable SOUDAN_TEST_DOMAIN is not set"
    )
    monkeypatch.setenv("SOUDAN_TEST_DOMAIN", "example.org")
    monkeypatch.setenv("SOUDAN_TEST_ADMIN", "alice")
    path.write_text(
        path.read_text().replace('"@admin:localhost"', '"@${SOUDAN_TEST_ADMIN}:example.org"')
    )
    config = Config.load(path)
    assert config["homeserver.domain"] == "example.org"
    assert config["platform.admins"] == ["@alice:example.org"]
    # A value that does not pass its check after expansion is refused like a typed one, naming
    # the variable rather than its value (it may be a secret).
    monkeypatch.setenv("SOUDAN_TEST_DOMAIN", "not a name")
    with pytest.raises(ConfigError) as error:
        Config.load(path)
    assert str(error.value) == (
        "homeserver.domain: expected a server name such as example.org, "
        "got '${SOUDAN_TEST_DOMAIN}'"
    )
    # Saving keeps the reference, not the value.
    monkeypatch.setenv("SOUDAN_TEST_DOMAIN", "example.org")
    config = Config.load(path)
    config.set("appservice.as_token", "y" * 32)
    config.save()
    assert "domain: ${SOUDAN_TEST_DOMAIN}" in path.read_text()


def test_check_config_command(tmp_path: Path) -> None:
    ok = _soudan("check-config", "-c", str(EXAMPLE))
    assert ok.returncode == 0 and ok.stdout.strip().endswith(": OK")
    bad = _soudan("check-config", "-c", str(_example_with(tmp_path, "  id: soudan", "  id: ")))
    assert bad.returncode == 2
    assert bad.stderr.startswith("soudan: appservice.id: expected a Matrix localpart")


@pytest.mark.parametrize(
    ("public", "address", "warned"),
    [
        (None, "http://localhost:8008", "not set, so logins and voucher cards show"),
        ("http://synapse:8008", "http://synapse:8008", "is an internal name (no dot)"),
        ("http://127.0.0.1:8008", "http://synapse:8008", "is this machine's own address"),
        ("http://[::1]:8008", "http://synapse:8008", "is this machine's own address"),
        ("https://192.168.1.20", "http://synapse:8008", "is a private network address"),
        ("https://matrix.corp.internal", "http://synapse:8008", "is a name on the local"),
        ("https://matrix.example.org", "http://synapse:8008", None),
        (None, "https://matrix.example.org", None),
    ],
)
def test_public_address_and_its_warning(
    tmp_path: Path, public: str | None, address: str, warned: str | None
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "  address: http://localhost:8008", f"  address: {address}", 1
    )
    if public:
        text = text.replace("  public_address: null", f"  public_address: {public}", 1)
    config = Config.load(_write(tmp_path, text))
    assert config.public_address == (public or address)
    assert config["homeserver.address"] == address  # soudan itself still uses this one
    warnings = config.warnings()
    if warned is None:
        assert warnings == []
    else:
        (warning,) = warnings
        assert warning.startswith("homeserver.public_address: ") and warned in warning
        assert "\n" not in warning


def test_check_config_warns_but_passes(tmp_path: Path) -> None:
    result = _soudan("check-config", "-c", str(EXAMPLE))
    assert result.returncode == 0
    assert result.stderr.startswith("soudan: warning: homeserver.public_address: not set")
    public = _example_with(
        tmp_path, "  public_address: null", "  public_address: https://matrix.example.org"
    )
    result = _soudan("check-config", "-c", str(public))
    assert (result.returncode, result.stderr) == (0, "")
    bad = _example_with(tmp_path, "  public_address: null", "  public_address: matrix.example")
    result = _soudan("check-config", "-c", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith("soudan: homeserver.public_address: expected an http://")


def test_relative_paths_start_from_the_config_files_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "etc" / "soudan"
    directory.mkdir(parents=True)
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace("  url: sqlite:soudan.db", "  url: sqlite:data/soudan.db?synchronous=1", 1)
        .replace("  file: null", "  file: ../log/soudan.log", 1)
    )
    (directory / "config.yaml").write_text(text, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = Config.load(Path("..") / "etc" / "soudan" / "config.yaml")
    assert config.directory == directory
    assert config["database.url"] == f"sqlite:{directory / 'data' / 'soudan.db'}?synchronous=1"
    assert config.database_path == str(directory / "data" / "soudan.db")
    assert config["logging.file"] == str(tmp_path / "etc" / "log" / "soudan.log")
    # Saving keeps what the person typed.
    config.set("appservice.port", 31000)
    config.save()
    saved = (directory / "config.yaml").read_text(encoding="utf-8")
    assert "  url: sqlite:data/soudan.db?synchronous=1\n" in saved
    assert "  file: ../log/soudan.log\n" in saved
    # Absolute paths, memory and PostgreSQL are left as they are.
    for url, path in (
        (f"sqlite:{tmp_path / 'abs.db'}", str(tmp_path / "abs.db")),
        ("sqlite::memory:", None),
        ("postgres://soudan:pw@db/soudan", None),
    ):
        other = _write(
            tmp_path, text.replace("sqlite:data/soudan.db?synchronous=1", f"'{url}'", 1)
        )
        loaded = Config.load(other)
        assert (loaded["database.url"], loaded.database_path) == (url, path)


def test_docker_files_fit_together(monkeypatch: pytest.MonkeyPatch) -> None:
    from appservice.synapse_module import SoudanGuard

    for name in ("SOUDAN_AS_TOKEN", "SOUDAN_HS_TOKEN", "SOUDAN_PROVISIONING_SECRET"):
        monkeypatch.setenv(name, "x" * 32)
    monkeypatch.setenv("SERVER_NAME", "example.org")
    monkeypatch.setenv("PUBLIC_HOMESERVER_URL", "https://matrix.example.org")
    docker_config = Config.load(ROOT / "config" / "docker-config.yaml")
    assert docker_config["appservice.hostname"] == "0.0.0.0"
    # Logins and voucher cards show the address of .env, never the internal one.
    assert docker_config.public_address == "https://matrix.example.org"
    assert docker_config.warnings() == []
    snippet = YAML(typ="safe").load((ROOT / "config" / "homeserver-snippet.yaml").read_text())
    guard = SoudanGuard.parse_config(snippet["modules"][0]["config"])
    assert guard.client_localpart_prefix == docker_config["clients.localpart_prefix"]
    assert guard.bot_localpart == docker_config["appservice.bot_username"]
    assert guard.ghost_localpart_prefix == docker_config["appservice.ghost_prefix"]
    # No profile look-ups of strangers, and none without an account.
    assert snippet["limit_profile_requests_to_users_who_share_rooms"] is True
    assert snippet["require_auth_for_profile_requests"] is True
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    # How the registration gets from soudan to Synapse: tests/test_compose.py.
    assert snippet["app_service_config_files"] == ["/data/soudan-registration.yaml"]
