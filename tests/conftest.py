"""Fixtures: a real Synapse and a real soudan per database backend, shared by the session."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from appservice.config import Config
from appservice.dev.testbed import Homeserver, Service, Soudan, free_port, http_json

from .matrix import User, login
from .pgserver import PostgresServer, find_or_start

TIMINGS: dict[str, float] = {}
OpenUser = Callable[[str, str, str], Awaitable[User]]
SERVER_NAME = "soudan.test"
# What clients and staff are told to type into their app: never the address soudan uses
# (stack.hs.url), as on a real deployment behind a reverse proxy.
PUBLIC_ADDRESS = "https://matrix.soudan.test"
CLIENT_PREFIX = "c-"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMINGS:
        terminalreporter.section("startup times")
        for name, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{name:<40} {seconds:6.2f} s")


@dataclass
class Stack:
    """One Synapse with one soudan, and the platform admin's login."""

    backend: str
    hs: Homeserver
    soudan: Soudan
    config: Config
    synapse_service: Service
    soudan_service: Service
    admin_id: str
    admin_password: str

    def new_user(self, prefix: str = "user") -> tuple[str, str]:
        localpart = f"{prefix}{secrets.token_hex(4)}"
        password = secrets.token_urlsafe(12)
        return self.hs.register(localpart, password), password

    def new_client_account(self) -> tuple[str, str]:
        return self.new_user(CLIENT_PREFIX)

    def control_room(self) -> str:
        _, body = http_json(
            "GET",
            self.soudan.url + "/_soudan/provision/v1/status",
            token=self.config["provisioning.shared_secret"],
        )
        return str(body["control_room"])

    def restart_soudan(self, hard: bool = False) -> None:
        """Stop soudan (SIGTERM, or SIGKILL when ``hard``) and start it again."""
        if hard:
            self.soudan_service.process.kill()
            self.soudan_service.process.wait()
        else:
            self.soudan_service.stop()
        self.soudan_service = self.soudan.start()
        self.soudan_service.wait_ready(self.soudan.ready_url)

    def restart_synapse(self) -> None:
        self.synapse_service.stop()
        self.synapse_service = self.hs.start()
        self.synapse_service.wait_ready(self.hs.ready_url)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = find_or_start(str(tmp_path_factory.mktemp("postgres")))
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    backend: str = request.param
    root: Path = tmp_path_factory.mktemp(f"stack-{backend}")
    database = f"soudan_test_{uuid.uuid4().hex[:12]}"
    pg: PostgresServer | None = None
    if backend == "postgres":
        pg = request.getfixturevalue("postgres")
        database_url = pg.create_database(database)
    else:
        database_url = f"sqlite:{root / 'soudan.db'}"
    hs = Homeserver(
        directory=root / "synapse",
        server_name=SERVER_NAME,
        port=free_port(),
        registration_path=root / "registration.yaml",
        client_prefix=CLIENT_PREFIX,
        bcrypt_rounds=4,
    )
    admin_id = f"@admin:{SERVER_NAME}"
    soudan = Soudan(
        directory=root / "soudan",
        port=free_port(),
        homeserver=hs,
        database_url=database_url,
        admins=[admin_id],
        language="en",
        clock_control=True,
        metrics_port=free_port(),
        public_address=PUBLIC_ADDRESS,
    )
    config = soudan.write_config()
    hs.write_config()
    services: list[Service] = []
    try:
        services.append(hs.start())
        TIMINGS[f"synapse ({backend} run)"] = services[-1].wait_ready(hs.ready_url)
        admin_password = secrets.token_urlsafe(12)
        hs.register("admin", admin_password, admin=True)
        services.append(soudan.start())
        TIMINGS[f"soudan on {backend}"] = services[-1].wait_ready(soudan.ready_url)
        hs.make_admin(hs.login(admin_id, admin_password), config.bot_mxid)
        stack = Stack(backend, hs, soudan, config, *services, admin_id, admin_password)
        yield stack
        services[:] = [stack.synapse_service, stack.soudan_service]  # restarts replace them
    finally:
        for service in reversed(services):
            service.stop()
        if pg is not None:
            pg.drop_database(database)


@pytest.fixture
async def users() -> AsyncIterator[OpenUser]:
    """Log in accounts with real matrix-nio clients; all are closed after the test."""
    opened: list[User] = []

    async def open_user(homeserver: str, user_id: str, password: str) -> User:
        user = await login(homeserver, user_id, password)
        opened.append(user)
        return user

    yield open_user
    for user in opened:
        await user.close()


@pytest.fixture
async def admin(stack: Stack, users: OpenUser) -> User:
    """The platform admin, joined to the control room."""
    user = await users(stack.hs.url, stack.admin_id, stack.admin_password)
    room_id = stack.control_room()
    if room_id in user.invites:
        await user.join(room_id)
    return user
