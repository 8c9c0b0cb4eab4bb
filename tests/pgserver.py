"""Locate or launch a PostgreSQL server for the test suite (see find_or_start)."""

from __future__ import annotations

import asyncio
import atexit
import glob
import os
import pwd
import shutil
import socket
import stat
import subprocess
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

ENV_VAR = "SOUDAN_TEST_POSTGRES"
LOCAL_URL = "postgres://postgres@127.0.0.1:5432/postgres"
HOW_TO_FIX = (
    f"Either set {ENV_VAR}=postgres://user@host:port/db (a maintenance database where that user "
    "may CREATE DATABASE), run a server on 127.0.0.1:5432 that trusts user 'postgres', or install "
    "the PostgreSQL server binaries (initdb, pg_ctl; e.g. Debian/Ubuntu's 'postgresql' package)."
)


class PostgresUnavailable(Exception):
    pass


def _run_sql(url: str, action: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        conn = await asyncpg.connect(url, timeout=5)
        try:
            return await action(conn)
        finally:
            await conn.close()

    # A private thread gets its own event loop, so callers may already be inside one
    # (pytest-asyncio tests), where asyncio.run() would refuse to start.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PostgresServer:
    """Where tests get PostgreSQL from."""

    def __init__(self, admin_url: str, stop_cmd: list[str] | None = None) -> None:
        self.admin_url = admin_url
        self._stop_cmd = stop_cmd

    def url_for(self, name: str) -> str:
        return urlunsplit(urlsplit(self.admin_url)._replace(path="/" + quote(name, safe="")))

    def create_database(self, name: str) -> str:
        _run_sql(self.admin_url, lambda c: c.execute(f"CREATE DATABASE {_quote_ident(name)}"))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        # WITH (FORCE) (PostgreSQL 13+) kicks out connections a test forgot to close.
        sql = f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)"
        _run_sql(self.admin_url, lambda c: c.execute(sql))

    def stop(self) -> None:
        cmd, self._stop_cmd = self._stop_cmd, None
        if cmd:
            subprocess.run(cmd, check=False, capture_output=True, timeout=60)


def _find_bin_dir() -> str | None:
    candidates = [os.path.dirname(p) for p in [shutil.which("initdb")] if p]

    def version(d: str) -> tuple[int, ...]:
        v = Path(d).parent.name
        return tuple(int(x) for x in v.split(".")) if v.replace(".", "").isdigit() else (0,)

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    for d in candidates:
        if os.access(f"{d}/initdb", os.X_OK) and os.access(f"{d}/pg_ctl", os.X_OK):
            return d
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_throwaway(tmp_dir: str) -> PostgresServer:
    bin_dir = _find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            f"No PostgreSQL server for the tests: {ENV_VAR} is unset, nothing accepted "
            f"{LOCAL_URL} with trust auth, and no initdb/pg_ctl was found on PATH or in "
            f"/usr/lib/postgresql/*/bin. {HOW_TO_FIX}"
        )
    root = Path(tmp_dir).resolve()
    data, sock = root / "pgdata", root / "pgsock"
    data.mkdir(parents=True)
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        # initdb and postgres refuse to run as root, so hand the directories to a plain user.
        try:
            entry = pwd.getpwnam("postgres")
        except KeyError:
            entry = pwd.getpwnam("nobody")
        user = entry.pw_name
        for d in (data, sock):
            os.chown(d, entry.pw_uid, entry.pw_gid)
        # That user must be able to reach them, e.g. through pytest's 0700 /tmp/pytest-of-root.
        for d in (root, *root.parents):
            if not d.stat().st_mode & stat.S_IXOTH:
                d.chmod(d.stat().st_mode | stat.S_IXOTH)
        if shutil.which("runuser"):
            prefix = ["runuser", "-u", user, "--"]
        else:
            ids = [f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups"]
            prefix = ["setpriv", *ids, "--"]

    def run(*args: str) -> None:
        proc = subprocess.run([*prefix, *args], cwd=root, capture_output=True, text=True)
        if proc.returncode != 0:
            log = data / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailable(
                f"Could not start a throwaway PostgreSQL from {bin_dir}: {' '.join(args)} "
                f"failed:\n{proc.stdout}{proc.stderr}{tail}\n{HOW_TO_FIX}"
            )

    # UTF8 regardless of the caller's locale, which runuser passes through (often unset/POSIX).
    initdb = [f"{bin_dir}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust"]
    run(*initdb, "-E", "UTF8", "--locale=C", "--no-sync")
    port = _free_port()
    # Unix socket paths max out near 107 bytes; a deep tmp_dir gets TCP only rather than failing.
    sock_dir = str(sock).replace("'", "''") if len(str(sock)) < 90 else ""
    # Settings go into the config file, not pg_ctl -o, which the shell would re-split on spaces.
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(
            f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{sock_dir}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        )
    pg_ctl = f"{bin_dir}/pg_ctl"
    run(pg_ctl, "-D", str(data), "-l", str(data / "server.log"), "-w", "-t", "30", "start")
    server = PostgresServer(
        f"postgres://postgres@127.0.0.1:{port}/postgres",
        [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
    )
    # A test run that forgets stop() (or dies on an exception) must not leave postgres behind.
    atexit.register(server.stop)
    return server


def find_or_start(tmp_dir: str) -> PostgresServer:
    if url := os.environ.get(ENV_VAR):
        return PostgresServer(url)
    try:
        _run_sql(LOCAL_URL, lambda c: c.fetchval("SELECT 1"))
        return PostgresServer(LOCAL_URL)
    except Exception:  # refused, timed out, wants a password, no such role: all mean "not usable"
        return start_throwaway(tmp_dir)
