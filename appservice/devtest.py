"""The test command: the same checks locally and in CI."""

from __future__ import annotations

import subprocess
import sys
import time

CHECKS: list[tuple[str, list[str]]] = [
    ("ruff check", ["ruff", "check", "."]),
    ("ruff format", ["ruff", "format", "--check", "."]),
    ("mypy", ["mypy"]),
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
    return subprocess.run([sys.executable, "-m", "pytest", *pytest_args]).returncode
