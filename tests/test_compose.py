"""Docker Compose without Docker: the files are read and checked against each other.

docker-compose.yml is validated against the Compose Specification's JSON schema, vendored as
tests/compose-spec.json (from github.com/compose-spec/compose-spec, schema/compose-spec.json,
Apache License 2.0) so the check needs no network. `soudan bootstrap`, which the Compose
setup runs once soudan is up, is run here against a real Synapse.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from appservice.bootstrap import login
from appservice.config import Config
from appservice.dev.testbed import http_json

from .conftest import Stack

ROOT = Path(__file__).resolve().parents[1]
SOUDAN_IMAGE_SERVICES = ("soudan", "soudan-registration", "soudan-bootstrap")
# The user the Synapse image runs as unless told otherwise (its start.py).
SYNAPSE_USER = "991:991"
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}")


def _yaml(name: str) -> Any:
    return YAML(typ="safe", pure=True).load((ROOT / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(_yaml("docker-compose.yml"))


@pytest.fixture(scope="module")
def env_example() -> list[str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    return [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path → source (a ./file or a volume name)."""
    found = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        found[target] = source
    return found


def _host_path(service: dict[str, Any], container_path: str) -> str:
    """Where ``container_path`` lives outside the container: ``volume:path`` or ``./file``."""
    for target, source in sorted(_mounts(service).items(), key=lambda m: -len(m[0])):
        if container_path == target:
            return source
        if container_path.startswith(target + "/"):
            return source + ":" + container_path[len(target) + 1 :]
    raise AssertionError(f"{container_path} is on no mount")


def test_compose_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads((ROOT / "tests" / "compose-spec.json").read_text(encoding="utf-8"))
    jsonschema.validate(compose, schema, cls=jsonschema.Draft7Validator)
    # The schema is not lenient: a misspelled key is refused.
    broken = {"services": {"soudan": {"image": "x", "restrat": "always"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft7Validator)


def test_every_secret_is_set_once_in_env_example(
    compose: dict[str, Any], env_example: list[str]
) -> None:
    assert len(env_example) == len(set(env_example)), "a variable twice in .env.example"
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    references = _REFERENCE.findall(text)
    # A missing or empty variable stops Compose with a message, never a silent default.
    for name, modifier in references:
        assert modifier.startswith(":?") and len(modifier) > 2, f"${{{name}{modifier}}}"
    assert {name for name, _ in references} == set(env_example)
    # Each value in .env.example is empty: nothing to forget to change.
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert line.endswith("="), line
    # No password, token or secret written into a service (only variables from .env).
    for name, service in compose["services"].items():
        environment = service.get("environment", {})
        for key, value in environment.items():
            if re.search("PASSWORD|TOKEN|SECRET", key):
                assert str(value).startswith("${") or key in env_example, (name, key)
    assert "/.env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_soudan_config_comes_from_env(compose: dict[str, Any], env_example: list[str]) -> None:
    path = ROOT / "config" / "docker-config.yaml"
    values = json.dumps(_yaml("config/docker-config.yaml"))  # the values, not the comments
    needed_names = {name for name, _ in _REFERENCE.findall(values)}
    assert needed_names, "docker-config.yaml names no variable"
    for name in SOUDAN_IMAGE_SERVICES:
        service = compose["services"][name]
        assert _host_path(service, "/etc/soudan/config.yaml") == "./config/docker-config.yaml"
        assert needed_names <= set(service["environment"]), name
    values = {name: f"value-of-{name.lower()}-" + "x" * 16 for name in env_example}
    values["SERVER_NAME"] = "example.org"
    values["PUBLIC_HOMESERVER_URL"] = "https://matrix.example.org"
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        config = Config.load(path)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert config["homeserver.domain"] == "example.org"
    assert config.public_address == "https://matrix.example.org"
    assert config["platform.admins"] == ["@admin:example.org"]
    assert config["appservice.as_token"] == values["SOUDAN_AS_TOKEN"]
    assert config["appservice.hostname"] == "0.0.0.0"
    assert config["metrics.enabled"] is True
    # soudan's own role, and its password from PGPASSWORD, not in the config.
    assert config["database.url"] == "postgres://soudan@postgres/soudan"
    soudan = compose["services"]["soudan"]
    assert soudan["environment"]["PGPASSWORD"] == _env_reference(compose, "SOUDAN_DB_PASSWORD")
    ports = {p.rsplit(":", 1)[1] for p in soudan["ports"]}
    assert {str(config["appservice.port"]), str(config["metrics.port"])} <= ports


def _env_reference(compose: dict[str, Any], name: str) -> str:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    match = re.search(r"\$\{" + name + r":\?[^}]*\}", text)
    assert match, name
    return match.group(0)


def test_separate_database_roles(compose: dict[str, Any]) -> None:
    synapse = compose["services"]["synapse"]
    postgres = compose["services"]["postgres"]
    init = _host_path(postgres, "/docker-entrypoint-initdb.d/10-roles.sh")
    script = (ROOT / init).read_text(encoding="utf-8")
    for role, variable in (("synapse", "SYNAPSE_DB_PASSWORD"), ("soudan", "SOUDAN_DB_PASSWORD")):
        assert f"CREATE ROLE {role} LOGIN PASSWORD" in script
        assert f"CREATE DATABASE {role} OWNER {role}" in script
        assert f"REVOKE ALL ON DATABASE {role} FROM PUBLIC" in script
        assert f'"${variable}"' in script
        assert postgres["environment"][variable] == _env_reference(compose, variable)
    database = _yaml("config/synapse-compose.yaml")["database"]
    assert database["name"] == "psycopg2"
    assert database["args"]["user"] == "synapse" and database["args"]["dbname"] == "synapse"
    assert "password" not in database["args"]
    assert synapse["environment"]["PGPASSWORD"] == _env_reference(compose, "SYNAPSE_DB_PASSWORD")


def test_no_root_and_one_image_built_once(compose: dict[str, Any]) -> None:
    services = compose["services"]
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["soudan"]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    image = f"soudan:{version['project']['version']}"
    for name in SOUDAN_IMAGE_SERVICES:
        assert services[name]["image"] == image, name
    for name, service in services.items():
        assert str(service.get("user", "")).split(":")[0] not in ("0", "root"), name
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert len(users) == 1 and re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[0]), users
    uid, gid = users[0].split(":")
    assert f"useradd --system --uid {uid} --gid {gid}" in dockerfile
    # Pinned: a version tag on every image, never latest.
    images = [re.search(r"^FROM (\S+)", dockerfile, re.M).group(1)]  # type: ignore[union-attr]
    images += [service["image"] for service in services.values()]
    for reference in images:
        name, _, tag = reference.rpartition(":")
        assert name and re.search(r"\d", tag) and tag != "latest", reference


def test_registration_is_written_for_synapse_alone(compose: dict[str, Any]) -> None:
    services = compose["services"]
    writer = services["soudan-registration"]
    command = writer["command"]
    written = _host_path(writer, command[command.index("-r") + 1])
    snippet = _yaml("config/homeserver-snippet.yaml")
    (read,) = snippet["app_service_config_files"]
    assert _host_path(services["synapse"], read) == written
    # Written (mode 0600, tests/test_config.py) as the user Synapse runs as, so Synapse can
    # read it while nobody else can.
    assert writer["user"] == SYNAPSE_USER
    assert "UID" not in services["synapse"].get("environment", {})
    # Written after Synapse's own config exists, before Synapse starts.
    assert writer["depends_on"] == {
        "synapse-init": {"condition": "service_completed_successfully"}
    }
    assert services["synapse"]["depends_on"]["soudan-registration"] == {
        "condition": "service_completed_successfully"
    }


def test_synapse_reads_its_config_then_soudans(compose: dict[str, Any]) -> None:
    synapse = compose["services"]["synapse"]
    command = synapse["command"]
    assert command[0] == "run"
    paths = [command[i + 1] for i, arg in enumerate(command) if arg == "--config-path"]
    assert paths[0] == "/data/homeserver.yaml"
    for path in paths[1:]:
        source = _host_path(synapse, path)
        assert source.startswith("./") and (ROOT / source).is_file(), path
    assert compose["services"]["synapse-init"]["command"] == ["generate"]
    assert _mounts(compose["services"]["synapse-init"])["/data"] == _mounts(synapse)["/data"]
    module = snippet_module = _yaml("config/homeserver-snippet.yaml")["modules"][0]["module"]
    assert snippet_module.split(".")[0] + ".py" in {
        Path(target).name for target in _mounts(synapse)
    }, module


def test_health_checks_and_start_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert "/_matrix/mau/ready" in " ".join(services["soudan"]["healthcheck"]["test"])
    assert "/health" in " ".join(services["synapse"]["healthcheck"]["test"])
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    one_shots = {"synapse-init", "soudan-registration", "soudan-bootstrap"}
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            expected = (
                "service_completed_successfully" if dependency in one_shots else "service_healthy"
            )
            assert condition == {"condition": expected}, (name, dependency)
            if expected == "service_healthy":
                assert "healthcheck" in services[dependency], dependency
        if name in one_shots:
            assert "restart" not in service, name
    # The bot exists (soudan registered it) before it is made an admin.
    assert services["soudan-bootstrap"]["depends_on"] == {
        "soudan": {"condition": "service_healthy"}
    }
    assert services["soudan"]["depends_on"]["synapse"] == {"condition": "service_healthy"}


def _pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker reads it: ``*`` stops at ``/``, ``**`` does not."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            close = pattern.index("]", i)
            out, i = out + pattern[i : close + 1], close + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def _ignored(patterns: list[str], path: str) -> bool:
    """Whether .dockerignore leaves ``path`` out of the build context: as in Docker, a pattern
    matches the path or a folder above it, and the last pattern that matches decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    ignored = False
    for pattern in patterns:
        regex = _pattern(pattern.removeprefix("!").rstrip("/"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            ignored = not pattern.startswith("!")
    return ignored


def test_dockerignore_keeps_data_out_of_the_build() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for path in (
        "data/postgres/PG_VERSION",
        ".venv/bin/python",
        ".git/config",
        ".local/soudan/soudan.db",
        ".env",
        "tests/test_compose.py",
        ".pytest_cache/v/cache",
        "appservice/__pycache__/config.cpython-311.pyc",
    ):
        assert _ignored(patterns, path), path
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for source in re.findall(r"^COPY (.+) \S+$", dockerfile, re.M):
        for name in source.split():
            assert not _ignored(patterns, name), name
    assert not _ignored(patterns, "appservice/program.py")


def test_readme_walks_through_these_files(compose: dict[str, Any], env_example: list[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Docker Compose", 1)[1].split("\n## ", 1)[0]
    assert "cp .env.example .env" in section and "docker compose up -d" in section
    for name in env_example:
        assert name in section, name
    named = re.findall(r"`(config/[\w./-]+|\.env\.example|\.dockerignore|Dockerfile)`", section)
    for path in named:
        assert (ROOT / path).exists(), path
    # Every file of ours a service reads is explained there, and every service is.
    for name, service in compose["services"].items():
        assert f"`{name}`" in section or name == "element", name
        for source in _mounts(service).values():
            if source.startswith("./config/"):
                assert source[2:] in named, source


@pytest.fixture(scope="module")
def bootstrap_config(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """soudan's config with another bot and another platform admin: their accounts are this
    test's alone."""
    directory = tmp_path_factory.mktemp("bootstrap")
    data = _yaml_file(stack.soudan.config_path)
    suffix = secrets.token_hex(3)
    data["appservice"]["bot_username"] = f"botstrap{suffix}"
    data["platform"]["admins"] = [f"@first{suffix}:{stack.hs.server_name}"]
    path = directory / "config.yaml"
    YAML(typ="safe", pure=True).dump(data, path)
    return path


def _yaml_file(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def _bootstrap(stack: Stack, config: Path, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(sys.executable, "-m", "appservice", "bootstrap", "-c", str(config)),
            *("--homeserver-config", str(stack.hs.config_path)),
        ],
        env={**os.environ, "SOUDAN_ADMIN_PASSWORD": password},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _is_admin(stack: Stack, user_id: str) -> bool:
    token = stack.hs.login(stack.admin_id, stack.admin_password)
    status, body = http_json(
        "GET", f"{stack.hs.url}/_synapse/admin/v2/users/{user_id}", token=token
    )
    assert status == 200, body
    return bool(body["admin"])


def test_bootstrap_makes_the_first_admin_and_the_bot_a_server_admin(
    stack: Stack, bootstrap_config: Path
) -> None:
    config = Config.load(bootstrap_config)
    bot = config.bot_mxid
    (admin_id,) = config["platform.admins"]
    # The bot exists (soudan registers its bot at start) and is no admin yet.
    stack.hs.register(bot[1:].split(":")[0], secrets.token_urlsafe(12))
    assert not _is_admin(stack, bot)
    password = secrets.token_urlsafe(12)

    first = _bootstrap(stack, bootstrap_config, password)
    assert first.returncode == 0, first.stderr
    assert f"created {admin_id} as a server admin" in first.stdout
    assert _is_admin(stack, bot) and _is_admin(stack, admin_id)
    status, _ = login(stack.hs.url, admin_id, password)
    assert status == 200

    again = _bootstrap(stack, bootstrap_config, password)
    assert again.returncode == 0, again.stderr
    assert f"{admin_id} exists already" in again.stdout

    wrong = _bootstrap(stack, bootstrap_config, password + "x")
    assert wrong.returncode == 1
    assert wrong.stderr.startswith(f"soudan: {admin_id} exists and the given password")
    missing = _bootstrap(stack, bootstrap_config, "")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "soudan: SOUDAN_ADMIN_PASSWORD is not set"
