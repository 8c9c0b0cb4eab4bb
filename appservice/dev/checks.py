"""The test command: the same checks locally and in CI."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKS: list[tuple[str, list[str]]] = [
    ("ruff check", ["ruff", "check", "."]),
    ("ruff format", ["ruff", "format", "--check", "."]),
    ("mypy", ["mypy"]),
    # The layers of ARCHITECTURE.md "The house", as contracts in pyproject.toml.
    ("import-linter", ["lint-imports", "--no-cache"]),
]


def run_tests(pytest_args: list[str]) -> int:
    bin_dir = f"{sys.prefix}/bin/"
    for name, command in CHECKS:
        start = time.monotonic()
        result = subprocess.run([bin_dir + command[0], *command[1:]])
        if result.returncode:
            print(f"{name} failed", file=sys.stderr)
            return result.returncode
        print(f"{name}: ok ({time.monotonic() - start:.1f} s)", flush=True)
    if pytest_args:
        return subprocess.run([sys.executable, "-m", "pytest", *pytest_args]).returncode
    return _both_backends()


# The end-to-end tests mostly wait on the homeserver, so the SQLite and the PostgreSQL half
# run side by side, each with its own Synapse and soudan: on 2 cores the suite takes a little
# more than its longer half instead of the sum of both.
HALVES = (("sqlite", "not postgres"), ("postgres", "postgres"))


def _both_backends() -> int:
    directory = Path(tempfile.mkdtemp(prefix="soudan-tests-"))  # kept: both halves' logs
    runs = []
    for name, selection in HALVES:
        log = directory / f"{name}.log"
        with log.open("wb") as out:
            command = [sys.executable, "-m", "pytest", "-k", selection]
            command += ["-p", "no:cacheprovider", "--basetemp", str(directory / name)]
            runs.append((name, log, subprocess.Popen(command, stdout=out, stderr=out)))
    codes = []
    for name, log, process in runs:
        codes.append(process.wait())
        print(f"\n===== {name} half =====", flush=True)
        sys.stdout.write(log.read_text(errors="replace"))
        sys.stdout.flush()
    print(f"\nSynapse and soudan logs of both halves: {directory}", flush=True)
    # pytest's "no tests collected" (5) would mean a half lost its tests: a failure too.
    return next((code for code in codes if code), 0)
